"""From an upload's bytes to a checked ``Draft``: choose the format, read, map, check.

Formats: ``csv`` (tidy or wide, decided by the mapping), ``xlsx``, ``px`` and ``jsonstat``;
``auto`` decides by the name and the first bytes.  The bytes are kept by the caller (the browser
flow in ``core.storage``, the CLI on disk), so a problem never loses what was uploaded.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from catalog.tables.cube import Draft, Problem, Structure
from catalog.tables.formats import jsonstat, pcaxis, records, xlsx
from core import cycles

FORMATS = {"auto": _l("Decide from the file"), "csv": _l("CSV (tidy or wide)"), "xlsx": _l("XLSX workbook"),
           "px": _l("PC-Axis (.px)"), "jsonstat": _l("JSON-stat 2.0")}
TABULAR = ("csv", "xlsx")


def detect(data: bytes, filename: str = "") -> str:
    name = (filename or "").lower()
    head = data[:64].lstrip(b"\xef\xbb\xbf \r\n\t")
    if data[:2] == b"PK" or name.endswith(".xlsx"):
        return "xlsx"
    if name.endswith(".px") or head[:8] in (b"CHARSET=", b"AXIS-VER", b"CODEPAGE", b"LANGUAGE") or \
            head.startswith(b"MATRIX="):
        return "px"
    if name.endswith(".json") or head[:1] == b"{":
        return "jsonstat"
    return "csv"


@dataclass
class Reading:
    """What an upload gave: its format, its rows (tabular formats), the mapping used and the draft."""

    fmt: str
    rows: list[tuple[int, list[str]]]
    mapping: records.Mapping | None
    draft: Draft

    @property
    def header(self) -> list[str]:
        for _n, row in self.rows:
            if any(c.strip() for c in row) and not (row and row[0].lstrip().startswith("#")):
                return row
        return []


def read(data: bytes, fmt: str = "auto", filename: str = "", mapping: records.Mapping | None = None,
         layout: str | None = None) -> Reading:
    """Read ``data``; for tabular formats apply ``mapping`` (or a guessed one, in ``layout`` if given)."""
    with cycles.paused():  # a list and a few strings per row, no cycles (core.cycles)
        return _read(data, fmt, filename, mapping, layout)


def _read(data: bytes, fmt: str, filename: str, mapping: records.Mapping | None, layout: str | None) -> Reading:
    fmt = detect(data, filename) if fmt == "auto" else fmt
    if fmt == "px":
        return Reading(fmt, [], None, pcaxis.read(data))
    if fmt == "jsonstat":
        return Reading(fmt, [], None, jsonstat.read(data))
    if fmt == "xlsx":
        rows, problems = xlsx.read(data)
    elif fmt == "csv":
        rows, problems = records.read_csv(data)
    else:
        return Reading(fmt, [], None, Draft(Structure([]), {}, [Problem(_("Unknown format."))]))
    if problems:
        return Reading(fmt, rows, mapping, Draft(Structure([]), {}, problems))
    mapping = mapping or records.guess(rows, layout)
    return Reading(fmt, rows, mapping, records.build(rows, mapping))
