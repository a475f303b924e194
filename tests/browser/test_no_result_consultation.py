"""In Chromium: an anonymous visitor searches, finds nothing, asks instead, registers on the way (confirming
the e-mail), and the consultation arrives with the text they searched for."""

import re

import pytest
import sqlalchemy as sa

from consultation.models import Ticket
from core.extensions import db
from core.models import OutboxMessage

pytestmark = pytest.mark.browser

QUESTION = "Berapa kode KBLI untuk kopi keliling di Mataram?"


def test_a_failed_search_becomes_a_consultation_through_registration(page, live_app):
    page.goto("/search?q=" + QUESTION.replace(" ", "+"))
    page.click("#ask-consultation")
    page.wait_for_url("**/login?**")
    page.click("#register-link")
    page.fill("#email", "dewi@example.org")
    page.fill("#full_name", "Dewi Lestari")
    page.fill("#password", "Kopi-Keliling-2026")
    page.fill("#confirm", "Kopi-Keliling-2026")
    page.check("#consent")
    page.click("button[type=submit]")
    page.wait_for_selector("#check-email")

    with live_app.app_context():
        body = db.session.scalar(sa.select(OutboxMessage.body_text)
                                 .where(OutboxMessage.recipient == "dewi@example.org"))
    page.goto(re.search(r"(/verify/\S+)", body).group(1))
    page.click("#confirm-email")
    page.fill("#email", "dewi@example.org")
    page.fill("#password", "Kopi-Keliling-2026")
    page.click("button[type=submit]")
    page.wait_for_url("**/consultations/new?**")
    assert page.input_value("#question") == QUESTION
    page.click("#send-request")
    page.wait_for_url(re.compile(r".*/consultations/[A-Z0-9/-]+$"))
    with live_app.app_context():
        ticket = db.session.scalar(sa.select(Ticket))
        assert ticket.question == QUESTION and ticket.requester.email == "dewi@example.org"
