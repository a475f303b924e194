"""An operator works the day from the one work list in Chromium: answer, take from the queue, hand a hard case
to the forum, record a walk-in and handle it on the spot."""

import pytest

from core import clock
from tests.consultation.helpers import open_request
from tests.support.browser import new_tab, sign_in
from tests.support.factories import UserMaker
from tests.support.roster import RosterMaker, wib

pytestmark = pytest.mark.browser


def test_an_operator_works_the_day_from_the_work_list(page, live_app):
    users = UserMaker(live_app)
    RosterMaker(live_app, users).operator(email="oki@example.org", name="Oki Operator",
                                          shifts=[(0, "08:00", "16:00", "data,complaint")])
    consumer = users.make(email="citra@example.org", full_name="Citra Konsumen")
    with clock.frozen(wib(2026, 11, 22, 10)):  # Sunday: waits in the queue
        queued = open_request(live_app, consumer)
    with clock.frozen(wib(2026, 11, 23, 9)):  # Monday: Oki is on duty and gets it
        assigned = open_request(live_app, consumer)
    with clock.frozen(wib(2026, 11, 23, 10)):
        sign_in(page, "oki@example.org")
        page.goto("/helpdesk/")
        rows = page.locator("#my-work tbody tr")
        assert rows.filter(has_text=assigned).count() == 1 and rows.filter(has_text=queued).count() == 1

        # answer the request assigned to me
        rows.filter(has_text=assigned).get_by_role("link", name="Balas").click()
        page.fill("#body", "Data penduduk per desa ada di publikasi Kecamatan Dalam Angka 2026, tabel 3.1.")
        page.click("#send-reply")
        assert "Kecamatan Dalam Angka" in page.locator("#conversation").inner_text()

        # take the queued one, then hand it to the forum
        page.goto("/helpdesk/")
        page.locator("#my-work tbody tr", has_text=queued).locator("button.take-item").click()
        row = page.locator("#my-work tbody tr", has_text=queued)
        assert row.get_by_role("button", name="Ambil").count() == 0
        row.get_by_role("link", name="Serahkan ke forum").click()
        page.fill("#title", "Sumber data harga gabah per kecamatan?")
        page.fill("#body", "Konsumen menanyakan harga gabah per kecamatan. Ada yang tahu sumbernya?")
        page.locator("main form button").click()
        assert "Sumber data harga gabah" in page.locator("main h1").inner_text()

        # a citizen walks in: record it and handle it on the spot
        page.goto("/helpdesk/")
        page.click("#record-request")
        page.select_option("#channel", "walk_in")
        page.fill("#full_name", "Inaq Sahnun")
        page.fill("#phone", "0819 0000 1111")
        page.select_option("#kind", "data")
        page.fill("#subject", "Harga beras")
        page.fill("#question", "Berapa harga beras medium di Lombok Tengah bulan ini?")
        page.check("#handle_myself")
        page.locator("main form button[type=submit]").click()
        assert "Oki Operator" in page.locator("#handler").inner_text()
        number = page.locator("main h1").inner_text().split(" · ")[0]
        page.goto("/helpdesk/")
        walk_in = page.locator("#my-work tbody tr", has_text=number)
        assert walk_in.count() == 1 and "Datang langsung" in walk_in.inner_text()


def test_the_supervisors_navigation_fits_a_1366_px_screen(browser, live_app, live_url):
    users = UserMaker(live_app)
    users.make("supervisor", email="sri@example.org", full_name="Sri Supervisor")
    tab = new_tab(browser, live_url, viewport={"width": 1366, "height": 768})
    sign_in(tab, "sri@example.org", users)  # supervisors sign in with a second factor
    tab.goto("/helpdesk/")
    bar = tab.locator("nav.navbar").bounding_box()
    assert bar["height"] < 80  # one line, not wrapped
    assert tab.evaluate("document.documentElement.scrollWidth") <= 1366
    tab.click("#nav-more")
    assert tab.locator(".dropdown-menu.show .dropdown-item").count() >= 1
    tab.context.close()
