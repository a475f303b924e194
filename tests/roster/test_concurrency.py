"""Fifty simultaneous submissions never push an operator over quota (PostgreSQL row locks)."""

import threading
from collections import Counter

import pytest
import sqlalchemy as sa

from core import clock
from core.extensions import db
from roster import engine
from roster.models import WorkItem, WorkStatus
from tests.support.roster import wib

pytestmark = pytest.mark.postgresql_only

JOIN_SECONDS = 300  # a bound for a hung thread, not a speed: a busy machine may take long


def test_fifty_simultaneous_submissions_respect_every_quota(app, roster, backend):
    if backend != "postgresql":
        pytest.skip("runs on the PostgreSQL pass")
    operators = [roster.operator(quota=quota) for quota in (3, 4, 5)]
    start = threading.Barrier(50)
    errors: list[BaseException] = []

    def submit(n: int) -> None:
        try:
            with app.app_context():
                start.wait()
                engine.submit(engine.Routable("load-test", n, "data"))
                db.session.commit()
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)

    with clock.frozen(wib(2026, 11, 23, 9)):
        threads = [threading.Thread(target=submit, args=(n,)) for n in range(50)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(JOIN_SECONDS)
        assert not [t for t in threads if t.is_alive()], "a request thread did not finish"
    assert errors == []
    with app.app_context():
        items = db.session.scalars(sa.select(WorkItem)).all()
    loads = Counter(item.assignee_id for item in items if item.status is WorkStatus.ASSIGNED)
    assert len(items) == 50
    assert loads == {operators[0]: 3, operators[1]: 4, operators[2]: 5}
    assert sum(item.status is WorkStatus.QUEUED for item in items) == 38
