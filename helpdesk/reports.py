"""Supervisor reports over consultations and complaints: SLA compliance, backlog, response and resolution
times, and the satisfaction index (IKM) by month and element.

A period is a range of local dates (the office time zone), inclusive; requests
count in the period they were submitted in, ratings in the period they were
given in.  Times are working hours (office hours minus holidays and office closures,
``roster.calendar``), counted from when the request reached the office (a letter's
date received) — the same time the SLA deadlines run in, so a time and its
deadline compare.  SLA compliance is given per kind and per operator.  Rows are
labelled in the reader's language.  The backlog is the open requests now,
whatever the period.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from consultation.ikm import ELEMENTS, compute
from consultation.models import OPEN_STATUSES, SCORE_COLUMNS, Rating, RequestKind, Ticket
from core import clock
from core.extensions import db
from core.timefmt import local_zone, to_local
from roster.calendar import working_calendar

AGES = ((timedelta(days=1), "< 1 d"), (timedelta(days=3), "1-3 d"), (timedelta(days=7), "3-7 d"),
        (None, "> 7 d"))


@dataclass(frozen=True)
class Period:
    first: date
    last: date

    @property
    def since(self) -> datetime:
        return datetime.combine(self.first, time(), local_zone())

    @property
    def until(self) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(), local_zone())

    @classmethod
    def default(cls) -> Period:
        today = to_local(clock.now()).date()
        start = (today.replace(day=1) - timedelta(days=62)).replace(day=1)
        return cls(start, today)


def _tickets(period: Period) -> list[Ticket]:
    return list(db.session.scalars(sa.select(Ticket).where(
        Ticket.number.isnot(None), Ticket.submitted_at >= period.since, Ticket.submitted_at < period.until)
        .order_by(Ticket.id)))


def _met(done: datetime | None, due: datetime | None, now: datetime) -> bool | None:
    """Whether a clock was kept: None while it still runs (or has no deadline)."""
    if due is None:
        return None
    if done is not None:
        return done <= due
    return False if now > due else None


@dataclass(frozen=True)
class SlaRow:
    kind: str
    requests: int
    response_met: int
    response_missed: int
    resolution_met: int
    resolution_missed: int

    @staticmethod
    def share(met: int, missed: int) -> float | None:
        return round(100 * met / (met + missed), 1) if met + missed else None

    @property
    def response_share(self) -> float | None:
        return self.share(self.response_met, self.response_missed)

    @property
    def resolution_share(self) -> float | None:
        return self.share(self.resolution_met, self.resolution_missed)


def sla(period: Period, by: str = "kind") -> list[SlaRow]:
    """First response and resolution kept or missed, per kind (every kind, even without requests) or per
    operator who held the request."""
    now = clock.now()
    counts: dict[str, list[int]] = {str(kind.label): [0, 0, 0, 0, 0] for kind in RequestKind} if by == "kind" else {}
    for ticket in _tickets(period):
        if by == "kind":
            group = str(ticket.kind.label)
        elif ticket.assignee is not None:
            group = ticket.assignee.full_name or ticket.assignee.email
        else:
            continue
        row = counts.setdefault(group, [0, 0, 0, 0, 0])
        row[0] += 1
        for offset, kept in ((1, _met(ticket.first_response_at, ticket.response_due_at, now)),
                             (3, _met(ticket.resolved_at, ticket.resolution_due_at, now))):
            if kept is True:
                row[offset] += 1
            elif kept is False:
                row[offset + 1] += 1
    return [SlaRow(group, *values) for group, values in sorted(counts.items()) if by == "kind" or values[0]]


def backlog() -> dict[str, dict[str, int]]:
    """Open requests now, by kind and by age since submission."""
    now = clock.now()
    table = {kind: {label: 0 for _limit, label in AGES} for kind in RequestKind}
    for kind, submitted in db.session.execute(sa.select(Ticket.kind, Ticket.submitted_at).where(
            Ticket.number.isnot(None), Ticket.status.in_(OPEN_STATUSES))):
        age = now - submitted
        label = next(label for limit, label in AGES if limit is None or age < limit)
        table[kind][label] += 1
    return {str(kind.label): row for kind, row in table.items()}


@dataclass(frozen=True)
class TimeRow:
    group: str  # a kind, or an operator's name
    requests: int
    response_median: float | None  # hours
    response_mean: float | None
    resolution_median: float | None
    resolution_mean: float | None


def _hours(values: list[float]) -> tuple[float | None, float | None]:
    if not values:
        return None, None
    return round(statistics.median(values), 2), round(statistics.fmean(values), 2)


def times(period: Period) -> tuple[list[TimeRow], list[TimeRow]]:
    """First-response and resolution hours by kind and by operator."""
    by_kind: dict[str, list[Ticket]] = defaultdict(list)
    by_operator: dict[str, list[Ticket]] = defaultdict(list)
    calendar = working_calendar()

    def hours(start: datetime, end: datetime) -> float:
        return calendar.working_time_between(start, end).total_seconds() / 3600

    for ticket in _tickets(period):
        by_kind[str(ticket.kind.label)].append(ticket)
        if ticket.assignee is not None:
            by_operator[ticket.assignee.full_name or ticket.assignee.email].append(ticket)

    def rows(groups: dict[str, list[Ticket]]) -> list[TimeRow]:
        found = []
        for group, tickets in sorted(groups.items()):
            response = [hours(t.received_at or t.submitted_at, t.first_response_at) for t in tickets
                        if t.first_response_at]
            resolution = [hours(t.received_at or t.submitted_at, t.resolved_at) for t in tickets if t.resolved_at]
            found.append(TimeRow(group, len(tickets), *_hours(response), *_hours(resolution)))
        return found

    return rows(by_kind), rows(by_operator)


@dataclass(frozen=True)
class IkmRow:
    month: str  # YYYY-MM, local time
    respondents: int
    index: float
    grade: str
    nrr: tuple[float, ...]


def ikm(period: Period) -> list[IkmRow]:
    """The satisfaction index of the ratings given in each month of the period."""
    months: dict[str, list[tuple[int, ...]]] = defaultdict(list)
    query = sa.select(Rating.created_at, *(getattr(Rating, c) for c in SCORE_COLUMNS)).where(
        Rating.created_at >= period.since, Rating.created_at < period.until)
    for created_at, *scores in db.session.execute(query):
        months[to_local(created_at).strftime("%Y-%m")].append(tuple(scores))
    found = []
    for month, responses in sorted(months.items()):
        index = compute(responses)
        found.append(IkmRow(month, index.respondents, index.index, index.grade, tuple(round(v, 2) for v in index.nrr)))
    return found


ELEMENT_NAMES = ELEMENTS


@dataclass(frozen=True)
class ComplaintRow:
    group: str  # a cause, a unit or a month
    complaints: int
    followed_up: int
    follow_up_median: float | None  # working hours from arrival to the first follow-up
    promise_missed: int  # followed up after the promised day, or not yet and the day has passed


def complaints(period: Period) -> dict[str, list[ComplaintRow]]:
    """Complaints of the period by cause (as the operators found it), by unit referred to, and by month."""
    from consultation.models import ComplaintHandling

    calendar = working_calendar()
    today = to_local(clock.now()).date()
    tickets = [t for t in _tickets(period) if t.kind is RequestKind.COMPLAINT]
    handling = {h.ticket_id: h for h in db.session.scalars(sa.select(ComplaintHandling).where(
        ComplaintHandling.ticket_id.in_([t.id for t in tickets])))} if tickets else {}
    groups: dict[str, dict[str, list[Ticket]]] = {"cause": defaultdict(list), "unit": defaultdict(list),
                                                  "month": defaultdict(list)}
    for ticket in tickets:
        found = handling.get(ticket.id)
        groups["cause"][str(found.cause.label) if found else _("Cause not recorded yet")].append(ticket)
        groups["unit"][(found.referred_unit if found else "") or _("Not referred")].append(ticket)
        groups["month"][to_local(ticket.submitted_at).strftime("%Y-%m")].append(ticket)

    def row(group: str, members: list[Ticket]) -> ComplaintRow:
        hours, missed = [], 0
        for ticket in members:
            found = handling.get(ticket.id)
            told = found.followed_up_at if found else None
            if told is not None:
                hours.append(calendar.working_time_between(ticket.received_at or ticket.submitted_at, told)
                             .total_seconds() / 3600)
            promised = found.follow_up_due if found else None
            if promised is not None and ((told is None and promised < today) or
                                         (told is not None and to_local(told).date() > promised)):
                missed += 1
        median = round(statistics.median(hours), 2) if hours else None
        return ComplaintRow(group, len(members), len(hours), median, missed)

    return {name: [row(group, members) for group, members in sorted(by.items())] for name, by in groups.items()}
