"""In Chromium: order microdata → operator approves → pay at the bank simulator → status turns paid
without a reload → operator delivers → the consumer downloads."""

from pathlib import Path

import pytest
import sqlalchemy as sa

from accounts.models import User
from core.extensions import db
from orders import services
from tests.support import orders_catalog

pytestmark = pytest.mark.browser
# The page polls its status every 3 s (10 s after a failed poll); on a busy machine a change can take a few
# rounds to show, so the waits below allow a minute rather than one or two rounds.
STATUS_CHANGE_MS = 60_000


def _sign_in(page, email, password):
    page.goto("/login")
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_url("**/home/**")


def test_microdata_order_paid_through_the_bank_simulator_and_downloaded(browser, live_app, live_url, page, users,
                                                                      tmp_path):
    orders_catalog.install(live_app)
    consumer = users.make("consumer", full_name="Sinta Peneliti")
    operator = users.make("operator", full_name="Oki Operator")
    with live_app.app_context():  # what the catalog's "add to cart" button does
        user = db.session.scalar(sa.select(User).where(User.email == consumer))
        services.add_to_cart(user, orders_catalog.MICRODATA, 1, variables=["r101", "r105"])

    abstract = tmp_path / "abstrak.pdf"
    abstract.write_bytes(b"%PDF-1.4 abstraksi penggunaan data")
    _sign_in(page, consumer, users.PASSWORD)
    page.goto("/cart")
    page.fill("#purpose", "Analisis kemiskinan Lombok")
    page.set_input_files("#abstract", str(abstract))
    page.click("#place-order")
    page.wait_for_selector("#order-state")
    order_url = page.url
    order_id = int(order_url.rstrip("/").rsplit("/", 1)[1])
    assert page.locator("#order-state").get_attribute("data-value") == "pending_review"

    staff = browser.new_context(base_url=live_url, locale="id-ID")
    desk = staff.new_page()
    _sign_in(desk, operator, users.PASSWORD)
    desk.goto(f"/desk/orders/{order_id}")
    desk.click("#approve")
    desk.wait_for_selector("#desk-state")
    assert "Menunggu pembayaran" in desk.locator("#desk-state").inner_text()

    page.wait_for_selector('#order-state[data-value="awaiting_payment"]', timeout=STATUS_CHANGE_MS)
    page.goto(order_url)
    page.click("#accept-agreement")
    page.wait_for_selector("#agreement-accepted")
    billing_code = page.locator("#billing-code").get_attribute("data-code")
    assert page.locator("#invoice-status").get_attribute("data-value") == "open"

    bank = page.context.new_page()
    bank.goto(f"/bank-simulator?code={billing_code}")
    bank.fill("#amount", "1250000")
    bank.click("#simulator-pay")
    assert "INV/" in bank.locator("#simulator-answer").inner_text()
    bank.close()

    page.wait_for_selector('#invoice-status[data-value="paid"]', timeout=STATUS_CHANGE_MS)
    assert page.locator("#invoice-status").inner_text() == "Dibayar"
    assert page.locator("#order-state").inner_text() == "Sedang disiapkan"
    assert page.url == order_url  # no reload happened

    extract = tmp_path / "susenas-ntb.csv"
    extract.write_text("r101,r105\n1,2\n")
    desk.goto(f"/desk/orders/{order_id}")
    desk.set_input_files("#files", str(extract))
    desk.click("#deliver")
    desk.wait_for_selector(".alert-success")
    staff.close()

    page.wait_for_selector('#order-state[data-value="delivered"]', timeout=STATUS_CHANGE_MS)
    page.click("#order-news-link")
    with page.expect_download() as download_info:
        page.click(".download-link")
    download = download_info.value
    assert download.suggested_filename == "susenas-ntb.csv"
    assert Path(download.path()).read_text(encoding="utf-8") == "r101,r105\n1,2\n"
