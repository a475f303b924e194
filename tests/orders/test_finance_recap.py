"""The monthly PNBP recap and the PDF period summary, checked against the ledger."""

from __future__ import annotations

import pytest

from core import clock
from core.timefmt import to_local


@pytest.fixture
def finance(ledger, users, login):
    return login(users.make("finance"))


def test_the_recap_splits_revenue_by_product_and_segment(client, finance):
    from orders.finance.recap import monthly_recap

    with client.application.app_context():
        recap = monthly_recap(to_local(clock.now()).date().replace(day=1))
    assert recap.revenue_by_product == {"map": 500_000, "publication": 300_000}
    assert recap.revenue_by_segment == {"public": 500_000, "private": 300_000}
    assert (recap.payments, recap.gross, recap.net) == (2, 800_000, 800_000)
    # The free publication and the agency's zero-rupiah request (worth 150,000 at tariff).
    assert recap.uncharged == {"free": {"publication": (1, 0)}, "zero_rupiah": {"publication": (1, 150_000)}}
    assert recap.forgone == 150_000


def test_the_recap_page_shows_the_forgone_revenue(client, finance):
    body = client.get("/finance/recap").get_data(as_text=True)
    assert 'id="recap-forgone">Rp 150.000<' in body and "Rp 800.000" in body


def test_another_month_is_empty_and_a_bad_month_is_a_400(client, finance):
    assert "Rp 800.000" not in client.get("/finance/recap?month=2020-01").get_data(as_text=True)
    assert client.get("/finance/recap?month=januari").status_code == 400


def test_the_period_summary_is_a_pdf_with_the_totals(client, finance):
    from tests.orders.test_invoices import _pdf_text

    with client.application.app_context():
        today = to_local(clock.now()).date().isoformat()
    response = client.get("/finance/summary.pdf", query_string={"start": today, "end": today})
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = _pdf_text(response.data)
    assert "Rp 800.000" in text and "Rp 150.000" in text


def test_the_summary_covers_this_month_unless_told(client, finance):
    from tests.orders.test_invoices import _pdf_text

    response = client.get("/finance/summary.pdf")
    assert response.status_code == 200 and "Rp 800.000" in _pdf_text(response.data)
    assert client.get("/finance/summary.pdf?start=2026-12-01&end=2026-11-01").status_code == 400
