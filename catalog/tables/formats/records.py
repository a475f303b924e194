"""Rows of text (from CSV or a worksheet) → a cube, through a mapping of columns.

Two layouts: **tidy** (one row per cell: a column per dimension holding value codes, optional
label columns, the value, the status symbol and a footnote) and **wide** (the layout offices
publish: leading columns name the row values, e.g. regions down; every further header cell is
a value code of one dimension across, e.g. years).  Lines whose first cell begins with ``#``
before the header are metadata (our own CSV exports write them) and are skipped.

``guess`` proposes a mapping from the header; ``build`` applies one and returns a ``Draft``
listing every problem with its row and column.
"""

from __future__ import annotations

import csv
import io
import operator
import threading
from dataclasses import dataclass, field

from flask_babel import gettext as _

from catalog import reference
from catalog.tables.cube import (
    LARGEST,
    LONGEST_CODE,
    LONGEST_LABEL,
    LONGEST_NOTE,
    Cell,
    Dimension,
    Draft,
    Problem,
    Structure,
    Value,
    check_structure,
    make_cell,
)
from catalog.tables.formats import columns

VALUE_NAMES = {"value", "nilai", "data", "angka"}
SYMBOL_NAMES = {"symbol", "status", "simbol", "tanda"}
NOTE_NAMES = {"note", "catatan", "footnote", "keterangan"}
TIME_NAMES = {"tahun", "year", "periode", "period", "bulan", "month", "time", "waktu", "triwulan", "quarter"}
GEO_NAMES = {"wilayah", "region", "provinsi", "province", "kabupaten", "kota", "kabkota", "geo", "kode_wilayah",
             "area", "daerah_kode"}
MEASURE_NAMES = {"measure", "indikator", "indicator", "variabel", "ukuran", "metric"}
LABEL_SUFFIXES = ("_label", ":label", " label", "_nama", "_name")
MAX_PROBLEMS = 200  # enough to act on; the rest are counted
LONGEST_FIELD = max(LONGEST_NOTE, LONGEST_LABEL, LONGEST_CODE)
_FIELD_LIMIT = threading.Lock()


@dataclass
class Mapping:
    layout: str = "tidy"  # or "wide"
    columns: list[str] = field(default_factory=list)  # per column: dim:<code> label:<code> value symbol note ignore
    across: str = ""  # wide: the dimension whose value codes are the header cells after the leading columns
    roles: dict[str, str] = field(default_factory=dict)  # dimension code → role
    labels: dict[str, dict] = field(default_factory=dict)  # dimension code → {"id", "en"}
    unit: dict = field(default_factory=dict)
    decimals: int = 0
    source: dict = field(default_factory=dict)

    def dimension_codes(self) -> list[str]:
        codes = [c.split(":", 1)[1] for c in self.columns if c.startswith("dim:")]
        if self.layout == "wide" and self.across and self.across not in codes:
            codes.append(self.across)
        return codes


def read_csv(data: bytes) -> tuple[list[tuple[int, list[str]]], list[Problem]]:
    """The rows of a CSV upload with their line numbers; problems for an unreadable file."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return [], [Problem(_("The file is not UTF-8 text (byte %(at)s).", at=exc.start + 1))]
    if "\x00" in text:
        return [], [Problem(_("The file contains NUL bytes; it is not a text file."))]
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
        delimiter = dialect.delimiter
    except csv.Error:
        delimiter = ","
    rows, problems = [], []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    # csv refuses fields over 131,072 characters with an error that names no column; read them, and
    # let ``build`` name the row and column of every field that is too long.  The limit is global, so
    # it is raised only while this file is read, and put back.
    with _FIELD_LIMIT:
        previous = csv.field_size_limit(len(text) + 1)
        try:
            if '"' not in text:  # no quoted field, so no field spans lines: row n is line n
                rows = list(enumerate(reader, 1))
            else:
                for row in reader:
                    rows.append((reader.line_num, row))
        except csv.Error as exc:
            problems.append(Problem(_("The CSV cannot be read: %(error)s.", error=str(exc)[:200]), reader.line_num))
        finally:
            csv.field_size_limit(previous)
    return rows, problems


def _blank(row: list[str]) -> bool:
    return not row or (not row[0].strip() and not any(cell.strip() for cell in row))


def _header_index(rows) -> int | None:
    """Where the header row is: ``#`` metadata lines and blank lines before it are skipped."""
    for index, (_number, row) in enumerate(rows):
        if not (_blank(row) or row[0].lstrip().startswith("#")):
            return index
    return None


