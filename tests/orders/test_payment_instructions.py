"""The invoice PDF and e-mail say how to pay at each configured bank and channel, in the order's language;
the PDF names the issuer, totals the lines and embeds a Unicode font; the receipt has its own number."""

import io
import json

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from core.extensions import db
from orders import instructions
from orders.models import Order
from tests.orders.conftest import callback_body, post_callback
from tests.support.orders_catalog import MAP

CHANNELS = {"id": ("Di teller bank", "Di ATM", "Mobile banking", "Internet banking"),
            "en": ("At a bank teller", "At an ATM", "Mobile banking", "Internet banking")}


def _pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def _fonts(data: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(data))
    names = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


@pytest.mark.parametrize("locale", ["id", "en"])
def test_invoice_pdf_and_email_hold_the_steps_of_every_bank_and_channel_in_the_orders_language(
        app, shop, client, login, outbox, locale):
    email = shop.consumer(locale=locale, full_name="Ñoman Śuryadi")  # not Latin-1 only
    [order_id] = shop.order(email, (MAP, 2, {"region": "5203"}))
    invoice = shop.invoice(order_id)
    grouped = instructions.grouped_code(invoice.billing_code)
    assert grouped.replace(" ", "") == invoice.billing_code and len(grouped.split(" ")[0]) == 3
    with app.app_context():
        banks = instructions.for_invoice(invoice, locale)
    assert [b.name for b in banks] == ["Bank Mandiri", "Bank Rakyat Indonesia (BRI)"]

    login(email)
    client.get("/language/id")  # the page's language does not change the document's: the order's is kept
    client.get(f"/language/{locale}")
    response = client.get(f"/orders/{order_id}/invoice.pdf")
    assert response.status_code == 200
    text = " ".join(_pdf_text(response.data).split())
    assert any("DejaVu" in name for name in _fonts(response.data))
    assert "Ñoman Śuryadi" in text
    for bank in banks:
        assert bank.name in text
        for channel in bank.channels:
            assert channel.label in text
            for step in channel.steps:
                assert " ".join(step.split()) in text, step
    assert set(CHANNELS[locale]) <= {c.label for c in banks[0].channels}
    npwp = app.config["STATDESK_ISSUER_NPWP"]
    assert app.config["STATDESK_OFFICE_NAME"] in text and npwp in text
    assert "Rp500.000" in text.replace("\xa0", "").replace(" ", "") or "Rp 500.000" in text
    words = "five hundred thousand rupiah" if locale == "en" else "lima ratus ribu rupiah"
    assert words in text
    assert ("Total" in text) and ("Line total" in text if locale == "en" else "Jumlah baris" in text)
    assert "Wilkerstat" in text and "(5203)" in text

    [mail] = [m for m in outbox() if m.kind == "order_invoice"]
    body = " ".join(mail.body_text.split())
    for bank in banks:
        for channel in bank.channels:
            assert channel.label in body and " ".join(channel.steps[1].split()) in body
    assert grouped in body
    page = client.get(f"/orders/{order_id}").get_data(as_text=True)
    assert 'id="payment-steps"' in page and banks[1].channels[2].steps[2] in page


def test_the_receipt_has_its_own_number(app, shop, client, login):
    email = shop.consumer()
    [order_id] = shop.order(email, (MAP, 1, {"region": "5203"}))
    invoice = shop.invoice(order_id)
    assert post_callback(client, callback_body(invoice.billing_code, invoice.amount)).status_code == 200
    login(email)
    text = _pdf_text(client.get(f"/orders/{order_id}/receipt.pdf").data)
    assert f"KWT/{invoice.year}/{invoice.sequence:06d}" in text and invoice.number in text


def test_a_broken_instructions_file_stops_the_site_with_a_reason(tmp_path, app_config):
    from app import create_app
    from core.settings import ConfigurationError

    broken = tmp_path / "banks.json"
    broken.write_text(json.dumps({"banks": [{"name": "Bank X", "channels": {"atm": {"id": ["Bayar {code}"]}}}]}))
    with pytest.raises(ConfigurationError, match="'en'"):
        create_app(dict(app_config, STATDESK_PAYMENT_INSTRUCTIONS=str(broken)))


def test_the_agreement_shows_what_the_order_costs(app, shop, client, login, users):
    from orders import workflow
    from tests.orders.conftest import upload
    from tests.orders.test_microdata_flow import _staff
    from tests.support.orders_catalog import MICRODATA

    email = shop.consumer()
    [order_id] = shop.order(email, (MICRODATA, 1, {"variables": ["r101"]}), purpose="Riset",
                            abstract=upload())
    _staff(app, users.make("operator"), order_id, workflow.approve)
    with app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.id == order_id))
        total = order.total
    login(email)
    text = _pdf_text(client.get(f"/orders/{order_id}/agreement.pdf").data)
    assert "Jumlah yang ditagih" in text and (f"{total:,}".replace(",", ".") in text)
