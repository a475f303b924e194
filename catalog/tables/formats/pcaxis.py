"""PC-Axis (``.px``, the PX file format of Statistics Sweden, as PxWeb reads it): written and read.

Written in UTF-8 (``CODEPAGE="utf-8"``) in one language: the mandatory keywords, ``STUB`` (every
dimension but the last) and ``HEADING`` (the last), ``VALUES`` and ``CODES`` per dimension,
``TIMEVAL`` for the period, ``UNITS``/``DECIMALS``, ``SOURCE``, ``CONTACT``, ``NOTE`` with the
footnotes, and ``DATA`` in row-major order.  Status symbols: ``"-"`` nil, ``".."`` not
available, ``"..."`` confidential; provisional marks as ``DATANOTECELL``, footnotes per cell as
``CELLNOTE``.  The reader accepts what the writer writes and the common subset of PX files
offices publish (one language, ``VALUES`` with or without ``CODES``).
"""

from __future__ import annotations

import re

from flask_babel import gettext as _

from catalog.tables.cube import Dimension, Draft, Problem, Structure, Value, check_structure, make_cell
from catalog.tables.formats import Extract

MEDIA_TYPE = "text/plain; charset=utf-8"
TO_PX = {"-": '"-"', "…": '".."', "x": '"..."'}
FROM_PX = {'"-"': "-", '".."': "…", '"..."': "x", '"."': "…", '"...."': "x"}
MISSING = '"."'  # noqa: S105 - a PX data symbol
PX_TYPES = {"time": "T", "geo": "G", "measure": "C", "other": "V"}
ROLE_OF_TYPE = {v: k for k, v in PX_TYPES.items()}
REQUIRED = ("MATRIX", "SUBJECT-CODE", "SUBJECT-AREA", "TITLE", "CONTENTS", "UNITS", "DECIMALS", "DATA")


def _quote(text: str) -> str:
    return '"' + str(text).replace('"', "'").replace("\r", " ").replace("\n", " ").replace(";", ",") + '"'


def _list(texts) -> str:
    return ",".join(_quote(t) for t in texts)


def _number(value: float, decimals: int) -> str:
    if float(value).is_integer() and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))


def write(extract: Extract, matrix: str = "TABLE", subject: str = "", subject_area: str = "") -> str:
    structure = extract.structure
    dims = structure.dimensions
    label = extract.label
    names = [label(d.label) or d.code for d in dims]
    if len(set(names)) != len(names):
        names = [f"{n} ({d.code})" for n, d in zip(names, dims, strict=True)]
    unit = label(structure.unit) or "-"
    lines = ['CHARSET="ANSI";', 'AXIS-VERSION="2013";', 'CODEPAGE="utf-8";', f'LANGUAGE="{extract.locale}";',
             f"CREATION-DATE={_quote(extract.updated.strftime('%Y%m%d %H:%M'))};",
             f"DECIMALS={min(structure.decimals, 6)};", f"SHOWDECIMALS={min(structure.decimals, 6)};",
             f"MATRIX={_quote(matrix)};", f"SUBJECT-CODE={_quote(subject or matrix)};",
             f"SUBJECT-AREA={_quote(subject_area or extract.title)};", f"TITLE={_quote(extract.title)};",
             f"CONTENTS={_quote(extract.title)};", f"UNITS={_quote(unit)};"]
    stub, heading = names[:-1] or names, names[-1:] if len(names) > 1 else []
    lines.append(f"STUB={_list(stub)};")
    if heading:
        lines.append(f"HEADING={_list(heading)};")
    for name, d in zip(names, dims, strict=True):
        lines.append(f"VALUES({_quote(name)})={_list(label(v.label) or v.code for v in d.values)};")
    for name, d in zip(names, dims, strict=True):
        lines.append(f"CODES({_quote(name)})={_list(v.code for v in d.values)};")
    for name, d in zip(names, dims, strict=True):
        lines.append(f"VARIABLE-CODE({_quote(name)})={_quote(d.code)};")
        lines.append(f"VARIABLE-TYPE({_quote(name)})={_quote(PX_TYPES[d.role])};")
    for name, d in zip(names, dims, strict=True):
        if d.role == "time":
            lines.append(f"TIMEVAL({_quote(name)})=TLIST(A1),{_list(v.code for v in d.values)};")
    if structure.source:
        lines.append(f"SOURCE={_quote(label(structure.source))};")
    if structure.contact:
        lines.append(f"CONTACT={_quote(structure.contact)};")
    if structure.notes:
        lines.append(f"NOTE={_quote(' '.join(f'{i}) {label(n)}' for i, n in enumerate(structure.notes, 1)))};")
    lines.append(f"LAST-UPDATED={_quote(extract.updated.strftime('%Y%m%d %H:%M'))};")
    lines.append('DATASYMBOL2="..";')
    lines.append('DATASYMBOL3="...";')
    lines.append('DATASYMBOLNIL="-";')
    value_labels = [[label(v.label) or v.code for v in d.values] for d in dims]
    for codes, cell in extract.cells.items():
        keys = [value_labels[i][d.index[c]] for i, (d, c) in enumerate(zip(dims, codes, strict=True))]
        if cell.symbol in ("*", "**"):
            lines.append(f"DATANOTECELL({_list(keys)})={_quote(cell.symbol)};")
        if cell.note:
            note = structure.notes[cell.note - 1] if cell.note <= len(structure.notes) else {}
            lines.append(f"CELLNOTE({_list(keys)})={_quote(f'{cell.note}) ' + label(note))};")
    lines.append("DATA=")
    strides = structure.strides()
    data = ['"."'] * structure.size
    for codes, cell in extract.cells.items():
        pos = sum(d.index[c] * s for d, c, s in zip(dims, codes, strides, strict=True))
        data[pos] = TO_PX[cell.symbol] if cell.symbol in TO_PX else _number(cell.value, structure.decimals)
    width = structure.sizes[-1] if dims else 1
    for start in range(0, len(data), width):
        lines.append(" ".join(data[start:start + width]))
    lines.append(";")
    return "\r\n".join(lines) + "\r\n"


