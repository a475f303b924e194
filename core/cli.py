"""``flask outbox …``, ``flask sweep``, ``flask demo …``, ``flask backup …`` and ``flask config check`` commands.

Packages add their demo loaders to ``DEMO_LOADERS``; ``flask demo load``
runs them in registration order, each idempotent.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup, with_appcontext

from core import registry, sweeps
from core.outbox import deliver_due

outbox_cli = AppGroup("outbox", help="The e-mail outbox.")
demo_cli = AppGroup("demo", help="Demo data.")
backup_cli = AppGroup("backup", help="Backups of the database and files, and restore drills.")
config_cli = AppGroup("config", help="The site's settings.")


@config_cli.command("check")
def config_check_command() -> None:
    """List every unsafe or missing production setting; exit 1 if there is one, 0 if there is none.

    The settings are judged as production would judge them, whatever ``STATDESK_ENV`` says.  In
    production a site with such settings does not load at all, and every ``flask`` command (this
    one too) prints the same list, from the same check, and exits 1.
    """
    from core.config_check import production_problems

    problems = production_problems(current_app.config)
    for problem in problems:
        click.echo(problem)
    if problems:
        raise click.ClickException(f"{len(problems)} setting(s) not safe for production")
    click.echo("every setting is safe for production")


@outbox_cli.command("deliver")
def deliver_command() -> None:
    """Send due messages now (retries included)."""
    counts = deliver_due()
    click.echo(", ".join(f"{name}: {count}" for name, count in counts.items()))


DEMO_LOADERS: registry.ListSlot[tuple[str, Callable[[], int]]] = registry.ListSlot(
    "core.demo_loaders",
    "(name, loader) pairs run by ``flask demo load`` in registration order; a loader is idempotent and "
    "returns how many records it created.")


@click.command("sweep")
@with_appcontext
def sweep_command() -> None:
    """Run every periodic job once, in order (outbox delivery first); safe to repeat.

    A job that fails is reported and the others still run; the command then exits with status 1.
    """
    def report(sweep, result, error) -> None:
        click.echo(f"{sweep.name:<26} {sweep.target}: " + (f"FAILED: {error!r}" if error else f"{result}"))

    if sweeps.run_all(current_app._get_current_object(), report):
        raise SystemExit(1)


@demo_cli.command("load")
def load_command() -> None:
    """Load demo data; running it again adds nothing twice."""
    for name, loader in DEMO_LOADERS.get():
        click.echo(f"{name}: {loader()} created")


@backup_cli.command("create")
@click.option("--to", "target", type=click.Path(file_okay=False),
              help="Directory to write into (default STATDESK_BACKUP_DIR).")
def backup_create_command(target: str | None) -> None:
    """Back up the database and the stored files."""
    from core.backup import BackupError, create_backup

    try:
        path = create_backup(current_app, target and Path(target))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"backup written to {path}")


@backup_cli.command("drill")
@click.argument("backup", type=click.Path(exists=True, file_okay=False))
def backup_drill_command(backup: str) -> None:
    """Restore BACKUP into a scratch database and check it; the live site is not touched."""
    from core.backup import BackupError, drill

    try:
        report = drill(current_app, Path(backup))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    if not report.ok:
        raise click.ClickException("the backup does not restore:\n  " + "\n  ".join(report.problems))
    click.echo(f"restored {report.tables} tables, {report.rows} rows and {report.files} files; all match")


@backup_cli.command("restore")
@click.argument("backup", type=click.Path(exists=True, file_okay=False))
@click.option("--yes", is_flag=True, help="Really replace the live database and files.")
def backup_restore_command(backup: str, yes: bool) -> None:
    """Replace the live database and stored files with BACKUP (after a drill)."""
    from core.backup import BackupError, restore

    if not yes:
        raise click.UsageError("restoring replaces every row and file of this site; add --yes to go ahead")
    try:
        report = restore(current_app, Path(backup))
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    click.echo(f"restored {report.tables} tables, {report.rows} rows and {report.files} files; all match")
    for step in report.steps:
        click.echo(step)
