"""``flask roster …`` commands."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from roster.services import drain_queue_sweep

cli = AppGroup("roster", help="Duty roster and assignment engine.")


@cli.command("drain")
def drain_command() -> None:
    """Assign queued work to operators on duty with room."""
    click.echo(f"assigned: {drain_queue_sweep()}")
