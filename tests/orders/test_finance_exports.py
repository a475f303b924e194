"""Finance lists and exports: totals equal the database's own sums, whatever the filter."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
import sqlalchemy as sa

from core.extensions import db
from orders.models import Invoice, InvoiceStatus, Order, OrderLine, Payment, TransactionKind

FILTERS = [
    {},
    {"status": "paid"},
    {"status": "open"},
    {"kind": "paid"},
    {"segment": "private"},
    {"product": "map"},
    {"provider": "local"},
    {"status": "paid", "product": "publication"},
]


def _db_invoices(app, args):
    with app.app_context():
        query = sa.select(Invoice.amount).join(Order, Invoice.order_id == Order.id)
        if "status" in args:
            query = query.where(Invoice.status == InvoiceStatus(args["status"]))
        if "kind" in args:
            query = query.where(Order.kind == TransactionKind(args["kind"]))
        if "segment" in args:
            query = query.where(Order.segment == args["segment"])
        if "provider" in args:
            query = query.where(Invoice.provider == args["provider"])
        if "product" in args:
            lines = sa.select(OrderLine.order_id).where(OrderLine.item_kind == args["product"])
            query = query.where(Order.id.in_(lines))
        amounts = db.session.scalars(query).all()
        return len(amounts), sum(amounts)


@pytest.fixture
def finance(ledger, users, login):
    return login(users.make("finance"))


@pytest.mark.parametrize("args", FILTERS)
def test_csv_export_totals_equal_the_database(app, client, finance, args):
    response = client.get("/finance/invoices.csv", query_string=args)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert (len(rows), sum(int(row["amount"]) for row in rows)) == _db_invoices(app, args)


@pytest.mark.parametrize("args", FILTERS)
def test_xlsx_export_totals_equal_the_database(app, client, finance, args):
    response = client.get("/finance/invoices.xlsx", query_string=args)
    assert response.status_code == 200
    sheet = openpyxl.load_workbook(io.BytesIO(response.data), read_only=True).active
    header, *rows = list(sheet.iter_rows(values_only=True))
    amount = header.index("amount")
    assert (len(rows), sum(row[amount] for row in rows)) == _db_invoices(app, args)


def test_payment_export_sums_every_payment(app, client, finance):
    response = client.get("/finance/payments.csv")
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    with app.app_context():
        expected = db.session.scalar(sa.select(sa.func.sum(Payment.amount)))
    assert sum(int(row["amount"]) for row in rows) == expected == 800_000
    assert {row["bank_reference"] for row in rows} == {"BNI-1", "BNI-2"}


def test_the_list_page_shows_the_filtered_totals(client, finance):
    body = client.get("/finance/invoices", query_string={"status": "paid"}).get_data(as_text=True)
    assert "2 faktur" in body and "Rp 800.000" in body


def test_a_period_outside_the_invoices_is_empty(app, client, finance):
    rows = client.get("/finance/invoices.csv", query_string={"start": "2020-01-01", "end": "2020-12-31"})
    assert rows.get_data(as_text=True).count("\n") == 1  # the header only


@pytest.mark.parametrize("args", [{"status": "lost"}, {"start": "tomorrow"}, {"product": "table"},
                                  {"start": "2026-05-02", "end": "2026-05-01"}, {"segment": "alien"}])
def test_unknown_filters_get_a_clear_400(client, finance, args):
    response = client.get("/finance/invoices", query_string=args)
    assert response.status_code == 400


@pytest.mark.parametrize(("args", "message"), [
    ({"status": "lost", "segment": "alien"}, "Unknown invoice status: lost"),
    ({"provider": "gold", "start": "tomorrow"}, "Unknown provider: gold"),
    ({"start": "tomorrow", "segment": "alien"}, "The start date must be a date written YYYY-MM-DD."),
    ({"start": "2026-05-02", "end": "2026-05-01"}, "The start date is after the end date."),
])
def test_an_unknown_filter_is_named_in_the_answer(client, finance, args, message):
    response = client.get("/finance/invoices", query_string={**args, "lang": "en"})
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_a_formula_in_a_consumer_name_is_exported_as_text(app, client, shop, users, login):
    from tests.support.orders_catalog import PUBLICATION_PAID

    email = shop.consumer(full_name="=HYPERLINK(\"http://evil\")")
    shop.order(email, (PUBLICATION_PAID, 1, {}))
    login(users.make("finance"))
    text = client.get("/finance/invoices.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert rows[0]["consumer"].startswith("'=")


def test_an_unread_export_holds_no_transaction_open(app, client, finance, backend):
    if backend != "postgresql":
        pytest.skip("open transactions are visible in pg_stat_activity: runs on the PostgreSQL pass")
    client.get("/finance/invoices.csv")  # the test client reads the first chunk only
    with app.app_context():
        idle = db.session.scalar(sa.text("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                                         "AND state LIKE 'idle in transaction%'"))
    assert idle == 0
