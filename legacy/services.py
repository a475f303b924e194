"""What the command and the page share: load the mapping, run, write the report and the reconciliation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import current_app

from core import clock
from legacy import mapping, reconcile, report
from legacy.engine import Importer, Outcome


@dataclass
class Result:
    outcome: Outcome
    folder: Path
    rejected: int
    merged: int
    lines: list[reconcile.Line]

    @property
    def differences(self) -> list[reconcile.Line]:
        return [] if self.outcome.dry_run else reconcile.differences(self.lines)


def load_mapping(path: Path) -> mapping.Mapping:
    return mapping.load(path)


def default_report_folder() -> Path:
    return Path(current_app.instance_path) / "legacy-reports" / clock.now().strftime("%Y%m%d-%H%M%S-%f")


def importer(source: Path, mapped: mapping.Mapping, dry_run: bool = False, actor=None) -> Importer:
    return Importer(source, mapped, dry_run=dry_run, actor=actor)


def execute(importer_: Importer, folder: Path, source_name: str) -> Result:
    """Run, then write the report (the reconciliation after a real run; a dry run's Statdesk side is unchanged)."""
    sink = report.CsvSink(folder)
    importer_.sink = sink
    try:
        outcome = importer_.execute()
    finally:
        sink.close()
    lines = reconcile.reconcile(outcome.source_totals, importer_.mapping.entities)
    result = Result(outcome, folder, sink.rejected, sink.merged, lines)
    report.write_html(folder, outcome, lines if not outcome.dry_run else [], source_name)
    return result
