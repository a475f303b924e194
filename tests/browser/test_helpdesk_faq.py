"""An operator hands a request to the forum, a colleague answers, the answer becomes an FAQ entry, and a
consumer finds it by search and sees it suggested while typing a question: in Chromium."""

import pytest

from core import clock
from tests.support.browser import new_tab, sign_in
from tests.support.factories import UserMaker
from tests.support.roster import RosterMaker, wib

pytestmark = pytest.mark.browser


def test_forum_answer_promoted_to_faq_is_found_by_a_consumer(page, browser, live_app, live_url):
    users = UserMaker(live_app)
    RosterMaker(live_app, users).operator(email="oki@example.org", name="Oki Operator")
    users.make("operator", email="rina@example.org", full_name="Rina Rekan")
    users.make(email="citra@example.org", full_name="Citra Konsumen")
    with clock.frozen(wib(2026, 11, 23, 9)):
        sign_in(page, "citra@example.org")
        page.goto("/consultations/new")
        page.select_option("#kind", "data")
        page.fill("#subject", "Data penduduk per desa")
        page.fill("#question", "Di mana saya bisa mendapatkan jumlah penduduk per desa di Lombok Timur?")
        page.click("#send-request")
        assert "Oki Operator" in page.locator("#handler").inner_text()

        oki = new_tab(browser, live_url)
        sign_in(oki, "oki@example.org")
        oki.goto("/consultations/desk")
        oki.click("#mine a")
        oki.click("#forum-threads a.btn")
        oki.fill("#title", "Sumber data penduduk per desa?")
        oki.fill("#body", "Konsumen menanyakan penduduk per desa. @rina@example.org tahu sumbernya?")
        oki.locator("main form button").click()
        thread_url = oki.url

        rina = new_tab(browser, live_url)
        sign_in(rina, "rina@example.org")
        rina.goto(thread_url)
        rina.fill("#body", "Gunakan publikasi **Kecamatan Dalam Angka**: tabel penduduk per desa.")
        rina.locator("form:has(#body) button").click()
        rina.context.close()

        oki.goto(thread_url)
        oki.locator("form[action*='/accept/'] button").click()
        assert oki.locator(".accepted-answer").is_visible()
        oki.click("#promote-faq")
        oki.fill("#question_id", "Di mana data jumlah penduduk per desa?")
        oki.fill("#question_en", "Where can I find population figures by village?")
        oki.fill("#answer_en", "Use the **District in Figures** publication: population by village.")
        oki.check("#published")
        oki.click("#save-faq")
        oki.context.close()

        page.goto("/search?q=penduduk+desa")
        page.locator(".search-hit[data-key^='faq:'] a").first.click()
        assert "Kecamatan Dalam Angka" in page.locator("#faq-answer").inner_text()

        page.goto("/consultations/new")
        page.fill("#question", "jumlah penduduk desa")
        suggestion = page.locator("#faq-suggestions a")
        suggestion.first.wait_for()
        assert "penduduk per desa" in suggestion.first.inner_text()
