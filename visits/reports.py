"""Visit reports for a period: waiting and service times, no-shows, bookings against walk-ins, busy hours.

Computed in Python from the visits of the period (one office's visits are a few
hundred a day), so SQLite and PostgreSQL give the same figures.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from xml.sax.saxutils import escape

import sqlalchemy as sa
from flask_babel import gettext as _

from core.extensions import db
from roster.calendar import working_calendar
from visits import offer
from visits.models import Source, Visit, VisitStatus


@dataclass
class Times:
    visits: int = 0
    mean_wait: float | None = None  # minutes from ticket to call
    p95_wait: float | None = None
    mean_service: float | None = None  # minutes at the counter


def _minutes(later, earlier) -> float:
    return (later - earlier).total_seconds() / 60


def p95(values: list[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def _times(visits: list[Visit]) -> Times:
    waits = [_minutes(v.called_at, v.queued_at) for v in visits if v.called_at and v.queued_at]
    services = [_minutes(v.done_at, v.served_at) for v in visits if v.done_at and v.served_at]
    return Times(len(visits), statistics.fmean(waits) if waits else None, p95(waits),
                 statistics.fmean(services) if services else None)


@dataclass
class Report:
    first: date
    last: date
    total: int
    booked: int
    walk_in: int
    no_show: int
    no_show_rate: float | None
    by_service: list[tuple[str, Times]]
    by_counter: list[tuple[str, Times]]
    by_hour: list[tuple[int, Times]]


def build(first: date, last: date) -> Report:
    visits = db.session.scalars(sa.select(Visit).where(Visit.day >= first, Visit.day <= last,
                                                       Visit.status != VisitStatus.CANCELLED)).all()
    calendar = working_calendar()
    came = [v for v in visits if v.queued_at is not None or v.status is VisitStatus.NO_SHOW]
    no_show = [v for v in visits if v.status is VisitStatus.NO_SHOW]
    closed = [v for v in visits if v.status in (VisitStatus.DONE, VisitStatus.NO_SHOW)]
    services, counters, hours = defaultdict(list), defaultdict(list), defaultdict(list)
    for visit in came:
        services[visit.service].append(visit)
        if visit.counter is not None:
            counters[visit.counter.name].append(visit)
        if visit.queued_at is not None:
            hours[calendar.local(visit.queued_at).hour].append(visit)
    return Report(
        first, last, len(visits), sum(v.source is Source.BOOKING for v in visits),
        sum(v.source is Source.WALK_IN for v in visits), len(no_show),
        len(no_show) / len(closed) if closed else None,
        [(str(offer.service(code).label), _times(rows)) for code, rows in sorted(services.items())],
        [(name, _times(rows)) for name, rows in sorted(counters.items())],
        [(hour, _times(rows)) for hour, rows in sorted(hours.items())])


def hours_chart(report: Report) -> str:
    """Arrivals per hour as an SVG bar chart: each bar carries its number and hour, so colour is not needed."""
    rows = report.by_hour
    width, height, bar, gap, top, bottom = 40 + 56 * max(len(rows), 1), 240, 40, 16, 28, 40
    peak = max((times.visits for _, times in rows), default=0) or 1
    title = escape(_("Arrivals by hour"))
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="hours-title" class="visits-chart"><title id="hours-title">{title}</title>',
             f'<line x1="20" y1="{height - bottom}" x2="{width - 10}" y2="{height - bottom}" stroke="#212529"/>']
    for index, (hour, times) in enumerate(rows):
        x = 28 + index * (bar + gap)
        h = (height - top - bottom) * times.visits / peak
        y = height - bottom - h
        parts.append(f'<rect x="{x}" y="{y:.1f}" width="{bar}" height="{h:.1f}" fill="#0b5394" '
                     f'stroke="#212529"><title>{hour:02d}:00 — {times.visits}</title></rect>')
        parts.append(f'<text x="{x + bar / 2}" y="{y - 6:.1f}" text-anchor="middle" font-size="14" '
                     f'fill="#212529">{times.visits}</text>')
        parts.append(f'<text x="{x + bar / 2}" y="{height - bottom + 18}" text-anchor="middle" font-size="13" '
                     f'fill="#212529">{hour:02d}:00</text>')
    parts.append("</svg>")
    return "".join(parts)
