"""The engine's choices: who is on duty, skills, quotas, holidays, leave, shift boundaries and the queue."""

from datetime import date

from flask_babel import force_locale

from core import clock
from core.extensions import db
from roster import engine, services
from roster.models import AssignmentDecision, WorkStatus
from roster.reasons import describe
from tests.support.roster import wib

MONDAY_9 = wib(2026, 11, 23, 9)  # a Monday, a working day


def route(app, item_id, kind="data"):
    """Submit one routable item and commit; return (outcome, operator id, reason text)."""
    with app.app_context():
        decision = engine.submit(engine.Routable("test", item_id, kind, f"T-{item_id}"))
        db.session.commit()
        with force_locale("en"):
            return decision.outcome.value, decision.operator_id, describe(decision.reason)


def release(app, item_id):
    with app.app_context():
        decisions = engine.release("test", item_id)
        db.session.commit()
        return [(d.work_item.item_id, d.operator_id) for d in decisions]


def test_least_loaded_operator_on_duty_gets_the_item_and_the_reason_says_why(app, roster):
    busy = roster.operator(shifts=[(0, "08:00", "12:00", "data")], quota=5)
    free = roster.operator(shifts=[(0, "08:00", "12:00", "data")], quota=5)
    with clock.frozen(MONDAY_9):
        assert route(app, 1)[1] == busy  # a tie between two idle operators: the lower id
        outcome, operator, reason = route(app, 2)
    assert (outcome, operator) == ("assigned", free)
    assert reason == "on duty Mon 08:00–12:00, load 0/5, least loaded of 2"


def test_nobody_on_duty_queues_the_item(app, roster):
    roster.operator(shifts=[(0, "08:00", "16:00", "data")])
    with clock.frozen(wib(2026, 11, 23, 20)):
        outcome, operator, reason = route(app, 1)
    assert (outcome, operator) == ("queued", None)
    assert reason == "queued: nobody is on duty"


def test_everyone_at_quota_queues_the_item(app, roster):
    first = roster.operator(quota=1)
    second = roster.operator(quota=1)
    with clock.frozen(MONDAY_9):
        assert {route(app, 1)[1], route(app, 2)[1]} == {first, second}
        outcome, operator, _ = route(app, 3)
    assert (outcome, operator) == ("queued", None)
    with app.app_context():
        reason = db.session.query(AssignmentDecision).order_by(AssignmentDecision.id.desc()).first().reason
    assert reason == {"code": "all_at_quota", "candidates": 2}


def test_a_public_holiday_puts_the_weekly_shift_off_duty(app, roster):
    roster.operator(shifts=[(4, "08:00", "16:00", "data")])  # Fridays
    with clock.frozen(wib(2026, 12, 25, 9)):  # Christmas Day, a Friday
        assert route(app, 1)[0] == "queued"
    with clock.frozen(wib(2026, 12, 18, 9)):  # the Friday before
        assert route(app, 2)[0] == "assigned"


def test_an_extra_shift_puts_an_operator_on_duty_on_a_holiday(app, roster):
    operator = roster.operator(shifts=[(4, "08:00", "16:00", "data")])
    roster.extra_shift(operator, date(2026, 12, 25), "09:00", "12:00", "data")
    with clock.frozen(wib(2026, 12, 25, 10)):
        outcome, chosen, reason = route(app, 1)
    assert (outcome, chosen) == ("assigned", operator)
    assert "12:00" in reason


def test_a_shift_includes_its_start_and_excludes_its_end(app, roster):
    operator = roster.operator(shifts=[(0, "08:00", "12:00", "data")])
    with clock.frozen(wib(2026, 11, 23, 7, 59)):
        assert route(app, 1)[0] == "queued"
    with clock.frozen(wib(2026, 11, 23, 8, 0)):
        assert route(app, 2)[1] == operator
    with clock.frozen(wib(2026, 11, 23, 11, 59)):
        assert route(app, 3)[1] == operator
    with clock.frozen(wib(2026, 11, 23, 12, 0)):
        assert route(app, 4)[0] == "queued"


def test_an_operator_on_leave_gets_nothing(app, roster):
    on_leave = roster.operator()
    working = roster.operator()
    roster.leave(on_leave, date(2026, 11, 23), date(2026, 11, 27))
    with clock.frozen(MONDAY_9):
        assert {route(app, n)[1] for n in range(1, 4)} == {working}


def test_a_kind_nobody_on_duty_serves_waits_in_the_queue(app, roster):
    roster.operator(shifts=[(0, "08:00", "16:00", "data,metadata")])
    with clock.frozen(MONDAY_9):
        outcome, _, reason = route(app, 1, kind="classification")
    assert outcome == "queued"
    with app.app_context():
        assert db.session.query(AssignmentDecision).one().reason["code"] == "no_skill_on_duty"


def test_the_queue_drains_when_an_item_is_released(app, roster):
    operator = roster.operator(quota=1)
    with clock.frozen(MONDAY_9):
        route(app, 1)
        assert route(app, 2)[0] == "queued"
        assert release(app, 1) == [("2", operator)]
    with app.app_context():
        item = engine.work_item_for("test", 2)
        assert (item.status, item.assignee_id) == (WorkStatus.ASSIGNED, operator)


def test_the_queue_drains_when_a_shift_starts(app, roster):
    operator = roster.operator(shifts=[(0, "13:00", "16:00", "data")])
    with clock.frozen(wib(2026, 11, 23, 12, 30)):
        assert route(app, 1)[0] == "queued"
        with app.app_context():
            assert services.drain_queue_sweep() == 0
    with clock.frozen(wib(2026, 11, 23, 13, 0)), app.app_context():
        assert services.drain_queue_sweep() == 1
        assert engine.work_item_for("test", 1).assignee_id == operator


def test_a_tie_goes_to_the_operator_longest_without_new_work(app, roster):
    first = roster.operator()
    second = roster.operator()
    with clock.frozen(MONDAY_9):
        assert route(app, 1)[1] == first  # neither ever assigned: lower id
        release(app, 1)
    with clock.frozen(wib(2026, 11, 23, 10)):
        outcome, chosen, reason = route(app, 2)
    assert chosen == second
    assert reason.endswith(", longest since last assignment")


def test_a_per_kind_quota_limits_that_kind_only(app, roster):
    operator = roster.operator(shifts=[(0, "08:00", "16:00", "data,complaint")], quota=5)
    roster.quota(operator, 1, kind="complaint")
    with clock.frozen(MONDAY_9):
        assert route(app, 1, "complaint")[1] == operator
        assert route(app, 2, "complaint")[0] == "queued"
        assert route(app, 3, "data")[1] == operator


def test_a_supervisor_reassigns_and_the_log_shows_it(app, roster):
    first = roster.operator()
    second = roster.operator()
    with clock.frozen(MONDAY_9):
        route(app, 1)
        with app.app_context():
            item = engine.work_item_for("test", 1)
            target = second if item.assignee_id == first else first
            services.reassign(roster.supervisor(), item.id, target)
            last = db.session.query(AssignmentDecision).order_by(AssignmentDecision.id.desc()).first()
            assert (last.outcome.value, last.operator_id, last.decided_by_id) == (
                "reassigned", target, roster.supervisor().id)
