"""Taking queued work from the console respects the operator's quota and is logged as a take."""

import sqlalchemy as sa

from core import clock
from core.extensions import db
from roster import engine
from roster.models import AssignmentDecision, DecisionOutcome, OperatorState, WorkItem, WorkStatus
from tests.support.roster import RosterMaker, wib

SUNDAY = wib(2026, 11, 22, 10)  # nobody is on duty: new work waits in the queue


def _queued(app, count: int) -> list[int]:
    with app.app_context():
        for n in range(count):
            engine.submit(engine.Routable("load-test", n, "data", f"Permintaan {n}"))
        db.session.commit()
        return db.session.scalars(sa.select(WorkItem.id).order_by(WorkItem.id)).all()


def test_an_operator_at_quota_cannot_take_more_and_the_item_stays_queued(app, client, users, login):
    roster = RosterMaker(app, users)
    with clock.frozen(SUNDAY):
        oki = roster.operator(quota=2, email="oki-full@example.org")
        items = _queued(app, 3)
        login("oki-full@example.org")
        assert [client.post(f"/helpdesk/queue/{i}/take").status_code for i in items[:2]] == [302, 302]
        refused = client.post(f"/helpdesk/queue/{items[2]}/take")
    assert refused.status_code == 409
    assert "kuota" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(WorkItem, items[2]).status is WorkStatus.QUEUED
        assert db.session.get(OperatorState, oki).open_items == 2


def test_a_kind_quota_limits_taking_that_kind(app, client, users, login):
    roster = RosterMaker(app, users)
    with clock.frozen(SUNDAY):
        oki = roster.operator(quota=5, email="oki-kind@example.org")
        roster.quota(oki, 1, "data")
        items = _queued(app, 2)
        login("oki-kind@example.org")
        codes = [client.post(f"/helpdesk/queue/{i}/take").status_code for i in items]
    assert codes == [302, 409]


def test_a_take_is_logged_as_the_operators_take_not_a_reassignment(app, client, users, login):
    roster = RosterMaker(app, users)
    with clock.frozen(SUNDAY):
        oki = roster.operator(quota=5, email="oki-log@example.org")
        [item_id] = _queued(app, 1)
        login("oki-log@example.org")
        client.post(f"/helpdesk/queue/{item_id}/take")
        client.post("/logout")
        with app.app_context():
            boss = roster.supervisor()
            decision = db.session.scalar(sa.select(AssignmentDecision).where(
                AssignmentDecision.outcome != DecisionOutcome.QUEUED))
            assert (decision.outcome, decision.operator_id, decision.decided_by_id) == (DecisionOutcome.TAKEN, oki, oki)
            assert decision.reason == {"code": "taken", "load": 0, "quota": 5}
            boss_email = boss.email
        login(boss_email)
        page = client.get("/roster/decisions").get_data(as_text=True)
    assert "diambil dari antrean oleh operator, beban 0/5" in page
