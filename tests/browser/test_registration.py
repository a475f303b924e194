"""A person registers, confirms the e-mail from the outbox, and signs in: in Chromium."""

import re

import pytest
import sqlalchemy as sa

from core.extensions import db
from core.models import OutboxMessage

pytestmark = pytest.mark.browser


def _link_from_outbox(app, recipient: str) -> str:
    with app.app_context():
        body = db.session.scalars(sa.select(OutboxMessage.body_text).where(OutboxMessage.recipient == recipient)
                                  .order_by(OutboxMessage.id.desc())).first()
    return re.search(r"(/verify/\S+)", body).group(1)


def test_register_confirm_and_sign_in(page, live_app):
    page.goto("/register")
    assert page.locator("h1").inner_text() == "Buat akun"
    page.fill("#email", "sinta@example.org")
    page.fill("#full_name", "Sinta Wulandari")
    page.select_option("#segment", "academic")
    page.fill("#institution", "Universitas Mataram")
    page.fill("#password", "Data-Lombok-2026")
    page.fill("#confirm", "Data-Lombok-2026")
    page.check("#consent")
    page.click("button[type=submit]")
    assert "sinta@example.org" in page.locator("#check-email").inner_text()

    page.goto(_link_from_outbox(live_app, "sinta@example.org"))
    page.click("#confirm-email")
    page.fill("#email", "sinta@example.org")
    page.fill("#password", "Data-Lombok-2026")
    page.click("button[type=submit]")
    assert page.url.endswith("/home/consumer")
    assert "Sinta Wulandari" in page.locator("h1").inner_text()
