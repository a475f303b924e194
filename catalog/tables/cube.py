"""The cube in memory: its structure, its cells, their validation, and selections of it.

A ``Structure`` lists the dimensions in order; each ``Dimension`` has a code, a label in
Indonesian and English, a role (``time``, ``geo``, ``measure``, ``other``) and its ``Value``s
in order (a value of a geography may name its ``parent``, a province for a regency; a value
of a measure carries its unit and decimals).  A ``Cell`` is a number, a status symbol, or a
number with a provisional mark, and may point at a footnote.

Every parser in ``catalog.tables.formats`` produces a ``Draft`` (structure, cells by code
tuple, footnotes, and every ``Problem`` found with its row and column); nothing is stored
unless the draft has no problem.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field
from typing import NamedTuple

from flask_babel import lazy_gettext as _l

ROLES = ("time", "geo", "measure", "other")
ROLE_LABELS = {"time": _l("Period"), "geo": _l("Region"), "measure": _l("Measure"), "other": _l("Category")}
# BPS status symbols: the first three stand instead of a number, the provisional marks go with one.
SYMBOLS = {"-": _l("nil"), "…": _l("not available"), "x": _l("confidential"), "*": _l("provisional figure"),
           "**": _l("very provisional figure")}
WITHOUT_VALUE = ("-", "…", "x")
SYMBOL_SPELLINGS = {"...": "…", "–": "-", "X": "x"}
LARGEST = 1e15  # beyond this a statistical figure is a typing error (and loses precision as a float)
LONGEST_CODE = 80
LONGEST_LABEL = 300
LONGEST_NOTE = 2000
MAX_DIMENSIONS = 10
MAX_CELLS = 5_000_000
RESERVED = frozenset({"rows", "cols", "v", "version", "format", "lang", "chart", "csrf_token"})


def label_of(labels: dict, locale: str) -> str:
    """The label in ``locale``, falling back to Indonesian (the default language), then English."""
    return labels.get(locale) or labels.get("id") or labels.get("en") or ""


@dataclass
class Value:
    code: str
    label: dict = field(default_factory=dict)  # {"id": ..., "en": ...}
    parent: str = ""
    unit: dict = field(default_factory=dict)  # measure values only
    decimals: int | None = None

    def to_json(self) -> dict:
        data = {"code": self.code, "label": self.label}
        if self.parent:
            data["parent"] = self.parent
        if self.unit:
            data["unit"] = self.unit
        if self.decimals is not None:
            data["decimals"] = self.decimals
        return data

    @classmethod
    def from_json(cls, data: dict) -> Value:
        return cls(data["code"], dict(data.get("label") or {}), data.get("parent", ""), dict(data.get("unit") or {}),
                   data.get("decimals"))


@dataclass
class Dimension:
    code: str
    label: dict = field(default_factory=dict)
    role: str = "other"
    values: list[Value] = field(default_factory=list)

    def __post_init__(self):
        self._index = None

    @property
    def index(self) -> dict[str, int]:
        if self._index is None or len(self._index) != len(self.values):
            self._index = {v.code: i for i, v in enumerate(self.values)}
        return self._index

    def value(self, code: str) -> Value:
        return self.values[self.index[code]]

    def children(self, code: str) -> list[str]:
        return [v.code for v in self.values if v.parent == code]

    def to_json(self) -> dict:
        return {"code": self.code, "label": self.label, "role": self.role, "values": [v.to_json() for v in self.values]}

    @classmethod
    def from_json(cls, data: dict) -> Dimension:
        return cls(data["code"], dict(data.get("label") or {}), data.get("role", "other"),
                   [Value.from_json(v) for v in data["values"]])


@dataclass
class Structure:
    """The dimensions of a version, and what applies to all its cells."""

    dimensions: list[Dimension]
    unit: dict = field(default_factory=dict)  # when no dimension is a measure
    decimals: int = 0
    source: dict = field(default_factory=dict)
    contact: str = ""
    notes: list[dict] = field(default_factory=list)  # footnotes: [{"id": ..., "en": ...}], cell.note is 1-based

    @property
    def sizes(self) -> list[int]:
        return [len(d.values) for d in self.dimensions]

    @property
    def size(self) -> int:
        return math.prod(self.sizes)

    def strides(self) -> list[int]:
        strides, step = [], 1
        for size in reversed(self.sizes):
            strides.insert(0, step)
            step *= size
        return strides

    def dimension(self, code: str) -> Dimension:
        return next(d for d in self.dimensions if d.code == code)

    def codes_at(self, pos: int) -> tuple[str, ...]:
        return self.decoder()(pos)

    def decoder(self):
        """A function from a cell's offset to its code tuple (strides and codes looked up once)."""
        steps = list(zip([[v.code for v in d.values] for d in self.dimensions], self.strides(), strict=True))

        def codes(pos: int) -> tuple[str, ...]:
            found = []
            for values, stride in steps:
                index, pos = divmod(pos, stride)
                found.append(values[index])
            return tuple(found)

        return codes

    def offset(self, codes: tuple[str, ...]) -> int:
        return sum(d.index[c] * s for d, c, s in zip(self.dimensions, codes, self.strides(), strict=True))

    def measure(self) -> Dimension | None:
        return next((d for d in self.dimensions if d.role == "measure"), None)

    def unit_and_decimals(self, codes: dict[str, str]) -> tuple[dict, int]:
        """The unit and decimals of a cell at ``codes`` (its measure value's, else the table's)."""
        measure = self.measure()
        if measure is not None and codes.get(measure.code) in measure.index:
            value = measure.value(codes[measure.code])
            return (value.unit or self.unit), (self.decimals if value.decimals is None else value.decimals)
        return self.unit, self.decimals

    def to_json(self) -> dict:
        return {"dimensions": [d.to_json() for d in self.dimensions], "unit": self.unit, "decimals": self.decimals,
                "source": self.source, "contact": self.contact, "notes": self.notes}

    @classmethod
    def from_json(cls, data: dict) -> Structure:
        return cls([Dimension.from_json(d) for d in data["dimensions"]], dict(data.get("unit") or {}),
                   int(data.get("decimals") or 0), dict(data.get("source") or {}), data.get("contact", ""),
                   list(data.get("notes") or []))


