"""Reminders at 75 % and at breach, escalation at breach: each sent exactly once."""

import threading

import pytest

from consultation.sweeps import run_sweep
from core import clock
from tests.consultation.helpers import open_request
from tests.support.roster import wib


def _sweep(app):
    with app.app_context():
        return run_sweep()


def test_reminder_at_three_quarters_then_breach_and_escalation(app, roster, users, outbox):
    roster.operator()
    users.make("supervisor", email="boss@example.org")
    with clock.frozen(wib(2026, 11, 23, 9)):
        open_request(app, users.make())
    with clock.frozen(wib(2026, 11, 23, 14, 59)):  # 75 % of one working day is 6 working hours
        assert _sweep(app) == {"warning": 0, "breach": 0, "escalation": 0}
    with clock.frozen(wib(2026, 11, 23, 15)):
        assert _sweep(app) == {"warning": 1, "breach": 0, "escalation": 0}
    with clock.frozen(wib(2026, 11, 24, 8, 59)):  # the night does not count
        assert _sweep(app) == {"warning": 0, "breach": 0, "escalation": 0}
    with clock.frozen(wib(2026, 11, 24, 9)):
        assert _sweep(app) == {"warning": 0, "breach": 1, "escalation": 1}
    kinds = [(m.kind, m.recipient) for m in outbox() if m.kind in ("reminder", "escalation")]
    assert [k for k, _ in kinds[:2]] == ["reminder", "reminder"]
    assert ("escalation", "boss@example.org") in kinds[2:]


def test_running_the_sweep_twice_sends_nothing_twice(app, roster, users, outbox):
    roster.operator()
    users.make("supervisor")
    with clock.frozen(wib(2026, 11, 23, 9)):
        open_request(app, users.make())
    with clock.frozen(wib(2026, 12, 7, 9)):  # both clocks breached
        first = _sweep(app)
        second = _sweep(app)
    assert first == {"warning": 2, "breach": 2, "escalation": 2}
    assert second == {"warning": 0, "breach": 0, "escalation": 0}
    # two reminders and two breaches to the operator; two escalations to each of the two supervisors
    assert len([m for m in outbox() if m.kind in ("reminder", "escalation")]) == 8


@pytest.mark.postgresql_only
def test_two_sweeps_at_once_send_each_reminder_once(app, roster, users, outbox, backend):
    if backend != "postgresql":
        pytest.skip("runs on the PostgreSQL pass")
    roster.operator()
    users.make("supervisor")
    with clock.frozen(wib(2026, 11, 23, 9)):
        for _ in range(5):
            open_request(app, users.make())
    start, results = threading.Barrier(2), []

    def sweep():
        with app.app_context():
            start.wait()
            results.append(run_sweep())

    with clock.frozen(wib(2026, 12, 7, 9)):
        threads = [threading.Thread(target=sweep) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
    assert sum(r["escalation"] for r in results) == 10
    assert sum(r["warning"] + r["breach"] for r in results) == 20
    assert len([m for m in outbox() if m.kind in ("reminder", "escalation")]) == 20 + 10 * 2  # two supervisors
