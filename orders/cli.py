"""``flask orders …``: pay a billing code in the demo, and the invoice expiry sweep."""

from __future__ import annotations

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import AppGroup

from core.extensions import db

cli = AppGroup("orders", help="Orders, invoices and payments.")


@cli.command("pay")
@click.argument("billing_code")
@click.option("--amount", type=int, default=None, help="Amount paid; the invoice amount when left out.")
def pay_command(billing_code: str, amount: int | None) -> None:
    """Pay BILLING_CODE through the demo bank (a signed callback, as a real bank sends)."""
    from orders.models import Invoice
    from orders.payments.local import simulate_bank_payment

    if not current_app.config["STATDESK_BANK_SIMULATOR"] or current_app.config["STATDESK_ENV"] == "production":
        raise click.ClickException("the demo bank is switched off (STATDESK_BANK_SIMULATOR)")
    if amount is None:
        amount = db.session.scalar(sa.select(Invoice.amount).where(Invoice.billing_code == billing_code)) or 0
    answer = simulate_bank_payment(billing_code, amount, source="cli")
    click.echo(f"{answer.status} {answer.body}")
    if answer.status >= 400:
        raise SystemExit(1)


@cli.command("expire")
def expire_command() -> None:
    """Close invoices past their expiry and release their orders (safe to run any time)."""
    from orders.invoicing import expire_due_invoices

    click.echo(f"expired: {expire_due_invoices()}")
