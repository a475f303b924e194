"""``flask users …`` commands."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from accounts.admin import create_admin
from accounts.services import AccountError

cli = AppGroup("users", help="Manage user accounts.")


@cli.command("create-admin")
@click.option("--email", prompt=True, help="E-mail address of the administrator.")
@click.option("--name", "full_name", default="Administrator", show_default=True, help="Full name.")
@click.password_option("--password", help="Password (asked for when omitted).")
def create_admin_command(email: str, full_name: str, password: str) -> None:
    """Create an administrator, or make an existing account one."""
    try:
        user = create_admin(email, full_name, password)
    except AccountError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"Administrator ready: {user.email}")
