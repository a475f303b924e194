"""Nothing waits for an absent colleague: leave, deactivation and a last shift removed hand work back."""

from datetime import date

import sqlalchemy as sa
from flask_babel import force_locale

from accounts import admin
from accounts.models import Role, User
from consultation.sweeps import run_sweep
from core import clock
from core.extensions import db
from roster import continuity, services
from roster.models import AssignmentDecision, DecisionOutcome, WorkItem
from roster.reasons import describe
from tests.consultation.helpers import open_request, ticket
from tests.support.roster import wib

MONDAY_9 = wib(2026, 11, 23, 9)
MONDAY = date(2026, 11, 23)


def _holder(app, number: str) -> int | None:
    with app.app_context():
        return ticket(number).assignee_id


def _last_decision(app) -> tuple[str, int | None, dict, str]:
    with app.app_context(), force_locale("en"):
        decision = db.session.scalars(sa.select(AssignmentDecision).order_by(AssignmentDecision.id.desc())).first()
        return decision.outcome.value, decision.operator_id, decision.reason, describe(decision.reason)


def test_leave_that_starts_today_moves_the_open_work_to_a_colleague_on_duty(app, roster, users, outbox):
    away = roster.operator(name="Ani Pergi")
    with clock.frozen(MONDAY_9):
        number = open_request(app, users.make())
    assert _holder(app, number) == away
    colleague = roster.operator(name="Budi Hadir")
    with clock.frozen(wib(2026, 11, 23, 10)):
        roster.leave(away, MONDAY, date(2026, 11, 27))
    assert _holder(app, number) == colleague
    outcome, operator, reason, text = _last_decision(app)
    assert (outcome, operator, reason["after"]) == ("assigned", colleague, "leave")
    assert text.startswith("handed back because Ani Pergi is on leave: on duty Mon")
    with app.app_context():
        assert db.session.get(User, colleague).email in [m.recipient for m in outbox() if m.kind == "assigned"]
        loads = {state.operator_id: state.open_items for state in
                 db.session.scalars(sa.select(services.engine.OperatorState))}
    assert loads[away] == 0 and loads[colleague] == 1


def test_reminders_follow_the_new_holder(app, roster, users, outbox):
    away = roster.operator()
    colleague = roster.operator()
    users.make("supervisor")
    with clock.frozen(MONDAY_9):
        number = open_request(app, users.make())
    first = _holder(app, number)
    with clock.frozen(wib(2026, 11, 23, 11)):
        roster.leave(first, MONDAY)
    second = _holder(app, number)
    assert {first, second} == {away, colleague}
    with clock.frozen(wib(2026, 11, 23, 15)), app.app_context():
        assert run_sweep()["warning"] == 1
        recipients = [m.recipient for m in outbox() if m.kind == "reminder"]
        assert recipients == [db.session.get(User, second).email]


def test_a_named_substitute_takes_the_work_even_off_duty(app, roster, users):
    away = roster.operator()
    substitute = roster.operator(shifts=[(2, "08:00", "16:00", "data")], name="Sari Pengganti")  # Wednesdays only
    with clock.frozen(MONDAY_9):
        number = open_request(app, users.make())
        assert _holder(app, number) == away
        roster.leave(away, MONDAY, substitute=substitute)
    assert _holder(app, number) == substitute
    outcome, operator, reason, text = _last_decision(app)
    assert (outcome, operator, reason["code"]) == ("reassigned", substitute, "substitute")
    assert "named substitute" in text


def test_with_nobody_else_on_duty_the_work_goes_back_to_the_queue_and_then_to_the_next_shift(app, roster, users):
    away = roster.operator()
    later = roster.operator(shifts=[(1, "08:00", "16:00", "data")])  # Tuesdays
    with clock.frozen(MONDAY_9):
        number = open_request(app, users.make())
        roster.leave(away, MONDAY, date(2026, 11, 30))
    assert _holder(app, number) is None
    outcome, operator, reason, _ = _last_decision(app)
    assert (outcome, operator, reason["code"], reason["after"]) == ("queued", None, "nobody_on_duty", "leave")
    with clock.frozen(wib(2026, 11, 24, 9)), app.app_context():
        assert services.drain_queue_sweep() == 1
    assert _holder(app, number) == later


