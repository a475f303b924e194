"""Reconciliation with the bank statement: every rupiah once, bad lines by number."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.models import AuditEntry
from orders.finance.models import BankStatement
from orders.models import InvoiceStatus, Payment
from tests.orders.conftest import callback_body, post_callback
from tests.support.orders_catalog import MAP, PUBLICATION_PAID


@pytest.fixture
def finance(users, login):
    return login(users.make("finance"))


def _upload(client, text: str, skip_bad: bool = False, name: str = "rekening.csv"):
    data = {"statement": (io.BytesIO(text.encode()), name)}
    if skip_bad:
        data["skip_bad"] = "y"
    return client.post("/finance/statements", data=data, content_type="multipart/form-data")


def _payments(app):
    with app.app_context():
        return db.session.execute(sa.select(Payment.invoice_id, Payment.reference, Payment.source)).all()


def _statement(invoices, extra: str = "") -> str:
    lines = ["date,reference,billing_code,amount"]
    lines += [f"2026-11-20,BNI-{n},{invoice.billing_code},{invoice.amount}" for n, invoice in enumerate(invoices, 10)]
    return "\n".join(lines) + "\n" + extra


def test_a_matched_line_is_recorded_as_the_callback_would(app, client, shop, finance):
    [order_id] = shop.order(shop.consumer(), (MAP, 1, {"region": "5203"}))
    invoice = shop.invoice(order_id)
    response = _upload(client, _statement([invoice]))
    assert response.status_code == 302
    assert shop.invoice(order_id).status is InvoiceStatus.PAID
    assert _payments(app) == [(invoice.id, "BNI-10", "bank_statement")]
    assert "Cocok dan dicatat" in client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.mark.parametrize("statement_first", [True, False])
def test_a_payment_seen_by_callback_and_statement_counts_once(app, client, shop, finance, statement_first):
    [order_id] = shop.order(shop.consumer(), (PUBLICATION_PAID, 1, {}))
    invoice = shop.invoice(order_id)
    callback = callback_body(invoice.billing_code, invoice.amount, "BNI-10")
    if statement_first:
        _upload(client, _statement([invoice]))
        assert post_callback(client, callback).json["status"] == "duplicate"
    else:
        assert post_callback(client, callback).json["status"] == "received"
        response = _upload(client, _statement([invoice]))
        assert "Cocok, sudah tercatat" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert len(_payments(app)) == 1


def test_a_statement_reference_other_than_the_callbacks_still_counts_once(app, client, shop, finance):
    [order_id] = shop.order(shop.consumer(), (PUBLICATION_PAID, 1, {}))
    invoice = shop.invoice(order_id)
    post_callback(client, callback_body(invoice.billing_code, invoice.amount, "SIMPONI-77"))
    response = _upload(client, _statement([invoice]))
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Cocok, sudah tercatat" in page and "SIMPONI-77" in page
    assert len(_payments(app)) == 1


def test_bad_lines_are_reported_by_number_and_nothing_is_applied(app, client, shop, finance):
    [order_id] = shop.order(shop.consumer(), (PUBLICATION_PAID, 1, {}))
    invoice = shop.invoice(order_id)
    text = _statement([invoice], "20-11-2026,BNI-11,123,abc\n2026-11-21,BNI-10,104719283746152,5000\n")
    response = _upload(client, text)
    body = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Baris 3: tanggal bukan TTTT-BB-HH" in body and "Baris 4: referensi muncul dua kali" in body
    assert _payments(app) == []
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(BankStatement)) == 0


def test_skipping_bad_lines_applies_the_good_ones(app, client, shop, finance):
    [order_id] = shop.order(shop.consumer(), (PUBLICATION_PAID, 1, {}))
    invoice = shop.invoice(order_id)
    response = _upload(client, _statement([invoice], "not-a-date,BNI-99,1,1\n"), skip_bad=True)
    assert response.status_code == 302 and len(_payments(app)) == 1
    assert "Dilewati (baris salah)" in client.get(response.headers["Location"]).get_data(as_text=True)


def test_unmatched_and_mismatched_lines_change_nothing_and_are_audited(app, client, shop, finance):
    [order_id] = shop.order(shop.consumer(), (PUBLICATION_PAID, 1, {}))
    invoice = shop.invoice(order_id)
    from orders.invoicing import new_billing_code

    with app.app_context():
        stranger = new_billing_code()
    text = ("date,reference,billing_code,amount\n"
            f"2026-11-20,BNI-1,{invoice.billing_code},{invoice.amount - 1}\n"
            f"2026-11-20,BNI-2,{stranger},150000\n")
    page = client.get(_upload(client, text).headers["Location"]).get_data(as_text=True)
    assert "Tidak sesuai" in page and "Tidak ditemukan" in page
    assert _payments(app) == [] and shop.invoice(order_id).status is InvoiceStatus.OPEN
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                                 .where(AuditEntry.action == "payment.reject")) == 1


def test_the_same_file_is_imported_once(client, shop, finance):
    [order_id] = shop.order(shop.consumer(), (PUBLICATION_PAID, 1, {}))
    text = _statement([shop.invoice(order_id)])
    assert _upload(client, text).status_code == 302
    assert _upload(client, text).status_code == 409


@pytest.mark.parametrize("content", [b"\xff\xfe\x00garbage", b"tanggal;jumlah\n1;2\n",
                                     b"date,reference,billing_code,amount\n"])
def test_a_file_that_is_no_statement_gets_a_clear_400(client, finance, content):
    response = client.post("/finance/statements", data={"statement": (io.BytesIO(content), "x.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 400


@pytest.mark.parametrize("text", [
    "date,reference,billing_code,amount\n2026-11-20,BNI-1," + "9" * 140_000 + ",10\n",
    '"' + "x" * 140_000 + '",reference\n',
], ids=["long field in a line", "long field in the header"])
def test_a_field_over_the_csv_limit_is_refused_with_its_line(app, client, finance, text):
    response = _upload(client, text)
    assert response.status_code == 400
    assert "baris" in response.get_data(as_text=True).lower()
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(BankStatement)) == 0


def test_control_characters_in_a_statement_are_refused(app, client, shop, finance):
    [order_id] = shop.order(shop.consumer(), (MAP, 1, {"region": "5203"}))
    invoice = shop.invoice(order_id)
    response = _upload(client, _statement([invoice]).replace("BNI-10", "BNI\x00-10"), skip_bad=True)
    assert response.status_code == 400
    assert "karakter kendali" in response.get_data(as_text=True)
    assert _payments(app) == []
