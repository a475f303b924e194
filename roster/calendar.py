"""The working calendar: office hours in the office time zone, minus public holidays and office closures.

Working-time clocks (SLA deadlines) run only while the office is open: they stop
at night, at weekends, on Indonesian public holidays (the ``holidays`` package) and
on the office closures a supervisor adds (``OfficeClosure``: cuti bersama, which the
package does not know, or a local event).  Closures are read from the database and
kept for ``CLOSURES_TTL`` seconds per process; the process that changes them forgets
its copy at once, the others within that time.
"""

from __future__ import annotations

import re
import time as monotonic_time
from collections.abc import Callable, Mapping
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
import sqlalchemy as sa

from core import registry

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PART = re.compile(r"^\s*([a-z]{3})(?:-([a-z]{3}))?\s+(\d{1,2}):(\d{2})-(\d{1,2}):(\d{2})\s*$")
MAX_DAYS = 3660  # no clock runs longer than ten years
CLOSURES_TTL = 60.0
WORKING_DAY = timedelta(hours=8)
_DURATION = re.compile(r"^(\d+(?:\.\d+)?)([hd])$")


def parse_working_duration(text: str) -> timedelta:
    """``4h`` (working hours) or ``2d`` (working days of eight working hours) as a ``timedelta``."""
    match = _DURATION.match(text.strip())
    if not match:
        raise ValueError(f"cannot read the duration {text.strip()!r} (use e.g. 4h or 2d)")
    amount = float(match.group(1))
    return WORKING_DAY * amount if match.group(2) == "d" else timedelta(hours=amount)


def parse_office_hours(text: str) -> dict[int, tuple[tuple[time, time], ...]]:
    """``"mon-thu 07:30-16:00; fri 07:30-16:30"`` → weekday → opening periods."""
    hours: dict[int, list[tuple[time, time]]] = {day: [] for day in range(7)}
    for part in filter(str.strip, text.lower().split(";")):
        match = _PART.match(part)
        if not match or match.group(1) not in DAYS or (match.group(2) or match.group(1)) not in DAYS:
            raise ValueError(f"office hours: cannot read {part.strip()!r}")
        first, last = DAYS.index(match.group(1)), DAYS.index(match.group(2) or match.group(1))
        opens = time(int(match.group(3)), int(match.group(4)))
        closes = time(int(match.group(5)), int(match.group(6)))
        if first > last or opens >= closes:
            raise ValueError(f"office hours: {part.strip()!r} runs backwards")
        for day in range(first, last + 1):
            hours[day].append((opens, closes))
    return {day: tuple(sorted(periods)) for day, periods in hours.items()}


class WorkingCalendar:
    """Office hours on working days in ``zone``; public holidays of ``country`` and ``closures`` are closed.

    ``closures`` returns the office's own closed days (day → name); it is asked at
    most once per ``CLOSURES_TTL`` seconds, or again after ``forget_closures``.
    """

    def __init__(self, zone: str, office_hours: str, country: str = "ID",
                 closures: Callable[[], Mapping[date, str]] | None = None):
        self.zone = ZoneInfo(zone)
        self.hours = parse_office_hours(office_hours)
        self._holidays = holidays.country_holidays(country)
        self._read_closures = closures or dict
        self._closures: Mapping[date, str] | None = None
        self._closures_read_at = 0.0

    def closures(self) -> Mapping[date, str]:
        now = monotonic_time.monotonic()
        if self._closures is None or now - self._closures_read_at > CLOSURES_TTL:
            self._closures, self._closures_read_at = self._read_closures(), now
        return self._closures

    def forget_closures(self) -> None:
        self._closures = None

    def holiday_name(self, day: date) -> str | None:
        return self.closures().get(day) or self._holidays.get(day)

    def is_holiday(self, day: date) -> bool:
        return day in self._holidays or day in self.closures()

    def local(self, at: datetime) -> datetime:
        return at.astimezone(self.zone)

    def periods(self, day: date) -> list[tuple[datetime, datetime]]:
        """The opening periods of ``day`` as aware datetimes; none on holidays."""
        if self.is_holiday(day):
            return []
        return [(datetime.combine(day, opens, self.zone), datetime.combine(day, closes, self.zone))
                for opens, closes in self.hours[day.weekday()]]

    def is_open(self, at: datetime) -> bool:
        local = self.local(at)
        return any(start <= local < end for start, end in self.periods(local.date()))

    def add_working_time(self, start: datetime, duration: timedelta) -> datetime:
        """The instant when ``duration`` of office time has passed since ``start``."""
        remaining = duration
        day = self.local(start).date()
        for _ in range(MAX_DAYS):
            for opens, closes in self.periods(day):
                begin = max(opens, start)
                if begin >= closes:
                    continue
                if remaining <= closes - begin:
                    return (begin + remaining).astimezone(UTC)
                remaining -= closes - begin
            day += timedelta(days=1)
        raise ValueError("working-time clock runs past ten years")

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Office time elapsed from ``start`` to ``end`` (zero when ``end`` is earlier)."""
        total = timedelta()
        day, last = self.local(start).date(), self.local(end).date()
        while day <= last:
            for opens, closes in self.periods(day):
                overlap = min(closes, end) - max(opens, start)
                if overlap > timedelta():
                    total += overlap
            day += timedelta(days=1)
        return total


def _office_closures() -> dict[date, str]:
    from core.extensions import db
    from roster.models import OfficeClosure

    return dict(db.session.execute(sa.select(OfficeClosure.day, OfficeClosure.name)).all())


def _configured(app) -> WorkingCalendar:
    config = app.config
    return WorkingCalendar(config["STATDESK_TIMEZONE"], config["STATDESK_OFFICE_HOURS"],
                           config["STATDESK_HOLIDAY_COUNTRY"], closures=_office_closures)


CALENDAR: registry.Slot[WorkingCalendar] = registry.Slot(
    "roster.calendar", "The office's WorkingCalendar, built once per app from STATDESK_TIMEZONE, "
    "STATDESK_OFFICE_HOURS and STATDESK_HOLIDAY_COUNTRY.", default=_configured)


def working_calendar() -> WorkingCalendar:
    """The calendar configured for the current application (built once per app)."""
    return CALENDAR.get()
