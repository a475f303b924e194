"""Visit simulation: a busy office day under "walk-in only" and under "bookings + tickets".

The same day's demand meets both: 220 visitors, each with the time they would
like to come (a morning peak around 09:30 on top of a steady flow, 08:00–15:00),
four counters, service times drawn from a log-normal (median 6 min, mean ≈ 7 min).

* walk-in only: everyone arrives when they like and takes a ticket;
* bookings + tickets: 60 % book ahead: each gets the free slot nearest the time
  they wanted (the real slots of ``visits.offer`` — office hours from the working
  calendar, ``STATDESK_VISIT_SLOT_MINUTES`` — holding ``--places`` each) and
  arrives a few minutes before it (some late); the others walk in as before.

Counters call with the real queue rule (``visits.queue.choose``, the
``STATDESK_VISIT_QUEUE_RULE`` of the app, ``booked:2`` by default); a free counter
calls whenever someone waits.  Waiting time runs from arrival (ticket) to call.
Several days (seeds) are replayed; the figures go to ``docs/benchmarks.md``
(section "Visits"), with the bookings' p95 as a ratio of walk-in only's.

    .venv/bin/python benchmarks/visits_sim.py [--days 5] [--visitors 230] [--places 8]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.sections import write_section  # noqa: E402

DAY = date(2026, 11, 24)  # a Tuesday
COUNTERS = 4
BOOKING_SHARE = 0.6
SERVICE_MEDIAN, SERVICE_SIGMA = 6.0, 0.55  # minutes; log-normal mean = median * exp(sigma² / 2) ≈ 7.0


@dataclass
class Visitor:
    id: int
    wants: datetime  # when they would like to come
    work: float  # minutes at the counter
    slot: datetime | None = None
    arrives: datetime | None = None
    called: datetime | None = None


def demand(seed: int, visitors: int, opens: datetime) -> list[Visitor]:
    rng = random.Random(seed)
    people = []
    for index in range(visitors):
        minutes = rng.gauss(90, 40) if rng.random() < 0.55 else rng.uniform(0, 420)  # 55 %: the morning peak
        minutes = min(max(minutes, 0), 420)
        work = rng.lognormvariate(math.log(SERVICE_MEDIAN), SERVICE_SIGMA)
        people.append(Visitor(index, opens + timedelta(minutes=minutes), work))
    return people


def book(people: list[Visitor], slots: list[datetime], places: int, seed: int) -> None:
    """Bookers (in the order they book) take the free slot nearest the time they wanted."""
    rng = random.Random(seed * 31 + 1)
    taken = dict.fromkeys(slots, 0)
    bookers = [p for p in people if rng.random() < BOOKING_SHARE]
    rng.shuffle(bookers)
    for person in bookers:
        free = [slot for slot in slots if taken[slot] < places]
        if not free:
            continue
        slot = min(free, key=lambda s: (abs((s - person.wants).total_seconds()), s))
        taken[slot] += 1
        person.slot = slot
        early = rng.uniform(-12, 0) if rng.random() < 0.9 else rng.uniform(0, 15)  # most come early, some late
        person.arrives = slot + timedelta(minutes=early)


def run_day(people: list[Visitor], rule: int | None) -> list[float]:
    """Four counters calling by ``visits.queue.choose``; the waits (minutes) of everyone."""
    from visits import queue

    for person in people:
        person.arrives = person.arrives or person.wants
        person.called = None
    arrivals = sorted(people, key=lambda p: (p.arrives, p.id))
    free_at = [arrivals[0].arrives] * COUNTERS
    streaks = [0] * COUNTERS
    waiting: dict[int, Visitor] = {}
    next_arrival = 0
    while next_arrival < len(arrivals) or waiting:
        counter = min(range(COUNTERS), key=lambda c: free_at[c])
        now = free_at[counter]
        if not waiting and next_arrival < len(arrivals) and arrivals[next_arrival].arrives > now:
            now = arrivals[next_arrival].arrives  # the counter idles until someone comes
        while next_arrival < len(arrivals) and arrivals[next_arrival].arrives <= now:
            person = arrivals[next_arrival]
            waiting[person.id] = person
            next_arrival += 1
        entries = [queue.Waiting(p.id, p.arrives, p.slot) for p in waiting.values()]
        chosen, streaks[counter] = queue.choose(entries, now, rule, streaks[counter])
        person = waiting.pop(chosen.id)
        person.called = now
        free_at[counter] = now + timedelta(minutes=person.work)
    return [(p.called - p.arrives).total_seconds() / 60 for p in people]


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]


def simulate(days: int, visitors: int, places: int) -> dict:
    from app import create_app
    from roster.calendar import working_calendar
    from visits import offer

    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/sim.db", "STATDESK_ENV": "testing",
                          "TESTING": True, "STATDESK_STORAGE_DIR": tmp, "STATDESK_SEARCH_DIR": tmp})
        with app.app_context():
            slots = offer.slots(DAY)
            opens = working_calendar().periods(DAY)[0][0].astimezone(UTC)
            rule = offer.policy().booked_in_a_row
            rule_text = app.config["STATDESK_VISIT_QUEUE_RULE"]
            slot_minutes = offer.policy().slot_minutes
            rows = []
            for seed in range(1, days + 1):
                people = demand(seed, visitors, opens)
                walk_only = run_day(people, rule)
                for person in people:
                    person.arrives = None
                book(people, slots, places, seed)
                booked = run_day(people, rule)
                booked_waits = [w for p, w in zip(people, booked, strict=True) if p.slot is not None]
                walk_waits = [w for p, w in zip(people, booked, strict=True) if p.slot is None]
                rows.append({"seed": seed, "walk_mean": statistics.fmean(walk_only), "walk_p95": p95(walk_only),
                             "book_mean": statistics.fmean(booked), "book_p95": p95(booked),
                             "booked_p95": p95(booked_waits), "walkin_p95": p95(walk_waits),
                             "booked": len(booked_waits)})
    return {"rows": rows, "rule": rule_text, "slot_minutes": slot_minutes, "slots": len(slots)}


def report(result: dict, visitors: int, places: int) -> str:
    rows = result["rows"]
    lines = [
        "## Visits",
        "",
        f"`benchmarks/visits_sim.py`: {len(rows)} busy days of {visitors} visitors (morning peak around 09:30), "
        f"{COUNTERS} counters, log-normal service times (median {SERVICE_MEDIAN:.0f} min), queue rule "
        f"`{result['rule']}` (the real `visits.queue.choose`). \"Bookings + tickets\": {BOOKING_SHARE:.0%} of the "
        f"same visitors book the nearest free slot ({result['slots']} slots of {result['slot_minutes']} min, "
        f"{places} places each) and come a few minutes before it; the rest walk in. Waits in minutes from "
        "arrival to call.",
        "",
        "| day | walk-in only: mean | walk-in only: p95 | bookings + tickets: mean | bookings + tickets: p95 "
        "| p95 of booked | p95 of walk-ins | booked |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in rows:
        lines.append(f"| {row['seed']} | {row['walk_mean']:.1f} | {row['walk_p95']:.1f} | {row['book_mean']:.1f} | "
                     f"{row['book_p95']:.1f} | {row['booked_p95']:.1f} | {row['walkin_p95']:.1f} | "
                     f"{row['booked']} |")
    walk_p95 = statistics.fmean(r["walk_p95"] for r in rows)
    book_p95 = statistics.fmean(r["book_p95"] for r in rows)
    lines += [
        f"| mean | {statistics.fmean(r['walk_mean'] for r in rows):.1f} | {walk_p95:.1f} | "
        f"{statistics.fmean(r['book_mean'] for r in rows):.1f} | {book_p95:.1f} | "
        f"{statistics.fmean(r['booked_p95'] for r in rows):.1f} | "
        f"{statistics.fmean(r['walkin_p95'] for r in rows):.1f} | |",
        "",
        f"Bookings + tickets: p95 wait {book_p95 / walk_p95:.2f}× that of walk-in only on the same arrivals "
        f"(lower on {sum(r['book_p95'] < r['walk_p95'] for r in rows)} of {len(rows)} days).",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=int, default=5)
    parser.add_argument("--visitors", type=int, default=220)
    parser.add_argument("--places", type=int, default=8)
    args = parser.parse_args()
    if args.visitors < 200:
        parser.error("a busy day has at least 200 visitors")
    result = simulate(args.days, args.visitors, args.places)
    text = report(result, args.visitors, args.places)
    print(text)
    write_section("Visits", text)


if __name__ == "__main__":
    main()
