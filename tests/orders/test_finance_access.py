"""Every finance page and export, asked by every role and by nobody."""

from __future__ import annotations

import io

import pytest

from accounts.models import Role

PAGES = ["/finance/", "/finance/invoices", "/finance/payments", "/finance/invoices.csv", "/finance/invoices.xlsx",
         "/finance/payments.csv", "/finance/payments.xlsx", "/finance/recap", "/finance/statements",
         "/finance/refunds", "/finance/summary.pdf?start=2026-01-01&end=2026-12-31"]
VIEWERS = {Role.FINANCE, Role.ADMIN}


@pytest.mark.parametrize("role", list(Role))
def test_only_finance_and_admin_see_the_console(client, users, login, role):
    login(users.make(role.value))
    for page in PAGES:
        expected = (302 if page == "/finance/" else 200) if role in VIEWERS else 403
        assert client.get(page).status_code == expected, (page, role)


def test_anonymous_visitors_are_sent_to_sign_in(client):
    for page in PAGES:
        response = client.get(page)
        assert response.status_code == 302 and "/login" in response.headers["Location"], page


@pytest.mark.parametrize("role", [r for r in Role if r is not Role.FINANCE])
def test_only_finance_changes_anything(client, users, login, ledger, role):
    login(users.make(role.value))
    invoice = ledger.invoice(ledger.map_order)
    upload = {"statement": (io.BytesIO(b"date,reference,billing_code,amount\n"), "s.csv")}
    assert client.post("/finance/statements", data=upload, content_type="multipart/form-data").status_code == 403
    assert client.post(f"/finance/invoices/{invoice.id}/refund", data={"reason": "x" * 20}).status_code == 403
    assert client.post("/finance/refunds/1/approve").status_code == 403