def _header(rows):
    """The header row and the rows below it but blank ones."""
    index = _header_index(rows)
    if index is None:
        return None, []
    return rows[index], [(n, r) for n, r in rows[index + 1:] if r and (r[0].strip() or not _blank(r))]


def _label_target(name: str, names: set[str]) -> str | None:
    lowered = name.lower()
    for suffix in LABEL_SUFFIXES:
        if lowered.endswith(suffix) and name[: -len(suffix)] in names:
            return name[: -len(suffix)]
    return None


def guess(rows: list[tuple[int, list[str]]], layout: str | None = None) -> Mapping:
    """A mapping proposed from the header row (the producer confirms or changes it)."""
    index = _header_index(rows)
    header = rows[index] if index is not None else None
    names = [cell.strip() for cell in header[1]] if header else []
    lowered = [n.lower() for n in names]
    tidy = layout == "tidy" or (layout is None and any(n in VALUE_NAMES for n in lowered))
    mapping = Mapping(layout="tidy" if tidy else "wide")
    plain = {n for n in names if not _label_target(n, set(names))}
    if tidy:
        for name, low in zip(names, lowered, strict=True):
            target = _label_target(name, plain)
            if low in VALUE_NAMES:
                mapping.columns.append("value")
            elif low in SYMBOL_NAMES:
                mapping.columns.append("symbol")
            elif low in NOTE_NAMES:
                mapping.columns.append("note")
            elif target:
                mapping.columns.append(f"label:{target}")
            elif name:
                mapping.columns.append(f"dim:{name}")
            else:
                mapping.columns.append("ignore")
    else:
        leading = 1
        if len(names) > 2 and names[1] and _label_target(names[1], {names[0]}):
            leading = 2
        first = names[0] if names and names[0] else "wilayah"
        mapping.columns = [f"dim:{first}"] + ([f"label:{first}"] if leading == 2 else [])
        mapping.across = "tahun"
    for code in mapping.dimension_codes():
        low = code.lower()
        mapping.roles[code] = ("time" if low in TIME_NAMES else "geo" if low in GEO_NAMES
                               else "measure" if low in MEASURE_NAMES else "other")
        mapping.labels[code] = {"id": code, "en": code}
    return mapping


