"""On PostgreSQL: twenty simultaneous reassignments of one item keep the log and the loads true."""

from collections import Counter

import pytest
import sqlalchemy as sa

from accounts.models import User
from core import clock
from core.extensions import db
from core.models import AuditEntry
from roster import engine, services
from roster.models import AssignmentDecision, DecisionOutcome, OperatorState, WorkItem, WorkStatus
from tests.support.concurrency import THREADS, run_together, signed_in_clients
from tests.support.roster import wib

pytestmark = pytest.mark.postgresql_only
SUNDAY, MONDAY = wib(2026, 11, 22, 10), wib(2026, 11, 23, 9)  # nobody on duty; everyone on duty


def _submit(app, numbers) -> list[int]:
    with app.app_context():
        for n in numbers:
            engine.submit(engine.Routable("load-test", n, "data"))
        db.session.commit()
        return db.session.scalars(sa.select(WorkItem.id).where(WorkItem.item_id.in_([str(n) for n in numbers]))
                                  .order_by(WorkItem.id)).all()


def _real_loads() -> Counter:
    return Counter(db.session.scalars(sa.select(WorkItem.assignee_id).where(WorkItem.status == WorkStatus.ASSIGNED)))


def test_twenty_simultaneous_reassignments_keep_loads_true_and_the_next_drain_within_quota(app, users, roster,
                                                                                          backend):
    if backend != "postgresql":
        pytest.skip("runs on the PostgreSQL pass")
    first, *others = [roster.operator(quota=5) for _ in range(4)]
    with clock.frozen(SUNDAY):
        items = _submit(app, range(5))
        with app.app_context():
            boss = roster.supervisor()
            for item_id in items:  # the first operator is at quota: 5 of 5
                services.reassign(boss, item_id, first)
            boss_email = boss.email
        [client] = signed_in_clients(app, [boss_email], users.PASSWORD)
        clients = [app.test_client() for _ in range(THREADS)]
        for other in clients:
            other.set_cookie("session", client.get_cookie("session").value)

        codes = run_together(lambda i: clients[i].post(f"/roster/items/{items[0]}/reassign",
                                                       data={"operator_id": others[i % 3]}).status_code)

    assert codes == [302] * THREADS
    with app.app_context():
        names = dict(db.session.execute(sa.select(User.id, User.full_name)).all())
        moves = db.session.scalars(sa.select(AssignmentDecision).where(
            AssignmentDecision.work_item_id == items[0], AssignmentDecision.outcome == DecisionOutcome.REASSIGNED)
            .order_by(AssignmentDecision.id)).all()
        logged = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
            AuditEntry.action == "roster.reassigned", AuditEntry.object_id == str(items[0])))
        assert len(moves) == logged
        assert [m.reason["previous"] for m in moves] == [""] + [names[m.operator_id] for m in moves[:-1]]
        assert moves[-1].operator_id == db.session.get(WorkItem, items[0]).assignee_id
        counters = {s.operator_id: s.open_items for s in db.session.scalars(sa.select(OperatorState))}
        real = _real_loads()
        assert counters == {op: real.get(op, 0) for op in counters}

    with clock.frozen(MONDAY):
        _submit(app, range(100, 100 + THREADS))
        with app.app_context():
            services.drain_queue_sweep()
            real = _real_loads()
    assert real == dict.fromkeys((first, *others), 5)
