"""axe-core on the consumer's pages, in both languages, on a desktop window and a 375 px phone.

Zero serious or critical violations (WCAG 2.2 A/AA and axe's best practices), and no page scrolls sideways
on a phone in either language.  A page is one line of PAGES; ``{item}``, ``{table}`` and ``{order}`` are
filled from the demo.  To stay fast, axe runs on the Indonesian pages on a desktop (where the whole menu
shows) and on the English pages on a phone (the collapsed menu, the narrow layout); colours do not change
with the language, and the width check runs for both languages on the phone.
"""

import pytest
import sqlalchemy as sa

from accounts.demo import DEMO_PASSWORD
from core.extensions import db
from tests.support import axe

pytestmark = pytest.mark.browser

CONSUMER = "consumer@demo.example.org"

# (who, address): "anonymous" pages are opened signed out, "consumer" ones as the demo consumer.
PAGES = [
    ("anonymous", "/"),
    ("anonymous", "/login"),
    ("anonymous", "/register"),
    ("anonymous", "/search?q=penduduk"),
    ("anonymous", "/search?q=zzzqqxx"),
    ("anonymous", "/catalog/{item}"),
    ("anonymous", "/help"),
    ("anonymous", "/privacy"),
    ("anonymous", "/faq/"),
    ("anonymous", "/contact"),
    ("consumer", "/"),
    ("consumer", "/catalog/{table}/table"),
    ("consumer", "/consultations/new"),
    ("consumer", "/cart"),
    ("consumer", "/orders/{order}"),
    ("consumer", "/account"),
]
DESKTOP, PHONE = {"width": 1280, "height": 900}, {"width": 375, "height": 740}
# (language, window, run axe): every page is checked for sideways scrolling on the phone.
PASSES = [("id", DESKTOP, True), ("en", PHONE, True), ("id", PHONE, False)]


def _demo(app) -> dict:
    from accounts.models import User
    from catalog.models import Access, Item, ItemKind, ReleaseStatus
    from catalog.tables.models import CubeVersion
    from orders.models import Order

    runner = app.test_cli_runner()
    for command in (["demo", "load"], ["search", "reindex"]):
        result = runner.invoke(args=command)
        assert result.exit_code == 0, result.output
    with app.app_context():
        consumer = db.session.scalar(sa.select(User.id).where(User.email == CONSUMER))
        return {
            "item": db.session.scalar(sa.select(Item.id).where(Item.kind == ItemKind.PUBLICATION,
                                                                Item.status == ReleaseStatus.RELEASED)
                                      .order_by(Item.id).limit(1)),
            "table": db.session.scalar(
                sa.select(CubeVersion.item_id).join(Item, Item.id == CubeVersion.item_id)
                .where(Item.access == Access.FREE, Item.status == ReleaseStatus.RELEASED)
                .order_by(CubeVersion.item_id).limit(1)),
            "order": db.session.scalar(sa.select(Order.id).where(Order.user_id == consumer).order_by(Order.id)),
        }


def _sign_in(page):
    page.goto("/login")
    page.fill("#email", CONSUMER)
    page.fill("#password", DEMO_PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/home/**")


def _cart_line(app):
    from accounts.models import User
    from orders import catalog_port, services
    from orders.models import CartLine

    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.email == CONSUMER))
        if db.session.scalar(sa.select(CartLine.id).where(CartLine.user_id == user.id)) is None:
            item = next(item for item in catalog_port.listed_items(limit=50) if item.kind == "publication")
            services.add_to_cart(user, item.id, 1)


def test_consumer_pages_pass_axe_in_both_languages_on_desktop_and_phone(browser, live_app, live_url):
    ids = _demo(live_app)
    _cart_line(live_app)
    failures = []
    for language, size, run_axe in PASSES:
        window = "phone" if size is PHONE else "desktop"
        contexts = {}
        for who in ("anonymous", "consumer"):
            context = browser.new_context(base_url=live_url, viewport=size,
                                          locale="id-ID" if language == "id" else "en-GB")
            tab = context.new_page()
            tab.goto(f"/?lang={language}")
            if who == "consumer":
                _sign_in(tab)
            contexts[who] = (context, tab)
        for who, address in PAGES:
            tab = contexts[who][1]
            url = address.format(**ids)
            response = tab.goto(url)
            assert response.status < 400, f"{url}: {response.status}"
            assert tab.locator("html").get_attribute("lang") == language, url
            if run_axe:
                failures += [f"[{language} {window}] {url}: {line}" for line in axe.violations(tab)]
            if size is PHONE and (overflow := axe.horizontal_overflow(tab)) > 0:
                failures.append(f"[{language} {window}] {url}: scrolls sideways by {overflow} px")
        for context, _tab in contexts.values():
            context.close()
    assert not failures, "\n".join(failures)
