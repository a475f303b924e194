"""``flask consultation …`` commands."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from consultation.sweeps import run_sweep

cli = AppGroup("consultation", help="Consultations and complaints.")


@cli.command("sweep")
def sweep_command() -> None:
    """Send due SLA reminders and escalations (each exactly once)."""
    counts = run_sweep()
    click.echo(", ".join(f"{stage}: {count}" for stage, count in counts.items()))
