"""``flask catalog …`` commands."""

from __future__ import annotations

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
    """Import catalog items from FILE (.csv or .json); validates every row first."""
    from catalog import importer

    with force_locale(lang or current_app.config["BABEL_DEFAULT_LOCALE"]):
        try:
            rows = importer.validate(Path(file))
        except (ValueError, UnicodeDecodeError) as exc:
            raise click.ClickException(_("cannot read %(file)s: %(error)s", file=file, error=str(exc))) from exc
        bad = [row for row in rows if row.errors]
        for row in bad:
            click.echo(_("line %(line)d: %(errors)s", line=row.line, errors="; ".join(row.errors)), err=True)
        if bad and not skip_bad:
            raise click.ClickException(_("%(bad)d bad row(s) of %(rows)d; nothing imported (use --skip-bad)",
                                         bad=len(bad), rows=len(rows)))
        count = importer.store(rows)
        click.echo(_("imported %(count)d item(s), skipped %(bad)d", count=count, bad=len(bad)))