class Cell(NamedTuple):
    """A number (``value``) or a status symbol instead of one, a provisional mark, a 1-based footnote, a revised mark.

    A named tuple: the store makes thousands of them per selection, at the cost of a tuple each.
    """

    value: float | None
    symbol: str = ""
    note: int = 0
    revised: bool = False

    def same_figure(self, other: Cell | None) -> bool:
        return other is not None and (self.value, self.symbol, self.note) == (other.value, other.symbol, other.note)


@dataclass(frozen=True)
class Problem:
    """What is wrong with an upload, and where: ``row`` and ``column`` are 1-based (0: the file as a whole)."""

    message: str
    row: int = 0
    column: int | str = 0


class Draft:
    """What a parser read: the structure, the cells, every problem found.

    The cells come either by their code tuple (``cells``) or, from the bulk readers, as columns:
    ``positions`` (cube offsets, no repeats) with the parallel plain figures ``values`` and, for
    cells that carry a footnote, ``notes`` (position → 1-based footnote).  Each form is derived
    from the other when asked, so a large tidy import is stored without a ``Cell`` per row.
    """

    def __init__(self, structure: Structure, cells: dict[tuple[str, ...], Cell] | None = None,
                 problems: list[Problem] | None = None, *, positions: list[int] | None = None,
                 values: list[float] | None = None, notes: dict[int, int] | None = None):
        self.structure = structure
        self.problems = list(problems or [])
        self._cells = cells if cells is not None or positions is not None else {}
        self._columns = (positions, values, notes or {}) if positions is not None else None

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def count(self) -> int:
        return len(self._cells) if self._cells is not None else len(self._columns[0])

    @property
    def cells(self) -> dict[tuple[str, ...], Cell]:
        if self._cells is None:
            decode = self.structure.decoder()
            positions, values, notes = self._columns
            self._cells = {decode(pos): Cell(value, "", notes.get(pos, 0))
                           for pos, value in zip(positions, values, strict=True)}
        return self._cells

    def sample(self, count: int) -> list[tuple[tuple[str, ...], Cell]]:
        """The first ``count`` cells (a preview), without building the rest."""
        if self._cells is not None:
            return list(itertools.islice(self._cells.items(), count))
        decode = self.structure.decoder()
        positions, values, notes = self._columns
        return [(decode(pos), Cell(value, "", notes.get(pos, 0))) for pos, value in zip(positions[:count],
                                                                                       values[:count], strict=True)]

    def stored_form(self) -> tuple[list[int], list[float | None], dict[int, tuple[str, int, bool]]]:
        """``(positions, values, marks)`` as ``store.write`` takes them (marks: position → symbol, note, revised)."""
        if self._cells is None:
            positions, values, notes = self._columns
            return positions, values, {pos: ("", note, False) for pos, note in notes.items()}
        return cell_columns(self.structure, self._cells)


