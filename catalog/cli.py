"""``flask catalog …`` commands."""

from __future__ import annotations

import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_babel import gettext as _

from core.web import LOCALES

cli = AppGroup("catalog", help="The catalog of tables, publications, microdata and maps.")


@cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--skip-bad", is_flag=True, help="Import the good rows even when some rows are bad.")
@click.option("--lang", type=click.Choice(LOCALES), default=None,
              help="The language of the messages (default: the site's default language).")
def import_command(file: str, skip_bad: bool, lang: str | None) -> None:
    """Import catalog items from FILE (.csv or .json), streamed, in one transaction; then index them."""
    from catalog import importer

    path = Path(file)
    with force_locale(lang or current_app.config["BABEL_DEFAULT_LOCALE"]):
        def report(row) -> None:
            click.echo(_("line %(line)d: %(errors)s", line=row.line, errors="; ".join(row.errors)), err=True)

        with _bar(os.path.getsize(path), _("Importing")) as advance:
            try:
                result = importer.run(path, skip_bad=skip_bad, on_bad=report, progress=advance)
            except (ValueError, UnicodeDecodeError) as exc:
                raise click.ClickException(_("cannot read %(file)s: %(error)s", file=file, error=str(exc))) from exc
        if result.bad and not skip_bad:
            raise click.ClickException(_("%(bad)d bad row(s) of %(rows)d; nothing imported (use --skip-bad)",
                                         bad=result.bad, rows=result.rows))
        with _bar(result.imported, _("Indexing")) as advance:
            failed = importer.index_imported(result, progress=advance)
        click.echo(_("imported %(count)d item(s), skipped %(bad)d", count=result.imported, bad=result.bad))
        if failed:  # committed, but not findable yet: a script running the import must hear of it
            raise click.ClickException(_("%(count)d item(s) are not in the search index yet: the update failed "
                                         "and is retried by the sweep (see flask search verify)", count=failed))


@contextmanager
def _bar(length: int, label: str):
    """A progress bar on standard error that shows items per second; yields ``advance(size, items)``.  The
    import's bar measures the bytes of the file read (its rows are not counted before they are read), the
    index's the items."""
    started = time.monotonic()
    items = [0]
    with click.progressbar(length=max(length, 1), label=label, file=sys.stderr, show_eta=True,
                           show_percent=True, item_show_func=lambda rate: rate) as bar:
        def advance(size: int, count: int | None = None) -> None:
            items[0] += size if count is None else count
            bar.update(size, _("%(rate)d items/s", rate=items[0] / max(time.monotonic() - started, 1e-6)))

        yield advance
