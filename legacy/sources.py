"""Reading the source: CSV and XLSX files, streamed row by row (memory stays flat however large the file).

A record is ``(line, {column: value})``; CSV lines count the header as line 1 (a
quoted field over several lines counts where its record starts), XLSX rows are the
sheet's row numbers.  XLSX is read through ``core.spreadsheets.xlsx_rows`` (a read-only
mode), which streams the sheet instead of loading the workbook.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Iterator
from pathlib import Path

from flask_babel import gettext as _

from core import spreadsheets

CSV_FIELD_LIMIT = spreadsheets.CSV_FIELD_LIMIT  # set for the process by core.spreadsheets


class SourceError(ValueError):
    """A file that cannot be read at all (missing, not CSV/XLSX, broken quoting); the message says where."""


def resolve(source: Path, name: str) -> Path:
    """The file ``name`` of the mapping: inside ``source`` if it is a directory, else ``source`` itself."""
    source = Path(source)
    if source.is_dir():
        path = (source / name).resolve()
        if source.resolve() not in path.parents:
            raise SourceError(_("%(name)s is outside the source folder", name=name))
        return path
    return source


def _cell(value):
    return "" if value is None else value


def rows(path: Path, sheet: str = "", encoding: str = "utf-8-sig", delimiter: str = ",") -> Iterator[tuple[int, dict]]:
    if not path.is_file():
        raise SourceError(_("%(name)s: no such file", name=path.name))
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        yield from _xlsx_rows(path, sheet)
    elif path.suffix.lower() in (".csv", ".txt"):
        yield from _csv_rows(path, encoding, delimiter)
    else:
        raise SourceError(_("%(name)s: a source file is CSV or XLSX", name=path.name))


def _csv_rows(path: Path, encoding: str, delimiter: str):
    with path.open(encoding=encoding, newline="", errors="strict") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        try:
            header = [h.strip() for h in next(reader, [])]
            start = reader.line_num + 1
            for values in reader:
                if any(v.strip() for v in values):
                    yield start, dict(zip(header, values, strict=False))
                start = reader.line_num + 1
        except csv.Error:
            raise SourceError(_("%(name)s line %(line)d: a field is longer than %(limit)d characters or a quote is "
                                "not closed", name=path.name, line=max(reader.line_num, 1),
                                limit=CSV_FIELD_LIMIT)) from None
        except UnicodeDecodeError:
            raise SourceError(_("%(name)s line %(line)d: the text is not %(encoding)s", name=path.name,
                                line=reader.line_num + 1, encoding=encoding)) from None


def _xlsx_rows(path: Path, sheet: str):
    values = _xlsx(path, sheet)
    header = [str(_cell(h)).strip() for h in next(values, ())]
    for line, row in enumerate(values, 2):
        if any(_cell(v) != "" for v in row):
            yield line, dict(zip(header, (_cell(v) for v in row), strict=False))


def _xlsx(path: Path, sheet: str):
    """The sheet's rows, with a workbook that cannot be read reported as a ``SourceError``."""
    rows_of = spreadsheets.xlsx_rows(path, sheet)
    try:
        yield from rows_of
    except spreadsheets.NotAWorkbook as exc:
        if sheet and str(exc) == sheet:
            raise SourceError(_("%(name)s has no sheet %(sheet)s", name=path.name, sheet=sheet)) from None
        raise SourceError(_("%(name)s is not an XLSX workbook (%(error)s)", name=path.name, error=str(exc))) \
            from None


def header(path: Path, sheet: str = "", encoding: str = "utf-8-sig", delimiter: str = ",") -> list[str]:
    """The column names of the file (the first row)."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        values = _xlsx(path, sheet)
        try:
            return [str(_cell(h)).strip() for h in next(values, ())]
        finally:
            values.close()
    with path.open(encoding=encoding, newline="") as handle:
        return [h.strip() for h in next(csv.reader(handle, delimiter=delimiter), [])]


def estimate(path: Path, sheet: str = "") -> int:
    """About how many records the file holds (for the progress bar): its lines, or the sheet's rows."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return max(spreadsheets.xlsx_row_count(path, sheet) - 1, 0)
    count = 0
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            count += chunk.count(b"\n")
    return max(count - 1, 0)


def digest(paths: list[Path]) -> str:
    """SHA-256 of the files' contents, in order: the same source resumes the same run."""
    hasher = hashlib.sha256()
    for path in paths:
        hasher.update(path.name.encode() + b"\0")
        with path.open("rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                hasher.update(chunk)
    return hasher.hexdigest()