class _Builder:
    def __init__(self, mapping: Mapping):
        self.mapping = mapping
        self.order = mapping.dimension_codes()
        self.values: dict[str, dict[str, Value]] = {code: {} for code in self.order}
        self.cells: dict[tuple[str, ...], Cell] = {}
        self.first_row: dict[tuple[str, ...], int] = {}
        self.notes: list[str] = []
        self.problems: list[Problem] = []
        self.more = 0
        self.seen: dict[str, dict[str, str]] = {code: {} for code in self.order}
        self.columns: tuple[list[int], list[float], dict[int, int]] | None = None  # set by columns.read_tidy
        self.dimension_columns = [(i, role[4:]) for i, role in enumerate(mapping.columns) if role.startswith("dim:")]
        self.special = tuple(mapping.columns.index(n) if n in mapping.columns else None
                             for n in ("value", "symbol", "note"))
        self.label_columns = [(i, role[6:]) for i, role in enumerate(mapping.columns) if role.startswith("label:")]

    def problem(self, message: str, row: int, column: int | str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(message, row, column))
        else:
            self.more += 1

    def code(self, dimension: str, text: str, row: int, column: int) -> str | None:
        code = text.strip()
        if not code:
            self.problem(_("The code of %(dimension)s is empty.", dimension=dimension), row, column)
            return None
        if len(code) > LONGEST_CODE:
            self.problem(_("The code is longer than %(n)s characters.", n=LONGEST_CODE), row, column)
            return None
        if self.mapping.roles.get(dimension) == "geo" and code.isdigit() and code not in reference.regions():
            self.problem(_("Unknown region code %(code)s.", code=code), row, column)
            return None
        if code not in self.values[dimension]:
            self.values[dimension][code] = Value(code)
        return code

    def label(self, dimension: str, code: str, text: str, row: int, column: int) -> None:
        text = text.strip()
        if len(text) > LONGEST_LABEL:
            self.problem(_("The label is longer than %(n)s characters.", n=LONGEST_LABEL), row, column)
        elif text and code in self.values[dimension]:
            self.values[dimension][code].label.setdefault("id", text)

    def note(self, text: str, row: int, column: int) -> int:
        text = text.strip()
        if not text:
            return 0
        if len(text) > LONGEST_NOTE:
            self.problem(_("The footnote is longer than %(n)s characters.", n=LONGEST_NOTE), row, column)
            return 0
        if text not in self.notes:
            self.notes.append(text)
        return self.notes.index(text) + 1

    def cell(self, codes: tuple[str, ...], value: str, symbol: str, note: int, row: int, column: int) -> None:
        made = None
        if not symbol:
            try:  # the common case, a plain number: no need for the full reading of make_cell
                number = float(value)
                if -LARGEST <= number <= LARGEST and "_" not in value:
                    made = Cell(number, "", note)
            except ValueError:
                pass
        if made is None:
            made = make_cell(value, symbol, note)
        if isinstance(made, str):
            self.problem(made, row, column)
            return
        if codes in self.cells:
            self.problem(_("Duplicate cell: the same combination is already on row %(row)s.",
                           row=self.first_row[codes]), row, column)
            return
        self.cells[codes] = made
        self.first_row[codes] = row

    def finish(self) -> Draft:
        dimensions = []
        for code in self.order:
            values = list(self.values[code].values())
            role = self.mapping.roles.get(code, "other")
            for value in values:
                region = reference.regions().get(value.code) if role == "geo" else None
                if region is not None and not value.label:
                    value.label = {"id": region.name, "en": region.name}
                if region is not None and not region.is_province and region.province_code in self.values[code]:
                    value.parent = region.province_code
                value.label.setdefault("id", value.code)
                value.label.setdefault("en", value.label["id"])
            dimensions.append(Dimension(code, dict(self.mapping.labels.get(code) or {"id": code, "en": code}), role,
                                        values))
        structure = Structure(dimensions, dict(self.mapping.unit), self.mapping.decimals, dict(self.mapping.source),
                              notes=[{"id": text, "en": text} for text in self.notes])
        problems = self.problems
        if not self.cells and not self.columns and not problems:
            problems = [Problem(_("The file holds no cell."))]
        if self.more:
            problems = [*problems, Problem(_("… and %(n)s more problems.", n=self.more))]
        problems = problems or check_structure(structure)
        if self.columns:
            positions, values, notes = self.columns
            return Draft(structure, None, problems, positions=positions, values=values, notes=notes)
        return Draft(structure, self.cells, problems)


def _field_problems(builder: _Builder, line: int, row: list[str]) -> bool:
    bad = False
    for column, text in enumerate(row, 1):
        if len(text) > LONGEST_FIELD:
            builder.problem(_("The field has %(n)s characters; at most %(max)s are allowed.", n=len(text),
                              max=LONGEST_FIELD), line, column)
            bad = True
    return bad


