"""On PostgreSQL: an operator taking twenty queued items at once stops at the quota."""

import pytest
import sqlalchemy as sa

from core import clock
from core.extensions import db
from roster import engine, services
from roster.models import AssignmentDecision, DecisionOutcome, OperatorState, WorkItem, WorkStatus
from tests.support.concurrency import THREADS, run_together, signed_in_clients
from tests.support.roster import RosterMaker, wib

pytestmark = pytest.mark.postgresql_only
SUNDAY = wib(2026, 11, 22, 10)  # nobody is on duty: new work waits in the queue


def test_twenty_simultaneous_takes_stop_at_the_operators_quota(app, users, backend):
    if backend != "postgresql":
        pytest.skip("runs on the PostgreSQL pass")
    roster = RosterMaker(app, users)
    with clock.frozen(SUNDAY):
        oki = roster.operator(quota=5, email="oki-quota@example.org")
        with app.app_context():
            for n in range(3 + THREADS):
                engine.submit(engine.Routable("load-test", n, "data"))
            db.session.commit()
            items = db.session.scalars(sa.select(WorkItem.id).order_by(WorkItem.id)).all()
            for item_id in items[:3]:
                services.reassign(roster.supervisor(), item_id, oki)
        [client] = signed_in_clients(app, ["oki-quota@example.org"], users.PASSWORD)
        cookie = client.get_cookie("session").value
        clients = [app.test_client() for _ in range(THREADS)]
        for other in clients:
            other.set_cookie("session", cookie)

        codes = run_together(lambda i: clients[i].post(f"/helpdesk/queue/{items[3 + i]}/take").status_code)

    assert sorted(codes) == [302] * 2 + [409] * (THREADS - 2)
    with app.app_context():
        real = db.session.scalar(sa.select(sa.func.count()).select_from(WorkItem).where(
            WorkItem.assignee_id == oki, WorkItem.status == WorkStatus.ASSIGNED))
        takes = db.session.execute(sa.select(AssignmentDecision.operator_id, AssignmentDecision.decided_by_id)
                                   .where(AssignmentDecision.outcome == DecisionOutcome.TAKEN)).all()
        assert real == 5 and db.session.get(OperatorState, oki).open_items == 5
        assert takes == [(oki, oki)] * 2