def test_deactivating_an_account_hands_its_work_back_at_once(app, roster, users):
    leaving = roster.operator()
    colleague = roster.operator()
    admin_email = users.make("admin")
    with clock.frozen(MONDAY_9):
        numbers = [open_request(app, users.make()) for _ in range(2)]
        held = [number for number in numbers if _holder(app, number) == leaving]
        assert held
        with app.app_context():
            actor = db.session.scalar(sa.select(User).where(User.email == admin_email))
            user = db.session.get(User, leaving)
            admin.update_user(actor, user, user.full_name, {Role.OPERATOR}, "", active=False)
    assert {_holder(app, number) for number in numbers} == {colleague}
    outcome, _operator, reason, _text = _last_decision(app)
    assert reason["after"] == "deactivated"


def test_removing_the_last_shift_hands_work_back_but_being_off_shift_tonight_does_not(app, roster, users):
    leaving = roster.operator(shifts=[(0, "08:00", "12:00", "data"), (1, "08:00", "16:00", "data")])
    colleague = roster.operator(shifts=[(1, "08:00", "16:00", "data")])  # Tuesdays
    with clock.frozen(MONDAY_9):
        number = open_request(app, users.make())
    assert _holder(app, number) == leaving
    with clock.frozen(wib(2026, 11, 23, 20)), app.app_context():  # night: off shift, keeps the work
        assert continuity.continuity_sweep() == 0
    with app.app_context():
        shifts = db.session.scalars(sa.select(services.DutyShift.id).where(
            services.DutyShift.operator_id == leaving)).all()
    with clock.frozen(wib(2026, 11, 24, 9)), app.app_context():
        services.delete_shift(roster.supervisor(), shifts[0])
        assert _holder(app, number) == leaving  # one shift is left
        services.delete_shift(roster.supervisor(), shifts[1])
    assert _holder(app, number) == colleague
    outcome, operator, reason, _text = _last_decision(app)
    assert (outcome, operator, reason["after"]) == ("assigned", colleague, "no_shifts")


def test_the_sweep_catches_leave_entered_in_advance(app, roster, users):
    away = roster.operator()
    colleague = roster.operator()
    with clock.frozen(MONDAY_9):
        numbers = [open_request(app, users.make()) for _ in range(2)]
        roster.leave(away, date(2026, 11, 24))  # tomorrow: nothing moves today
        assert {_holder(app, n) for n in numbers} == {away, colleague}
    with clock.frozen(wib(2026, 11, 24, 7)), app.app_context():
        assert continuity.continuity_sweep() == 1
        assert continuity.continuity_sweep() == 0  # nothing left to move
    assert sorted((_holder(app, n) for n in numbers), key=str) == [colleague, None]  # queued: nobody on at 7


def test_the_reassign_list_offers_only_who_can_take_it_and_marks_over_quota(app, roster, users):
    holder = roster.operator(name="Citra Pemegang")
    roster.operator(name="Dewi Penuh", quota=0)
    roster.operator(name="Eko Lain", shifts=[(0, "08:00", "16:00", "classification")])
    on_leave = roster.operator(name="Fajar Cuti")
    with clock.frozen(MONDAY_9):
        open_request(app, users.make())
        roster.leave(on_leave, MONDAY)
        with app.app_context(), force_locale("en"):
            choices = services.reassign_candidates("data", exclude=holder)
            labels = [candidate.label() for candidate in choices]
    assert labels == ["Dewi Penuh (load 0/0), over quota"]
    with clock.frozen(MONDAY_9), app.app_context():
        item = db.session.scalar(sa.select(WorkItem))
        try:
            services.reassign(roster.supervisor(), item.id, on_leave)
        except services.Conflict as exc:
            refused = str(exc.message)
        else:
            refused = ""
    assert "tidak dapat menerima pekerjaan sekarang" in refused
    with app.app_context():
        assert db.session.scalar(sa.select(WorkItem)).assignee_id == holder
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AssignmentDecision).where(
            AssignmentDecision.outcome == DecisionOutcome.REASSIGNED)) == 0
