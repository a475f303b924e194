"""``flask catalog tables …``: import a file into a table item, export a table."""

from __future__ import annotations

from pathlib import Path

import click
from flask.cli import AppGroup

tables_cli = AppGroup("tables", help="Table data (cubes): import and export.")


def _item_id(reference: str) -> int:
    import sqlalchemy as sa

    from catalog.models import Item
    from core.extensions import db

    if reference.isdigit():
        return int(reference)
    found = db.session.scalar(sa.select(Item.id).where(Item.ref == reference))
    if found is None:
        raise click.ClickException(f"no item {reference}")
    return found


@tables_cli.command("import")
@click.argument("item")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--format", "fmt", type=click.Choice(["auto", "csv", "xlsx", "px", "jsonstat"]), default="auto")
@click.option("--layout", type=click.Choice(["tidy", "wide"]), default=None, help="CSV/XLSX layout (default: guess)")
@click.option("--across", default="", help="wide layout: the dimension whose codes head the value columns")
@click.option("--changelog", default="", help="what changed (needed once the item is released)")
def import_command(item: str, file: str, fmt: str, layout: str | None, across: str, changelog: str) -> None:
    """Import FILE as the data of table ITEM (id or ref); checks every cell first, stores all or nothing."""
    from catalog.tables import imports, services
    from core.errors import DomainError

    item_id = _item_id(item)
    data = Path(file).read_bytes()
    reading = imports.read(data, fmt, file, layout=layout)
    if reading.mapping is not None and across and reading.mapping.layout == "wide":
        reading.mapping.across = across
        reading.mapping.roles.setdefault(across, "time")
        reading = imports.read(data, fmt, file, mapping=reading.mapping)
    for problem in reading.draft.problems:
        click.echo(f"row {problem.row or '-'}, column {problem.column or '-'}: {problem.message}", err=True)
    if reading.draft.problems:
        raise click.ClickException(f"{len(reading.draft.problems)} problem(s); nothing imported")
    try:
        version = services.publish(None, item_id, reading.draft, changelog)
    except DomainError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"item {item_id}: version {version.number} with {version.cell_count} cells "
               f"({version.revised_count} revised)")
