"""A breached item is marked on every list and, after the configured working time, escalated to supervisors."""

import sqlalchemy as sa
from flask_babel import force_locale

from consultation import services as consultation
from core import clock
from core.extensions import db
from roster.escalation import escalation_sweep
from roster.models import AssignmentDecision, DecisionOutcome, WorkItem
from roster.reasons import describe
from tests.consultation.helpers import open_request, ticket, user
from tests.support.roster import wib


def _sweep(app, at) -> int:
    with clock.frozen(at), app.app_context():
        return escalation_sweep()


def _item(app) -> WorkItem:
    with app.app_context():
        return db.session.scalars(sa.select(WorkItem)).one()


def test_a_breach_is_flagged_then_escalated_after_the_configured_working_time(app, client, roster, users, login):
    roster.operator(email="ani@example.org", shifts=[(0, "08:00", "16:00", "data"), (1, "08:00", "16:00", "data")])
    supervisor = users.make("supervisor")
    with clock.frozen(wib(2026, 11, 23, 9)):  # Monday; the first answer is due Tuesday 09:00
        number = open_request(app, users.make())
    assert _item(app).due_at == wib(2026, 11, 24, 9)
    login("ani@example.org")
    with clock.frozen(wib(2026, 11, 24, 9, 30)):
        assert "work-row overdue" in client.get("/helpdesk/").get_data(as_text=True)
    assert _sweep(app, wib(2026, 11, 24, 12, 59)) == 0  # four working hours after the breach: 13:00
    assert _sweep(app, wib(2026, 11, 24, 13)) == 1
    assert _sweep(app, wib(2026, 11, 24, 13, 5)) == 0  # once
    with clock.frozen(wib(2026, 11, 24, 13, 10)):
        assert "work-row escalated" in client.get("/helpdesk/").get_data(as_text=True)
        client.post("/logout")
        login(supervisor)
        team = client.get("/helpdesk/?mark=escalated").get_data(as_text=True)
    assert number in team and "work-row escalated" in team
    with app.app_context(), force_locale("en"):
        decision = db.session.scalars(sa.select(AssignmentDecision).where(
            AssignmentDecision.outcome == DecisionOutcome.ESCALATED)).one()
        assert describe(decision.reason).startswith("escalated to the supervisors: due 24-11-2026 09:00 WIB")


def test_answering_starts_the_next_clock_and_ends_the_escalation(app, roster, users):
    roster.operator(email="ani@example.org", shifts=[(0, "08:00", "16:00", "data"), (1, "08:00", "16:00", "data")])
    with clock.frozen(wib(2026, 11, 23, 9)):
        number = open_request(app, users.make())
    assert _sweep(app, wib(2026, 11, 24, 14)) == 1
    with clock.frozen(wib(2026, 11, 24, 14, 30)), app.app_context():
        consultation.reply(user("ani@example.org"), ticket(number), "Data tersedia di tabel 3.1 publikasi NTB.")
    item = _item(app)
    assert item.escalated_at is None
    with app.app_context():
        assert item.due_at == ticket(number).resolution_due_at


def test_waiting_for_the_consumer_pauses_the_clock_on_the_list(app, roster, users):
    roster.operator(email="ani@example.org")
    with clock.frozen(wib(2026, 11, 23, 9)):
        number = open_request(app, users.make())
        with app.app_context():
            consultation.reply(user("ani@example.org"), ticket(number), "Mohon sebutkan tahun datanya.",
                               ask_consumer=True)
    item = _item(app)
    assert item.due_at is None and item.warn_at is None
    assert _sweep(app, wib(2026, 12, 30, 9)) == 0
