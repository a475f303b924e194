"""``flask users …`` commands."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from accounts.admin import create_admin
from core.errors import DomainError

cli = AppGroup("users", help="Manage user accounts.")


@cli.command("create-admin")
@click.option("--email", prompt=True, help="E-mail address of the administrator.")
@click.option("--name", "full_name", default="Administrator", show_default=True, help="Full name.")
@click.password_option("--password", help="Password (asked for when omitted).")
def create_admin_command(email: str, full_name: str, password: str) -> None:
    """Create an administrator, or make an existing account one."""
    try:
        user = create_admin(email, full_name, password)
    except DomainError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(f"Administrator ready: {user.email}")


@cli.command("reset-two-factor")
@click.argument("email")
def reset_two_factor_command(email: str) -> None:
    """Reset a lost second factor (for example of the only administrator); audited.

    The user is signed out everywhere and sets up a new factor at the next sign-in.
    """
    from accounts.services import find_by_email
    from accounts.two_factor import reset_by_admin

    user = find_by_email(email)
    if user is None:
        raise click.ClickException(f"No account with the e-mail address {email}.")
    reset_by_admin(None, user)
    click.echo(f"Two-factor sign-in reset: {user.email} sets it up again at the next sign-in.")
