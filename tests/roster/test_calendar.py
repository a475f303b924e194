"""The working calendar: office hours in the office time zone, public holidays closed, bad settings refused."""

import pytest

from app import create_app
from core.settings import ConfigurationError
from roster.calendar import WorkingCalendar, parse_office_hours
from tests.support.roster import wib


def test_office_hours_are_read_per_day():
    hours = parse_office_hours("mon-thu 07:30-16:00; fri 07:30-16:30")
    assert str(hours[0][0][1]) == "16:00:00" and str(hours[4][0][1]) == "16:30:00"
    assert hours[5] == () and hours[6] == ()


def test_the_office_is_closed_on_independence_day_and_at_night():
    calendar = WorkingCalendar("Asia/Jakarta", "mon-fri 08:00-16:00")
    assert calendar.is_open(wib(2026, 8, 18, 9))
    assert not calendar.is_open(wib(2026, 8, 17, 9))  # Monday, Hari Kemerdekaan
    assert not calendar.is_open(wib(2026, 8, 18, 16))


def test_another_office_time_zone_shifts_the_hours():
    makassar = WorkingCalendar("Asia/Makassar", "mon-fri 08:00-16:00")
    assert makassar.is_open(wib(2026, 11, 23, 7, 30))  # 08:30 WITA


@pytest.mark.parametrize("overrides", [{"STATDESK_OFFICE_HOURS": "weekdays 8-4"},
                                       {"STATDESK_HOLIDAY_COUNTRY": "XX"},
                                       {"STATDESK_SLA": "data=1d/5d"},
                                       {"STATDESK_ESCALATE_AFTER": "soon"}])
def test_unreadable_calendar_or_sla_settings_stop_the_start(app_config, overrides):
    with pytest.raises(ConfigurationError):
        create_app({**app_config, **overrides})
