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
