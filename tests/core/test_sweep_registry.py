"""Packages declare their periodic jobs once in ``core.sweeps``; the dev timer and ``flask sweep`` run them."""

import threading

import pytest

from core import sweeps

DECLARED = ["outbox.deliver", "accounts.login-throttles", "accounts.privacy-exports", "accounts.retention",
            "search_index.retry-updates", "catalog.scheduled-releases", "roster.continuity", "roster.queue-drain",
            "roster.escalation", "roster.reminders", "consultation.sla-reminders", "orders.invoice-expiry",
            "orders.payment-inbox", "subscriptions.fan-out", "subscriptions.digests", "visits.reminders",
            "api.idempotency-keys"]


@pytest.fixture
def ran(monkeypatch):
    """The names of the jobs every runner hands to ``sweeps.run_one`` (which still runs them)."""
    names = []
    real = sweeps.run_one

    def recording(app, sweep):
        names.append(sweep.name)
        return real(app, sweep)

    monkeypatch.setattr(sweeps, "run_one", recording)
    return names


def test_the_packages_declare_their_jobs_once_outbox_first(app):
    declared = sweeps.declared(app)
    assert [sweep.name for sweep in declared] == DECLARED
    assert {sweep.target.rsplit(".", 1)[1] for sweep in declared} >= {"deliver_due", "drain_queue_sweep",
                                                                       "run_sweep"}
    own = {"search_index.retry-updates": 60}  # a job that declared its own interval
    assert {sweep.name: sweeps.interval_of(app, sweep) for sweep in declared} == {
        name: own.get(name, app.config["STATDESK_SWEEP_SECONDS"]) for name in DECLARED}


def test_a_name_or_a_function_cannot_be_declared_twice(app):
    def job():
        return 0

    sweeps.register(app, "test.job", job)
    with pytest.raises(ValueError, match="already declared"):
        sweeps.register(app, "test.job", lambda: 0)
    with pytest.raises(ValueError, match="already declared"):
        sweeps.register(app, "test.other-name", job)
    with pytest.raises(ValueError, match="at least one second"):
        sweeps.register(app, "test.too-often", lambda: 0, interval=0)
    assert [sweep.name for sweep in sweeps.declared(app)] == [*DECLARED, "test.job"]


def test_the_timer_runs_the_declared_jobs_in_order(app, ran):
    done = threading.Event()
    sweeps.register(app, "test.first", lambda: None)
    sweeps.register(app, "test.last", done.set)
    thread = sweeps.start_timer(app, interval_seconds=0.01)
    try:
        assert done.wait(5)
    finally:
        thread.stop.set()
        thread.join(5)
    assert ran[:len(DECLARED) + 2] == [*DECLARED, "test.first", "test.last"]


def test_the_timer_keeps_each_jobs_own_interval(app, ran):
    done = threading.Event()
    runs = []

    def often():
        runs.append(1)
        if len(runs) == 3:
            done.set()

    sweeps.register(app, "test.often", often, interval=1)
    thread = sweeps.start_timer(app)
    try:
        assert done.wait(10)
    finally:
        thread.stop.set()
        thread.join(5)
    assert ran.count("test.often") >= 3 and "outbox.deliver" not in ran  # the others wait their 30 s


def test_flask_sweep_runs_every_job_and_a_failure_does_not_stop_the_others(app, ran):
    def broken():
        raise RuntimeError("reminder template missing")

    sweeps.register(app, "test.broken", broken)
    sweeps.register(app, "test.after", lambda: 7)
    result = app.test_cli_runner().invoke(args=["sweep"])
    assert ran == [*DECLARED, "test.broken", "test.after"]
    assert result.exit_code == 1
    assert "test.broken" in result.output and "FAILED: RuntimeError('reminder template missing')" in result.output
    assert any(line.startswith("test.after") and line.endswith(": 7") for line in result.output.splitlines())