def cell_columns(structure: Structure, cells: dict[tuple[str, ...], Cell]):
    """Cells by code tuple → ``(positions, values, marks)`` (see ``Draft.stored_form``)."""
    strides = structure.strides()
    indexes = [d.index for d in structure.dimensions]
    positions, values, marks = [], [], {}
    for codes, cell in cells.items():
        pos = 0
        for index, code, stride in zip(indexes, codes, strides, strict=True):
            pos += index[code] * stride
        positions.append(pos)
        values.append(cell.value)
        if cell.value is None or cell.symbol or cell.note or cell.revised:
            marks[pos] = (cell.symbol, cell.note, bool(cell.revised))
    return positions, values, marks


def parse_number(text: str) -> float:
    """A figure as typed by an office: ``1234.5``, ``1,234.5`` is refused (ambiguous), ``1234,5`` accepted.

    Raises ``ValueError`` for anything else; ``OverflowError`` for a number that is not finite.
    """
    text = text.strip().replace("\u00a0", "").replace(" ", "")
    if "," in text:
        if "." in text or text.count(",") > 1:
            raise ValueError(text)
        text = text.replace(",", ".")
    number = float(text)
    if not math.isfinite(number):
        raise OverflowError(text)
    return number


def make_cell(value_text: str, symbol_text: str = "", note: int = 0) -> Cell | str:
    """A cell from the text of its value and symbol, or the translated reason it is not one."""
    symbol = SYMBOL_SPELLINGS.get(symbol_text.strip(), symbol_text.strip())
    value_text = value_text.strip()
    if not symbol and SYMBOL_SPELLINGS.get(value_text, value_text) in WITHOUT_VALUE:
        symbol, value_text = SYMBOL_SPELLINGS.get(value_text, value_text), ""
    if symbol and symbol not in SYMBOLS:
        return str(_l("Unknown status symbol %(symbol)s (use -, …, x, * or **).", symbol=symbol[:10]))
    if symbol in WITHOUT_VALUE:
        if value_text:
            return str(_l("The symbol %(symbol)s stands instead of a number; leave the value empty.", symbol=symbol))
        return Cell(None, symbol, note)
    if not value_text:
        return str(_l("The value is empty (write - for nil or … for not available)."))
    try:
        number = parse_number(value_text)
    except OverflowError:
        return str(_l("The value %(value)s is not a finite number.", value=value_text[:40]))
    except ValueError:
        return str(_l("The value %(value)s is not a number.", value=value_text[:40]))
    if math.isnan(number):
        return str(_l("The value %(value)s is not a finite number.", value=value_text[:40]))
    if abs(number) > LARGEST:
        return str(_l("The value %(value)s is out of range.", value=value_text[:40]))
    return Cell(number, symbol, note)


