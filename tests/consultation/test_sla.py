"""SLA deadlines in working time, across nights, weekends and public holidays."""

from datetime import timedelta

import pytest

from consultation.models import RequestKind
from core import clock
from roster.calendar import WorkingCalendar
from tests.consultation.helpers import open_request, ticket
from tests.support.roster import wib

CAL = WorkingCalendar("Asia/Jakarta", "mon-fri 08:00-16:00")


@pytest.mark.parametrize(("start", "hours", "expected"), [
    (wib(2026, 11, 23, 15), 4, wib(2026, 11, 24, 11)),  # across a night
    (wib(2026, 11, 27, 14), 8, wib(2026, 11, 30, 14)),  # across a weekend
    (wib(2026, 12, 24, 12), 8, wib(2026, 12, 28, 12)),  # across Christmas (Fri) and the weekend
    (wib(2026, 11, 23, 20), 1, wib(2026, 11, 24, 9)),  # submitted at night: the clock starts at opening
    (wib(2026, 11, 23, 12), 4, wib(2026, 11, 23, 16)),  # ends exactly at closing time
])
def test_working_time_skips_nights_weekends_and_holidays(start, hours, expected):
    assert CAL.add_working_time(start, timedelta(hours=hours)) == expected
    assert CAL.working_time_between(start, expected) == timedelta(hours=hours)


def test_a_consultation_gets_one_day_to_answer_and_five_to_resolve(app, users):
    with clock.frozen(wib(2026, 12, 23, 10)):  # Wednesday before Christmas
        number = open_request(app, users.make())
    with app.app_context():
        request = ticket(number)
        assert request.response_due_at == wib(2026, 12, 24, 10)
        assert request.response_warn_at == wib(2026, 12, 23, 16)  # 75 % = 6 working hours
        assert request.resolution_due_at == wib(2026, 12, 31, 10)  # skips 25th and the weekend


def test_a_complaint_has_the_stricter_clock(app, users):
    with clock.frozen(wib(2026, 11, 27, 14)):  # Friday afternoon
        number = open_request(app, users.make(), RequestKind.COMPLAINT)
    with app.app_context():
        request = ticket(number)
        assert request.response_due_at == wib(2026, 11, 30, 10)
        assert request.resolution_due_at == wib(2026, 12, 2, 14)


def test_the_resolution_clock_pauses_while_waiting_for_the_consumer(app, roster, users):
    from consultation import services
    from consultation.sweeps import run_sweep
    from tests.consultation.helpers import user

    roster.operator(shifts=[(day, "08:00", "16:00", "data") for day in range(5)])
    consumer = users.make()
    with clock.frozen(wib(2026, 11, 23, 9)):
        number = open_request(app, consumer)
    with app.app_context():
        assert ticket(number).resolution_due_at == wib(2026, 11, 30, 9)  # five working days of eight hours
    with clock.frozen(wib(2026, 11, 23, 10)), app.app_context():
        request = ticket(number)
        services.reply(request.assignee, request, "Untuk tahun berapa?", ask_consumer=True)
    with clock.frozen(wib(2026, 12, 1, 8, 59)), app.app_context():  # past the old deadline, still waiting
        assert run_sweep()["breach"] == 0
    with clock.frozen(wib(2026, 12, 1, 9)), app.app_context():
        services.reply(user(consumer), ticket(number), "Tahun 2024.")
        # 39 working hours were left when the wait began; they run again from now
        assert ticket(number).resolution_due_at == wib(2026, 12, 7, 16)
