"""Invoice numbers, billing codes, expiry, cancellation and the PDF."""

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from accounts.models import Segment
from core import clock
from core.extensions import db
from orders.invoicing import (
    expire_due_invoices,
    format_invoice_number,
    is_well_formed_billing_code,
    new_billing_code,
    next_invoice_sequence,
)
from orders.models import Invoice, InvoiceStatus, OrderState, ZeroRupiahClaim
from tests.orders.conftest import upload
from tests.support.orders_catalog import MAP, PUBLICATION_PAID

START = datetime(2026, 5, 4, 2, 0, tzinfo=UTC)


def test_invoice_numbers_count_up_per_year_without_gaps(shop):
    email = shop.consumer()
    numbers = [shop.invoice(shop.order(email, (MAP, 1, {"region": "5203"}))[0]).number for _ in range(3)]
    year = clock.now().year
    assert numbers == [f"INV/{year}/000001", f"INV/{year}/000002", f"INV/{year}/000003"]


def test_a_rolled_back_issue_leaves_no_gap(app):
    with app.app_context():
        assert next_invoice_sequence(2031) == 1
        db.session.rollback()
        assert next_invoice_sequence(2031) == 1
        db.session.commit()
        assert next_invoice_sequence(2031) == 2
        assert next_invoice_sequence(2032) == 1
        db.session.rollback()


def test_numbers_start_again_each_year(shop):
    email = shop.consumer()
    with clock.frozen(datetime(2026, 12, 31, 16, 0, tzinfo=UTC)):
        last_2026 = shop.invoice(shop.order(email, (MAP, 1, {"region": "5203"}))[0]).number
    with clock.frozen(datetime(2027, 1, 1, 1, 0, tzinfo=UTC)):
        first_2027 = shop.invoice(shop.order(email, (MAP, 1, {"region": "5203"}))[0]).number
    assert (last_2026, first_2027) == ("INV/2026/000001", "INV/2027/000001")
    assert format_invoice_number(2026, 123) == "INV/2026/000123"


def test_billing_codes_have_fifteen_digits_and_a_check_digit():
    codes = {new_billing_code() for _ in range(200)}
    assert len(codes) == 200 and all(is_well_formed_billing_code(c) for c in codes)
    code = codes.pop()
    typo = code[:-2] + str((int(code[-2]) + 1) % 10) + code[-1]
    assert not is_well_formed_billing_code(typo)


def test_expiry_sweep_releases_the_order_and_is_idempotent(app, shop):
    with clock.frozen(START):
        email = shop.consumer()
        [order_id] = shop.order(email, (MAP, 1, {"region": "5203"}))
        with app.app_context():
            assert expire_due_invoices() == 0
        clock.advance(timedelta(hours=48))
        with app.app_context():
            assert expire_due_invoices() == 1
            assert expire_due_invoices() == 0
    assert shop.invoice(order_id).status is InvoiceStatus.EXPIRED
    assert shop.get(order_id).state is OrderState.EXPIRED


def test_cancelling_an_unpaid_order_cancels_its_invoice(app, shop, client, login):
    email = shop.consumer()
    [order_id] = shop.order(email, (MAP, 1, {"region": "5203"}))
    login(email)
    assert client.post(f"/orders/{order_id}/cancel").status_code == 302
    assert shop.invoice(order_id).status is InvoiceStatus.CANCELLED
    assert shop.get(order_id).state is OrderState.CANCELLED
    assert client.post(f"/orders/{order_id}/cancel").status_code == 409


def test_cancelled_zero_rupiah_request_gives_the_institution_its_once_back(app, shop, client, login):
    email = shop.consumer(Segment.GOVERNMENT, "BPBD NTB")
    [order_id] = shop.order(email, (PUBLICATION_PAID, 1, {}), non_commercial=True, purpose="Bencana",
                            letter=upload())
    login(email)
    client.post(f"/orders/{order_id}/cancel")
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ZeroRupiahClaim)) == 0


def test_invoice_pdf_has_the_amount_in_words_and_a_qr_code(app, shop, client, login):
    email = shop.consumer()
    [order_id] = shop.order(email, (MAP, 5, {"region": "5203"}))
    login(email)
    response = client.get(f"/orders/{order_id}/invoice.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.headers["Cache-Control"] == "no-store"
    with app.app_context():
        from orders import documents, instructions

        invoice = db.session.scalar(sa.select(Invoice).where(Invoice.order_id == order_id))
        text = _pdf_text(documents.invoice_pdf(invoice))
    assert "satu juta dua ratus lima puluh ribu rupiah" in text
    assert instructions.grouped_code(invoice.billing_code) in text
    assert b"/Subtype /Image" in response.data


def _pdf_text(data: bytes) -> str:
    """The text of the PDF as a reader extracts it (the embedded Unicode font encodes glyphs, not Latin-1)."""
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