def check_structure(structure: Structure) -> list[Problem]:
    """Problems of the dimensions themselves (codes, labels, sizes)."""
    found = []
    codes = [d.code for d in structure.dimensions]
    if not structure.dimensions:
        found.append(Problem(str(_l("The table has no dimension."))))
    if len(structure.dimensions) > MAX_DIMENSIONS:
        found.append(Problem(str(_l("A table has at most %(count)s dimensions.", count=MAX_DIMENSIONS))))
    if len(set(codes)) != len(codes):
        found.append(Problem(str(_l("Two dimensions have the same code."))))
    for dimension in structure.dimensions:
        if not dimension.code or len(dimension.code) > LONGEST_CODE:
            found.append(Problem(str(_l("A dimension code needs 1 to %(n)s characters.", n=LONGEST_CODE))))
        if dimension.code in RESERVED or dimension.code.startswith("place_") or "," in dimension.code:
            found.append(Problem(str(_l("The dimension code %(code)s is reserved; choose another.",
                                        code=dimension.code[:40]))))
        if dimension.role not in ROLES:
            found.append(Problem(str(_l("Unknown role %(role)s.", role=dimension.role[:20]))))
        if not dimension.values:
            found.append(Problem(str(_l("The dimension %(code)s has no value.", code=dimension.code[:40]))))
        if any(len(text) > LONGEST_LABEL for text in dimension.label.values()):
            found.append(Problem(str(_l("A label may have at most %(n)s characters.", n=LONGEST_LABEL))))
        for value in dimension.values:
            if "," in value.code or value.code.endswith("+"):
                found.append(Problem(str(_l("A value code may not contain a comma or end with +: %(code)s.",
                                            code=value.code[:40]))))
            if not value.code or len(value.code) > LONGEST_CODE:
                found.append(Problem(str(_l("A value code needs 1 to %(n)s characters.", n=LONGEST_CODE))))
            if any(len(text) > LONGEST_LABEL for text in value.label.values()):
                found.append(Problem(str(_l("A label may have at most %(n)s characters.", n=LONGEST_LABEL))))
    if len([d for d in structure.dimensions if d.role == "measure"]) > 1:
        found.append(Problem(str(_l("A table has at most one measure dimension."))))
    if structure.dimensions and structure.size > MAX_CELLS:
        found.append(Problem(str(_l("A table has at most %(n)s cells.", n=MAX_CELLS))))
    if any(len(label_of(note, "id")) > LONGEST_NOTE for note in structure.notes):
        found.append(Problem(str(_l("A footnote may have at most %(n)s characters.", n=LONGEST_NOTE))))
    return found


# --- selections -------------------------------------------------------------------------------------


@dataclass
class Selection:
    """The chosen values of every dimension, in the dimension's order, and where each dimension goes."""

    chosen: dict[str, list[str]]
    rows: list[str]
    columns: list[str]

    @property
    def size(self) -> int:
        return math.prod(len(v) for v in self.chosen.values())

    def fixed(self) -> list[str]:
        """Dimensions with one chosen value: named in the caption, placed nowhere."""
        return [code for code, values in self.chosen.items() if len(values) == 1
                and code not in self.rows and code not in self.columns]


class SelectionError(ValueError):
    """A selection names a dimension or value the table does not have (``errors``: dimension → messages)."""

    def __init__(self, errors: dict[str, list[str]]):
        super().__init__("; ".join(m for ms in errors.values() for m in ms))
        self.errors = errors


def default_selection(structure: Structure) -> Selection:
    """What the viewer shows first: time across, the first other dimension down, totals elsewhere.

    A dimension that is neither rows nor columns gets its first value (by convention the total),
    and the caption names it — nothing is summed or fixed silently.
    """
    dims = structure.dimensions
    time = next((d for d in dims if d.role == "time"), None)
    others = [d for d in dims if d is not time]
    down = others[0] if others else None
    chosen = {}
    for d in dims:
        if d is time:
            chosen[d.code] = [v.code for v in d.values[-6:]]
        elif d is down:
            chosen[d.code] = [v.code for v in d.values[:40]]
        else:
            chosen[d.code] = [d.values[0].code]
    rows = [down.code] if down else []
    columns = [time.code] if time else []
    if not rows and columns:
        rows, columns = columns, []
    return Selection(chosen, rows, columns)


