"""The dynamic table: pick row and column dimensions and filters, see and export the selection.

A selection puts each dimension of the table either on the rows, on the columns,
or fixes it by a filter (a set of chosen values); a dimension that is neither placed
nor filtered is fixed to its last value (usually the latest period), so that rates
are never added up silently.  A cell of the result is the sum of the stored cells
that match it (one cell when every other dimension is fixed to a single value).
CSV and XLSX exports hold exactly the numbers shown.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass

from flask_babel import gettext as _

from core import spreadsheets
from core.errors import Unprocessable

SEPARATOR = "|"
DECIMALS = 6  # sums of decimal figures are rounded, so 0.1 + 0.2 shows as 0.3


def _well_formed(dimensions) -> bool:
    """Whether ``dimensions`` is a list of ``{"name": text, "values": [text or whole number, …]}``."""
    return isinstance(dimensions, list) and bool(dimensions) and all(
        isinstance(d, dict) and isinstance(d.get("name"), str) and d["name"]
        and isinstance(d.get("values"), list) and d["values"]
        and all(isinstance(v, (str, int)) and not isinstance(v, bool) for v in d["values"])
        for d in dimensions)


def validate(dimensions: list[dict], cells: dict) -> None:
    """Raise ``Unprocessable`` (422) unless the JSON shapes fit and every cell is a finite number."""
    if not _well_formed(dimensions) or not isinstance(cells, dict):
        raise Unprocessable(_("A table needs named dimensions, each with values."))
    names = [d["name"] for d in dimensions]
    if len(set(names)) != len(names):
        raise Unprocessable(_("A table needs named dimensions, each with values."))
    allowed = [set(map(str, d["values"])) for d in dimensions]
    for key, value in cells.items():
        parts = key.split(SEPARATOR)
        if len(parts) != len(dimensions) or any(p not in a for p, a in zip(parts, allowed, strict=True)):
            raise Unprocessable(_("The cell %(key)s does not fit the dimensions.", key=key))
        # json.loads reads 1e400 as infinity, which no table can show or add up.
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise Unprocessable(_("The cell %(key)s is not a number.", key=key))


@dataclass(frozen=True)
class Selection:
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    filters: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Pivot:
    selection: Selection
    row_keys: list[tuple[str, ...]]
    column_keys: list[tuple[str, ...]]
    values: list[list[float | None]]

    def header(self) -> list[str]:
        label = " / ".join(self.selection.rows)
        return [label] + [" / ".join(key) or _("Value") for key in self.column_keys]

    def records(self) -> list[list]:
        return [[" / ".join(key)] + row for key, row in zip(self.row_keys, self.values, strict=True)]


def selection_from(dimensions: list[dict], args) -> Selection:
    """Read ``rows``, ``cols`` and ``f_<dimension>`` (repeatable) from request arguments.

    Defaults: the first dimension on the rows, the second on the columns, nothing filtered.
    """
    names = [d["name"] for d in dimensions]
    rows = tuple(n for n in args.getlist("rows") if n in names) or tuple(names[:1])
    columns = tuple(n for n in args.getlist("cols") if n in names and n not in rows)
    if not columns and not args.getlist("cols") and len(names) > 1:
        columns = tuple(n for n in names[1:2] if n not in rows)
    filters = {}
    for dimension in dimensions:
        picked = [v for v in args.getlist(f"f_{dimension['name']}") if v in map(str, dimension["values"])]
        if picked:
            filters[dimension["name"]] = tuple(picked)
    return Selection(rows, columns, filters)


def pivot(dimensions: list[dict], cells: dict, selection: Selection) -> Pivot:
    """The table for ``selection``: sums of the matching cells, ``None`` where none matched."""
    names = [d["name"] for d in dimensions]
    placed = set(selection.rows) | set(selection.columns)
    values_of = {}
    for d in dimensions:
        everything = [str(v) for v in d["values"]]
        default = everything if d["name"] in placed else everything[-1:]
        chosen = set(selection.filters.get(d["name"], default))
        values_of[d["name"]] = [v for v in everything if v in chosen]
    row_keys = list(itertools.product(*(values_of[n] for n in selection.rows)))
    column_keys = list(itertools.product(*(values_of[n] for n in selection.columns)))
    row_index = {key: i for i, key in enumerate(row_keys)}
    column_index = {key: i for i, key in enumerate(column_keys)}
    matrix: list[list[float | None]] = [[None] * len(column_keys) for _r in row_keys]
    wanted = {n: set(values_of[n]) for n in names}
    for key, value in cells.items():
        coordinates = dict(zip(names, key.split(SEPARATOR), strict=True))
        if any(coordinates[n] not in wanted[n] for n in names):
            continue
        r = row_index[tuple(coordinates[n] for n in selection.rows)]
        c = column_index[tuple(coordinates[n] for n in selection.columns)]
        matrix[r][c] = value if matrix[r][c] is None else round(matrix[r][c] + value, DECIMALS)
    return Pivot(selection, row_keys, column_keys, matrix)


def to_csv(result: Pivot) -> bytes:
    """The pivot as a CSV file (``core.spreadsheets``: no cell runs as a formula)."""
    return spreadsheets.csv_bytes(result.header(), result.records())


def to_xlsx(result: Pivot, title: str) -> bytes:
    """The pivot as an XLSX workbook under a title row; cells hold numbers, labels cannot run as formulas."""
    return spreadsheets.xlsx_bytes(result.header(), result.records(), sheet="Tabel", title=title)