KEYWORD = re.compile(r'^([A-Z][A-Z0-9-]*)(?:\[([a-z]{2,3})\])?(?:\("(.*)"\))?$', re.S)
QUOTED = re.compile(r'"((?:[^"])*)"')


def _statements(text: str) -> tuple[list[tuple[str, str]], str | None]:
    """``KEY=value;`` statements before ``DATA=``, and the data text (None if there is no DATA)."""
    statements, position = [], 0
    while position < len(text):
        equals = text.find("=", position)
        if equals < 0:
            break
        key = text[position:equals].strip()
        if key == "DATA":
            end = text.find(";", equals)
            return statements, text[equals + 1:end if end >= 0 else len(text)]
        # a value ends at the first ; outside quotes
        index, quoted = equals + 1, False
        while index < len(text) and (quoted or text[index] != ";"):
            if text[index] == '"':
                quoted = not quoted
            index += 1
        statements.append((key, text[equals + 1:index].strip()))
        position = index + 1
    return statements, None


def _texts(value: str) -> list[str]:
    found = QUOTED.findall(value.replace('"\r\n"', "").replace('"\n"', ""))
    return found if found else [value.strip()]


def read(data: bytes) -> Draft:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("cp1252")
        except UnicodeDecodeError:
            return Draft(Structure([]), {}, [Problem(_("The PC-Axis file is neither UTF-8 nor Windows text."))])
    first = text.lstrip()[:40]
    if not re.match(r'^(CHARSET|AXIS-VERSION|CODEPAGE|LANGUAGE|MATRIX)(\[[a-z]+\])?=', first):
        return Draft(Structure([]), {}, [Problem(_("This is not a PC-Axis file: it must begin with CHARSET, "
                                                   "AXIS-VERSION or MATRIX."), 1, 1)])
    statements, data_text = _statements(text)
    keys = {}
    for key, value in statements:
        match = KEYWORD.match(key)
        if match is None:
            return Draft(Structure([]), {}, [Problem(_("Malformed PC-Axis keyword %(key)s.", key=key[:60]),
                                                     text[:text.find(key)].count("\n") + 1, 1)])
        name, language, argument = match.groups()
        if language:
            continue  # other languages: the file's own language is read
        keys.setdefault(name, {})[argument] = value
    found = [Problem(_("The PC-Axis file lacks the keyword %(key)s.", key=key))
             for key in REQUIRED if key not in keys and not (key == "DATA" and data_text is not None)]
    if data_text is None and "DATA" not in [p.message for p in found]:
        found.append(Problem(_("The PC-Axis file lacks the keyword %(key)s.", key="DATA")))
    if "STUB" not in keys and "HEADING" not in keys:
        found.append(Problem(_("The PC-Axis file lacks the keyword %(key)s.", key="STUB")))
    if found:
        return Draft(Structure([]), {}, found)
    names = _texts(keys.get("STUB", {}).get(None, "")) + _texts(keys.get("HEADING", {}).get(None, ""))
    names = [n for n in names if n]
    language = (_texts(keys.get("LANGUAGE", {}).get(None, '"id"'))[0] or "id")[:2]
    dims = []
    timeval = keys.get("TIMEVAL", {})
    for name in names:
        labels = _texts(keys.get("VALUES", {}).get(name, ""))
        codes = _texts(keys["CODES"][name]) if name in keys.get("CODES", {}) else labels
        if len(codes) != len(labels):
            return Draft(Structure([]), {}, [Problem(_("VALUES and CODES of %(name)s differ in length.", name=name))])
        plain = name.split(" (")[-1].rstrip(")") if " (" in name else name
        code = re.sub(r"[^A-Za-z0-9_]+", "_", plain).strip("_").lower()
        if name in keys.get("VARIABLE-CODE", {}):
            code = _texts(keys["VARIABLE-CODE"][name])[0]
        role = "time" if name in timeval else "other"
        role = ROLE_OF_TYPE.get(_texts(keys.get("VARIABLE-TYPE", {}).get(name, '""'))[0], role)
        if all(c.isdigit() and len(c) in (2, 4) for c in codes):
            from catalog import reference

            if all(c in reference.regions() for c in codes):
                role = "geo"
        dims.append(Dimension(code[:80] or "d", {language: name, "id": name, "en": name}, role,
                              [Value(c, {"id": lbl, "en": lbl}) for c, lbl in zip(codes, labels, strict=True)]))
    try:
        decimals = int(_texts(keys["DECIMALS"][None])[0])
    except ValueError:
        decimals = 0
    units = _texts(keys["UNITS"][None])[0]
    source = _texts(keys["SOURCE"][None])[0] if "SOURCE" in keys else ""
    contact = _texts(keys["CONTACT"][None])[0] if "CONTACT" in keys else ""
    note_texts = {}
    for value in keys.get("CELLNOTE", {}).values():
        note = _texts(value)[0]
        mark, _sep, rest = note.partition(") ")
        note_texts[mark] = rest
    marks = sorted(note_texts, key=lambda m: int(m) if m.isdigit() else 0)
    notes = [{"id": note_texts[m], "en": note_texts[m]} for m in marks]
    structure = Structure(dims, {"id": units, "en": units}, decimals, {"id": source, "en": source} if source else {},
                          contact, notes)
    problems = check_structure(structure)
    if problems:
        return Draft(structure, {}, problems)
    tokens = data_text.replace(",", " ").split()
    if len(tokens) != structure.size:
        return Draft(structure, {}, [Problem(_("DATA has %(n)s values; the dimensions ask for %(size)s.",
                                               n=len(tokens), size=structure.size))])
    label_index = [{v.label["id"]: v.code for v in d.values} for d in dims]
    marks = {}
    for argument, value in keys.get("DATANOTECELL", {}).items():
        marks[tuple(_texts(f'"{argument}"'))] = _texts(value)[0]
    cell_notes = {}
    for argument, value in keys.get("CELLNOTE", {}).items():
        mark = _texts(value)[0].partition(")")[0]
        cell_notes[tuple(_texts(f'"{argument}"'))] = int(mark) if mark.isdigit() else 0
    by_labels = {}
    for key in set(marks) | set(cell_notes):
        if len(key) == len(dims) and all(k in idx for k, idx in zip(key, label_index, strict=True)):
            by_labels[tuple(idx[k] for k, idx in zip(key, label_index, strict=True))] = key
    cells, found = {}, []
    decode = structure.decoder()
    width = structure.sizes[-1]
    for pos, token in enumerate(tokens):
        codes = decode(pos)
        key = by_labels.get(codes)
        symbol = FROM_PX.get(token)
        if token == MISSING:
            continue
        note = cell_notes.get(key, 0) if key else 0
        made = make_cell("" if symbol else token.strip('"'), symbol or (marks.get(key, "") if key else ""), note)
        if isinstance(made, str):
            found.append(Problem(made, pos // width + 1, pos % width + 1))
            continue
        cells[codes] = made
    return Draft(structure, cells, found)