def make_selection(structure: Structure, chosen: dict[str, list[str]], rows: list[str] | None = None,
                   columns: list[str] | None = None, complete: bool = True) -> Selection:
    """A selection from codes asked for; a dimension not named gets every value (``complete``) or its default.

    Raises ``SelectionError`` naming every unknown dimension or value code.
    """
    errors: dict[str, list[str]] = {}
    known = {d.code for d in structure.dimensions}
    for code in chosen:
        if code not in known:
            errors.setdefault(code, []).append(str(_l("Unknown dimension %(code)s.", code=code[:80])))
    default = default_selection(structure)
    result = {}
    for d in structure.dimensions:
        asked = chosen.get(d.code)
        if not asked:
            result[d.code] = [v.code for v in d.values] if complete else default.chosen[d.code]
            continue
        unknown = [code for code in asked if code not in d.index]
        for code in unknown[:20]:
            errors.setdefault(d.code, []).append(str(_l("Unknown code %(code)s in %(dimension)s.", code=code[:80],
                                                        dimension=d.code)))
        wanted = set(asked)
        result[d.code] = [v.code for v in d.values if v.code in wanted]  # the table's order, no repeats
    if errors:
        raise SelectionError(errors)
    rows = [r for r in (rows or []) if r in known]
    columns = [c for c in (columns or []) if c in known and c not in rows]
    if not rows and not columns:
        rows, columns = default.rows, default.columns
    # every dimension with several chosen values must be placed somewhere: unplaced ones go down
    for d in structure.dimensions:
        if len(result[d.code]) > 1 and d.code not in rows and d.code not in columns:
            rows.append(d.code)
    rows = [r for r in rows if r not in columns]
    # a dimension with one chosen value is named in the caption, not given a row or column of its own
    rows = [r for r in rows if len(result[r]) > 1]
    columns = [c for c in columns if len(result[c]) > 1]
    if not rows:
        rows, columns = (columns[:1], columns[1:]) if columns else ([structure.dimensions[0].code], [])
    return Selection(result, rows, columns)


def selection_offsets(structure: Structure, selection: Selection) -> list[int]:
    """The cube offsets of every cell of ``selection``, in row-major order of the structure."""
    per_dimension = []
    for d, stride in zip(structure.dimensions, structure.strides(), strict=True):
        per_dimension.append([d.index[code] * stride for code in selection.chosen[d.code]])
    offsets = [0]
    for parts in per_dimension:
        offsets = [base + part for base in offsets for part in parts]
    return offsets


@dataclass
class Pivot:
    structure: Structure
    selection: Selection
    row_keys: list[tuple[str, ...]]
    column_keys: list[tuple[str, ...]]
    cells: list[list[Cell | None]]


def pivot(structure: Structure, selection: Selection, cells: dict[tuple[str, ...], Cell]) -> Pivot:
    """Lay the selected cells (by full code tuple) out on the selection's rows and columns."""
    order = [d.code for d in structure.dimensions]
    row_keys = list(itertools.product(*(selection.chosen[r] for r in selection.rows)))
    column_keys = list(itertools.product(*(selection.chosen[c] for c in selection.columns)))
    fixed = {code: values[0] for code, values in selection.chosen.items()
             if code not in selection.rows and code not in selection.columns}
    matrix = []
    for row_key in row_keys:
        line = []
        for column_key in column_keys:
            codes = dict(fixed)
            codes.update(zip(selection.rows, row_key, strict=True))
            codes.update(zip(selection.columns, column_key, strict=True))
            line.append(cells.get(tuple(codes[c] for c in order)))
        matrix.append(line)
    return Pivot(structure, selection, row_keys, column_keys, matrix)
