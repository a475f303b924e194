"""The run's report: ``rejected.csv`` (every rejected row: file, line, column, reason), ``merged.csv``, and
``report.html`` (the same rows, the counts and the reconciliation), written into a folder.

Rejections are written to the CSV as they come, so a large run does not hold them
in memory; the HTML page is rendered at the end by reading the CSV back.
"""

from __future__ import annotations

import csv
from pathlib import Path

from flask import render_template

from core.spreadsheets import CsvFile
from legacy.engine import OUTCOMES, Outcome, Rejection, Sink
from legacy.reconcile import Line

COLUMNS = ("entity", "file", "line", "column", "reason")


class CsvSink(Sink):
    """Streams rejections and merges into ``rejected.csv`` and ``merged.csv`` in ``folder``."""

    def __init__(self, folder: Path):
        super().__init__()
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self._files = {name: CsvFile(folder / f"{name}.csv", COLUMNS) for name in ("rejected", "merged")}
        self.rejected = self.merged = 0

    def _write(self, name: str, row: Rejection) -> None:
        self._files[name].write((row.entity, row.file, row.line, row.column, row.reason))

    def reject(self, rejection: Rejection) -> None:
        self.rejected += 1
        self._write("rejected", rejection)

    def merge(self, note: Rejection) -> None:
        self.merged += 1
        self._write("merged", note)

    def close(self) -> None:
        for handle in self._files.values():
            handle.close()


def read(folder: Path, name: str) -> list[dict]:
    with (folder / f"{name}.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def write_html(folder: Path, outcome: Outcome, lines: list[Line], source: str) -> Path:
    path = folder / "report.html"
    path.write_text(render_template("legacy/report.html", outcome=outcome, outcomes=OUTCOMES, lines=lines,
                                    source=source, rejected=read(folder, "rejected"), merged=read(folder, "merged")),
                    encoding="utf-8")
    return path
