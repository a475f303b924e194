"""``flask catalog …`` commands."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

cli = AppGroup("catalog", help="The catalog of tables, publications, microdata and maps.")


@cli.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--skip-bad", is_flag=True, help="Import the good rows even when some rows are bad.")
def import_command(file: str, skip_bad: bool) -> None:
    """Import catalog items from FILE (.csv or .json); validates every row first."""
    from catalog import importer

    try:
        rows = importer.validate(Path(file))
    except (ValueError, UnicodeDecodeError) as exc:
        raise click.ClickException(f"cannot read {file}: {exc}") from exc
    bad = [row for row in rows if row.errors]
    for row in bad:
        click.echo(f"line {row.line}: {'; '.join(row.errors)}", err=True)
    if bad and not skip_bad:
        raise click.ClickException(f"{len(bad)} bad row(s) of {len(rows)}; nothing imported (use --skip-bad)")
    count = importer.store(rows)
    click.echo(f"imported {count} item(s), skipped {len(bad)}")