def build(rows: list[tuple[int, list[str]]], mapping: Mapping) -> Draft:
    """Apply ``mapping`` to ``rows``; every problem found is in the draft, with its row and column."""
    builder = _Builder(mapping)
    at = _header_index(rows)
    header = rows[at] if at is not None else None
    if header is None:
        return Draft(Structure([]), {}, [Problem(_("The file holds no rows."))])
    if not mapping.dimension_codes():
        return Draft(Structure([]), {}, [Problem(_("Map at least one column to a dimension."), header[0], 1)])
    width = len(mapping.columns)
    if mapping.layout == "tidy":
        if mapping.columns.count("value") != 1:
            return Draft(Structure([]), {}, [Problem(_("Map exactly one column to the value."), header[0], 1)])
        if len(header[1]) < width:
            return Draft(Structure([]), {}, [Problem(_("The header has fewer columns than the mapping."), header[0],
                                                     len(header[1]) + 1)])
    else:
        across = [cell.strip() for cell in header[1][width:]]
        if not across:
            return Draft(Structure([]), {}, [Problem(_("The header names no column of values."), header[0], width + 1)])
        across_codes = []
        for column, text in enumerate(across, width + 1):
            across_codes.append(builder.code(mapping.across, text, header[0], column))
        seen = [c for c in across_codes if c]
        if len(set(seen)) != len(seen):
            builder.problem(_("A column heading appears twice."), header[0], width + 1)
    if mapping.layout == "tidy":
        fast = _Builder(mapping)
        if columns.read_tidy(fast, list(map(operator.itemgetter(1), rows[at + 1:]))):  # blank rows: False
            return fast.finish()
    _header_row, body = _header(rows)
    for line, row in body:
        if _field_problems(builder, line, row):
            continue
        if mapping.layout == "tidy":
            _tidy_row(builder, mapping, line, row)
        else:
            _wide_row(builder, mapping, line, row, across_codes)
    return builder.finish()


def _leading(builder: _Builder, mapping: Mapping, line: int, row: list[str]) -> dict[str, str] | None:
    codes: dict[str, str] = {}
    ok = True
    seen = builder.seen
    for index, dimension in builder.dimension_columns:
        text = row[index] if index < len(row) else ""
        code = seen[dimension].get(text)  # a code already met, spelled the same: checked before
        if code is None:
            code = builder.code(dimension, text, line, index + 1)
            if code is None:
                ok = False
                continue
            seen[dimension][text] = code
        codes[dimension] = code
    if not ok:
        return None
    for index, dimension in builder.label_columns:
        if index < len(row) and dimension in codes and "id" not in builder.values[dimension][codes[dimension]].label:
            builder.label(dimension, codes[dimension], row[index], line, index + 1)
    return codes


def _tidy_row(builder: _Builder, mapping: Mapping, line: int, row: list[str]) -> None:
    if any(cell.strip() for cell in row[len(mapping.columns):]):
        builder.problem(_("The row has %(n)s columns; the header has %(m)s.", n=len(row), m=len(mapping.columns)),
                        line, len(mapping.columns) + 1)
        return
    row = row + [""] * (len(mapping.columns) - len(row))  # empty trailing cells (a worksheet drops them)
    codes = _leading(builder, mapping, line, row)
    if codes is None:
        return
    value_column, symbol_column, note_column = builder.special
    symbol = row[symbol_column] if symbol_column is not None else ""
    note = builder.note(row[note_column], line, note_column + 1) if note_column is not None else 0
    builder.cell(tuple(codes[c] for c in builder.order), row[value_column], symbol, note, line, value_column + 1)


def _wide_row(builder: _Builder, mapping: Mapping, line: int, row: list[str], across: list[str | None]) -> None:
    codes = _leading(builder, mapping, line, row)
    if codes is None:
        return
    width = len(mapping.columns)
    for column, code in enumerate(across, width + 1):
        if code is None:
            continue
        text = row[column - 1] if column - 1 < len(row) else ""
        value, symbol = text.strip(), ""
        for mark in ("**", "*"):
            if value.endswith(mark) and len(value) > len(mark):
                value, symbol = value[: -len(mark)], mark
                break
        full = dict(codes, **{mapping.across: code})
        builder.cell(tuple(full[c] for c in builder.order), value, symbol, 0, line, column)

