"""Fifty simultaneous submissions never push an operator over quota (PostgreSQL row locks)."""

from collections import Counter

import pytest
import sqlalchemy as sa

from core import clock
from core.extensions import db
from roster import engine
from roster.models import WorkItem, WorkStatus
from tests.support.concurrency import run_together
from tests.support.roster import wib

pytestmark = pytest.mark.postgresql_only


def test_fifty_simultaneous_submissions_respect_every_quota(app, roster, backend):
    if backend != "postgresql":
        pytest.skip("runs on the PostgreSQL pass")
    operators = [roster.operator(quota=quota) for quota in (3, 4, 5)]

    def submit(n: int) -> None:
        with app.app_context():
            engine.submit(engine.Routable("load-test", n, "data"))
            db.session.commit()

    with clock.frozen(wib(2026, 11, 23, 9)):
        run_together(submit, 50)
    with app.app_context():
        items = db.session.scalars(sa.select(WorkItem)).all()
    loads = Counter(item.assignee_id for item in items if item.status is WorkStatus.ASSIGNED)
    assert len(items) == 50
    assert loads == {operators[0]: 3, operators[1]: 4, operators[2]: 5}
    assert sum(item.status is WorkStatus.QUEUED for item in items) == 38


def test_twenty_simultaneous_hand_backs_move_each_item_once(app, roster, backend):
    """Twenty continuity runs at once (sweeps in several processes, a deactivation): one move per item."""
    if backend != "postgresql":
        pytest.skip("runs on the PostgreSQL pass")
    from roster import continuity
    from roster.models import AssignmentDecision, OperatorState

    away = roster.operator(quota=30)
    others = [roster.operator(quota=30) for _ in range(3)]
    with app.app_context():
        for n in range(12):
            engine.submit(engine.Routable("hand-back", n, "data"))
            db.session.commit()
            item = db.session.scalar(sa.select(WorkItem).where(WorkItem.item_id == str(n)))
            if item.assignee_id != away:
                engine.reassign(item, away, roster.supervisor())
                db.session.commit()
    roster.leave(away, wib(2026, 11, 24).date())

    def hand_back(_n: int) -> int:
        with app.app_context():
            return continuity.hand_back_away()

    with clock.frozen(wib(2026, 11, 24, 9)):  # a Tuesday: the others' Monday shift is over, so all go to the queue
        moved = run_together(hand_back, 20)
    assert sum(moved) == 12
    with app.app_context():
        items = db.session.scalars(sa.select(WorkItem).where(WorkItem.item_type == "hand-back")).all()
        handed = db.session.scalars(sa.select(AssignmentDecision).where(
            AssignmentDecision.reason["after"].as_string() == "leave")).all()
        loads = {s.operator_id: s.open_items for s in db.session.scalars(sa.select(OperatorState))}
    assert all(item.status is WorkStatus.QUEUED and item.assignee_id is None for item in items)
    assert sorted(d.work_item_id for d in handed) == sorted(item.id for item in items)
    assert loads[away] == 0 and all(loads.get(other, 0) == 0 for other in others)
