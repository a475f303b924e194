"""A consumer asks a question, it is auto-assigned, the operator answers, the consumer rates it: in Chromium."""

import pytest

from core import clock
from tests.support.browser import sign_in
from tests.support.factories import UserMaker
from tests.support.roster import RosterMaker, wib

pytestmark = pytest.mark.browser


def test_question_assigned_answered_and_rated(page, browser, live_app, live_url):
    users = UserMaker(live_app)
    RosterMaker(live_app, users).operator(email="oki@example.org", name="Oki Operator")
    users.make(email="citra@example.org", full_name="Citra Konsumen")
    with clock.frozen(wib(2026, 11, 23, 9)):
        sign_in(page, "citra@example.org")
        page.goto("/consultations/new")
        page.select_option("#kind", "data")
        page.fill("#subject", "Jumlah penduduk Lombok Timur")
        page.fill("#question", "Berapa jumlah penduduk Kabupaten Lombok Timur menurut kecamatan tahun 2024?")
        page.click("#send-request")
        assert "Oki Operator" in page.locator("#handler").inner_text()
        request_url = page.url

        operator = browser.new_context(base_url=live_url, locale="id-ID").new_page()
        sign_in(operator, "oki@example.org")
        operator.goto("/consultations/desk")
        operator.click("#mine a")
        operator.fill("#body", "Data tersedia di tabel Penduduk menurut Kecamatan, publikasi Kabupaten Dalam Angka.")
        operator.click("#send-reply")
        assert "Dijawab" in operator.locator("#ticket-status").inner_text()
        operator.context.close()

        page.goto(request_url)
        assert "Kabupaten Dalam Angka" in page.locator("#conversation").inner_text()
        page.click("#resolve")
        for question in ("requirements", "procedure", "completion_time", "cost", "product", "competence",
                         "behaviour", "complaint_handling", "facilities"):
            page.check(f"#{question}-3")
        page.fill("#comment", "Cepat dan jelas.")
        page.click("#send-rating")
        assert page.locator("#rated").is_visible()
        assert "Ditutup" in page.locator("#ticket-status").inner_text()
