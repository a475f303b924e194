"""A visit end to end in Chromium: booked online, checked in, called on the board, served, rated on the tablet."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from consultation.models import Channel, Ticket
from core import clock
from core.extensions import db
from core.models import OutboxMessage
from tests.support.browser import new_tab, sign_in
from tests.support.factories import UserMaker
from tests.support.roster import RosterMaker, wib
from visits import counters
from visits.models import Visit

pytestmark = pytest.mark.browser
SCORES = ("requirements", "procedure", "completion_time", "cost", "product", "competence", "behaviour",
          "complaint_handling", "facilities")


def test_booked_checked_in_called_on_the_board_served_and_rated(page, browser, live_app, live_url):
    users = UserMaker(live_app)
    roster = RosterMaker(live_app, users)
    roster.operator(shifts=[(1, "08:00", "16:00", "data,metadata")], email="oki@example.org", name="Oki Operator")
    with live_app.app_context():
        counter_id = counters.add_counter(roster.supervisor(), "Loket 1").id
    with clock.frozen(wib(2026, 11, 24, 9)):  # a Tuesday
        # The visitor books the 09:30 slot with a name and a phone number, without an account.
        page.set_viewport_size({"width": 375, "height": 800})  # a phone: nothing wider than the screen
        page.goto("/visits/book?service=data&day=2026-11-24")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.get_by_label("09:30", exact=False).check()
        page.fill("#full_name", "Wayan Sudarma")
        page.fill("#phone", "0812 3456 7890")
        page.fill("#email", "wayan@example.org")
        page.fill("#note", "Data kemiskinan kabupaten 2020-2024 per kecamatan")
        page.click("#book-visit")
        code = page.locator("#booking-code").inner_text().strip()
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        expect(page.locator("#booking-qr")).to_be_visible()
        with live_app.app_context():
            mail = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.recipient == "wayan@example.org")
                                      ).one()
            assert code in mail.body_text and mail.kind == "booked"

        board = new_tab(browser, live_url)
        board.goto("/visits/board")
        expect(board.locator("#board-empty")).to_be_visible()
        board.evaluate("window.boardNeverReloaded = true")

        operator = new_tab(browser, live_url)
        sign_in(operator, "oki@example.org")
        operator.goto("/visits/reception")
        operator.fill("#in-code", code)
        operator.click("#check-in")
        expect(operator.locator("#ticket-number")).to_have_text("A-001")

        operator.goto(f"/visits/counters/{counter_id}")
        operator.click("#sign-in-counter")
        operator.click("#call-next")
        expect(operator.locator("#current-ticket")).to_have_text("A-001")
        expect(board.locator("#board-rows")).to_contain_text("A-001", timeout=15000)
        expect(board.locator("#board-rows")).to_contain_text("Loket 1")
        assert board.evaluate("window.boardNeverReloaded") is True

        operator.click("#serve")
        expect(operator.locator("#visit-request")).to_be_visible()
        expect(operator.locator("#visit-channel")).to_have_text("Datang langsung")  # walk-in
        tablet_url = operator.locator("#tablet-link").get_attribute("href")
        operator.fill("#summary", "Tabel kemiskinan per kecamatan 2020-2024 diberikan dalam berkas Excel.")
        operator.click("#finish")
        expect(operator.locator("#call-next")).to_be_visible()

        with live_app.app_context():
            visit = db.session.scalars(sa.select(Visit).where(Visit.code == code)).one()
            ticket = db.session.get(Ticket, visit.request_id)
            assert ticket.channel is Channel.WALK_IN and ticket.requester.full_name == "Wayan Sudarma"
            number = ticket.number
        operator.goto(f"/consultations/{number}")
        expect(operator.locator("main")).to_contain_text("Tabel kemiskinan per kecamatan")

        tablet = new_tab(browser, live_url)
        tablet.goto(tablet_url)
        for question in SCORES:
            tablet.check(f"#{question}-3")
        tablet.fill("#comment", "Petugas ramah dan cepat.")
        tablet.click("#send-survey")
        expect(tablet.locator("#survey-waiting")).to_be_visible()
        with live_app.app_context():
            rating = db.session.get(Ticket, visit.request_id).rating
            assert rating is not None and rating.scores() == (4,) * 9
        for tab in (board, operator, tablet):
            tab.context.close()
