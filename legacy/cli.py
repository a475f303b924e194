"""``flask legacy import SOURCE --mapping MAPPING [--dry-run]``: move in from the old system."""

from __future__ import annotations

import time
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_babel import gettext as _

from core.web import LOCALES

cli = AppGroup("legacy", help="Import the old system's consumers, consultations, orders, invoices and payments.")


@cli.command("import")
@click.argument("source", type=click.Path(exists=True, path_type=Path))
@click.option("--mapping", "mapping_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The TOML mapping of columns and codes (docs/legacy-import.md).")
@click.option("--dry-run", is_flag=True, help="Validate everything and write the report; change nothing.")
@click.option("--report", "report_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Folder of the report (default: instance/legacy-reports/<time>).")
@click.option("--lang", type=click.Choice(LOCALES), default=None,
              help="The language of the messages and the report (default: the site's default language).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def import_command(source: Path, mapping_path: Path, dry_run: bool, report_dir: Path | None, lang: str | None,
                   quiet: bool) -> None:
    """Import SOURCE (a CSV/XLSX file or a folder of them) as MAPPING says."""
    from legacy import services
    from legacy.engine import OUTCOMES
    from legacy.mapping import MappingError
    from legacy.sources import SourceError

    with force_locale(lang or current_app.config["BABEL_DEFAULT_LOCALE"]):
        try:
            mapping = services.load_mapping(mapping_path)
        except MappingError as exc:
            raise click.ClickException("\n".join([_("The mapping cannot be used"), *exc.problems])) from None
        folder = report_dir or services.default_report_folder()
        importer = services.importer(source, mapping, dry_run=dry_run)
        try:
            total = importer.estimate()
        except (OSError, SourceError) as exc:
            raise click.ClickException(str(exc)) from None
        label = _("Checking") if dry_run else _("Importing")
        with click.progressbar(length=total, label=label, show_eta=True, show_percent=True, show_pos=True,
                               hidden=quiet, item_show_func=lambda rate: rate, update_min_steps=1) as bar:
            started = time.monotonic()

            def advance(rows: int) -> None:
                rate = bar.pos / max(time.monotonic() - started, 1e-6)
                bar.update(rows, _("%(rate)d rows/s", rate=rate))

            importer.progress = advance
            result = services.execute(importer, folder, source.name)
        for entity, counts in result.outcome.counts.items():
            click.echo(_("%(entity)s: %(counts)s", entity=entity,
                         counts=", ".join(f"{OUTCOMES.get(k, k)} {v}" for k, v in sorted(counts.items()))))
        click.echo(_("Rejected rows: %(count)d; merged duplicates: %(merged)d", count=result.rejected,
                     merged=result.merged))
        for line in result.differences:
            click.echo(_("Difference in %(entity)s %(month)s: source %(sc)d rows, Rp %(sm)d; Statdesk %(dc)d rows, "
                         "Rp %(dm)d", entity=line.entity, month=line.month, sc=line.source_count,
                         sm=line.source_money, dc=line.statdesk_count, dm=line.statdesk_money), err=True)
        if not dry_run:
            click.echo(_("Reconciliation: %(state)s", state=_("matches") if not result.differences
                         else _("%(count)d difference(s)", count=len(result.differences))))
        click.echo(_("Report: %(path)s", path=str(result.folder / "report.html")))
        if dry_run:
            click.echo(_("Dry run: nothing was written."))
