"""Routing simulation: our assignment engine against plain round-robin, and decision latency.

A month of synthetic demand (3,000+ requests: daily peaks, quiet weekends, a public
holiday) meets a dozen operators with a realistic roster and service-time spread.
Both policies see the same arrival stream and the same operators; operators work
their items one at a time, first in first out, and only while on duty.

* ours: the real ``roster.engine`` on a migrated SQLite database (submit on arrival,
  release on completion, drain when a shift starts);
* round-robin: each request goes at once to the next operator who serves its kind.

Then decision latency of ``engine.submit`` with 200 operators and 50,000 open items.
Prints the figures and writes them to ``docs/benchmarks.md`` (section "Routing").

    .venv/bin/python benchmarks/routing_sim.py [--seed 7] [--latency-samples 400]
"""

from __future__ import annotations

import argparse
import math
import os
import random
import statistics
import sys
import tempfile
import time as timer
from collections import defaultdict, deque
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.sections import write_section  # noqa: E402

START = date(2026, 11, 30)  # a Monday; the month includes Christmas Day (Friday 25 December)
DAYS = 28
KINDS = {"data": 0.5, "metadata": 0.2, "classification": 0.15, "complaint": 0.15}
RESPONSE_SLA = {"data": 8, "metadata": 8, "classification": 8, "complaint": 4}  # working hours
QUOTA = 4
# Twelve operators: (kinds, shifts as (start hour, end hour) on Mon–Fri, speed factor)
OPERATORS = [
    ("data,metadata", [(8, 16)], 1.0), ("data,metadata", [(8, 16)], 1.3), ("data", [(8, 12)], 0.8),
    ("data,classification", [(8, 16)], 1.0), ("data,complaint", [(8, 12), (13, 16)], 1.1),
    ("metadata,classification", [(8, 16)], 0.9), ("classification,complaint", [(8, 16)], 1.2),
    ("complaint,data", [(12, 16)], 1.0), ("data,metadata,classification", [(8, 12)], 1.5),
    ("data", [(8, 16)], 0.7), ("metadata,complaint", [(8, 12), (13, 16)], 1.0),
    ("data,classification", [(12, 16)], 1.1),
]


@dataclass
class Request:
    id: int
    kind: str
    arrives: datetime
    work: float  # minutes of work at speed 1.0
    due: datetime | None = None
    answered: datetime | None = None


@dataclass
class Operator:
    index: int
    kinds: set[str]
    shifts: list[tuple[int, int]]
    speed: float
    queue: deque = field(default_factory=deque)
    current: Request | None = None
    remaining: float = 0.0
    load_samples: list[int] = field(default_factory=list)

    def open_load(self) -> int:
        return len(self.queue) + (self.current is not None)


def demand(rng: random.Random, zone) -> list[Request]:
    """Weekday arrivals with peaks at 09–11 and 13–14; a trickle at night and at weekends."""
    hourly_weekday = [0.3] * 7 + [6, 16, 19, 17, 9, 7, 15, 11, 8, 3, 1.5, 1, 0.8, 0.6, 0.4, 0.3, 0.3][:17]
    requests, n = [], 0
    for offset in range(DAYS):
        day = START + timedelta(days=offset)
        scale = 0.08 if day.weekday() >= 5 else 1.35
        for hour, rate in enumerate(hourly_weekday):
            for _ in range(_poisson(rng, rate * scale)):
                n += 1
                at = datetime.combine(day, clock_time(hour, rng.randrange(60)), zone)
                kind = rng.choices(list(KINDS), weights=list(KINDS.values()))[0]
                work = min(rng.lognormvariate(math.log(16), 0.6), 180)
                requests.append(Request(n, kind, at.astimezone(UTC), work))
    return sorted(requests, key=lambda r: r.arrives)


def _poisson(rng: random.Random, lam: float) -> int:
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def on_duty(operator: Operator, local: datetime, calendar) -> bool:
    if local.weekday() >= 5 or calendar.is_holiday(local.date()):
        return False
    return any(start <= local.hour < end for start, end in operator.shifts)


class RoundRobin:
    """Each request at once to the next operator who serves its kind (``on_duty_first``: among those on duty)."""

    def __init__(self, operators, calendar=None, zone=None, on_duty_first: bool = False):
        self.operators, self.turn = operators, defaultdict(int)
        self.calendar, self.zone, self.on_duty_first = calendar, zone, on_duty_first

    def arrive(self, request: Request) -> None:
        serving = [op for op in self.operators if request.kind in op.kinds]
        if self.on_duty_first:
            local = request.arrives.astimezone(self.zone)
            serving = [op for op in serving if on_duty(op, local, self.calendar)] or serving
        chosen = serving[self.turn[request.kind] % len(serving)]
        self.turn[request.kind] += 1
        chosen.queue.append(request)

    def completed(self, request: Request) -> None:
        pass

    def shift_started(self) -> None:
        pass

    def pending(self) -> int:
        return 0


class Engine:
    """Drives the real engine; operators' queues follow its decisions."""

    def __init__(self, app, operators, user_ids, requests):
        from roster import engine

        self.app, self.engine, self.operators = app, engine, operators
        self.by_user = dict(zip(user_ids, operators, strict=True))
        self.requests = {r.id: r for r in requests}
        self.timings: list[float] = []

    def _follow(self, decisions) -> None:
        for decision in decisions:
            if decision.operator_id is not None and decision.outcome.value == "assigned":
                self.by_user[decision.operator_id].queue.append(self.requests[int(decision.work_item.item_id)])

    def arrive(self, request: Request) -> None:
        from core.extensions import db

        started = timer.perf_counter()
        decision = self.engine.submit(self.engine.Routable("sim", request.id, request.kind))
        db.session.commit()
        self.timings.append(timer.perf_counter() - started)
        self._follow([decision])

    def completed(self, request: Request) -> None:
        from core.extensions import db

        self._follow(self.engine.release("sim", request.id))
        db.session.commit()

    def shift_started(self) -> None:
        from core.extensions import db

        self._follow(self.engine.drain_queue())
        db.session.commit()

    def pending(self) -> int:
        import sqlalchemy as sa

        from core.extensions import db
        from roster.models import WorkItem, WorkStatus

        return db.session.scalar(sa.select(sa.func.count()).select_from(WorkItem)
                                 .where(WorkItem.status == WorkStatus.QUEUED))


def simulate(policy, operators, requests, calendar, zone) -> None:
    """Minute by minute through the month; operators work FIFO while on duty."""
    from core import clock

    arrivals = deque(requests)
    now = datetime.combine(START, clock_time(0), zone).astimezone(UTC)
    end = now + timedelta(days=DAYS + 14)
    previous_duty = set()
    while now < end and (arrivals or any(op.open_load() for op in operators) or policy.pending()):
        local = now.astimezone(zone)
        with clock.frozen(now):
            duty = {op.index for op in operators if on_duty(op, local, calendar)}
            if duty - previous_duty:
                policy.shift_started()
            previous_duty = duty
            while arrivals and arrivals[0].arrives <= now:
                policy.arrive(arrivals.popleft())
            for op in operators:
                if op.index not in duty:
                    continue
                if op.current is None and op.queue:
                    op.current = op.queue.popleft()
                    op.remaining = op.current.work * op.speed
                if op.current is not None:
                    op.remaining -= 1
                    if op.remaining <= 0:
                        done, op.current = op.current, None
                        done.answered = now
                        policy.completed(done)
            if local.minute == 0 and duty:
                for op in operators:
                    op.load_samples.append(op.open_load())
        now += timedelta(minutes=1)


def summarise(name, operators, requests, calendar) -> dict:
    answered = [r for r in requests if r.answered]
    within = sum(1 for r in answered if r.answered <= r.due)
    waits = sorted((r.answered - r.arrives).total_seconds() / 3600 for r in answered)
    working_waits = sorted(calendar.working_time_between(r.arrives, r.answered).total_seconds() / 3600
                           for r in answered)
    per_operator = [statistics.mean(op.load_samples) for op in operators]
    return {
        "policy": name,
        "requests": len(requests),
        "answered": len(answered),
        "sla": within / len(requests),
        "p95_wait_h": _percentile(waits, 95),
        "p95_working_wait_h": _percentile(working_waits, 95),
        "peak_open_load": max(max(op.load_samples) for op in operators),
        "mean_open_load": statistics.mean(per_operator),
        "max_mean_ratio": max(per_operator) / statistics.mean(per_operator),
    }


def _percentile(values, pct):
    if not values:
        return float("nan")
    return values[min(len(values) - 1, math.ceil(pct / 100 * len(values)) - 1)]


def build_app(path: str):
    from flask_migrate import upgrade

    from app import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "STATDESK_ENV": "testing", "TESTING": True,
                      "STATDESK_STORAGE_DIR": os.path.dirname(path), "STATDESK_DEFAULT_QUOTA": QUOTA,
                      "SECRET_KEY": "benchmark-secret-key-long-enough-0123456789"})
    with app.app_context():
        upgrade()
    return app


def make_operators(count: int, spec) -> list[int]:
    """Create operators with weekday shifts and state rows directly (fast); returns their ids."""
    from accounts.models import Role, User, UserRole
    from core.extensions import db
    from roster.models import DutyShift, OperatorState

    ids = []
    for n in range(count):
        kinds, shifts, _ = spec(n)
        user = User(email=f"op{n}@sim.example.org", full_name=f"Operator {n}", roles=[UserRole(role=Role.OPERATOR)])
        db.session.add(user)
        db.session.flush()
        for weekday in range(7 if count > 50 else 5):
            for start, end in shifts:
                db.session.add(DutyShift(operator_id=user.id, weekday=weekday, starts=clock_time(start),
                                         ends=clock_time(end) if end < 24 else clock_time(23, 59), kinds=kinds))
        db.session.add(OperatorState(operator_id=user.id, assignments=0))
        ids.append(user.id)
    db.session.commit()
    return ids


def compare(seed: int) -> list[dict]:
    from roster.calendar import WorkingCalendar

    calendar = WorkingCalendar("Asia/Jakarta", "mon-fri 08:00-16:00")
    zone = calendar.zone
    results = []
    for name in ("round-robin", "round-robin on duty", "ours"):
        requests = demand(random.Random(seed), zone)
        for request in requests:
            request.due = calendar.add_working_time(request.arrives, timedelta(hours=RESPONSE_SLA[request.kind]))
        operators = [Operator(i, set(k.split(",")), s, f) for i, (k, s, f) in enumerate(OPERATORS)]
        if name.startswith("round-robin"):
            policy = RoundRobin(operators, calendar, zone, on_duty_first=name.endswith("on duty"))
            simulate(policy, operators, requests, calendar, zone)
        else:
            with tempfile.TemporaryDirectory() as tmp:
                app = build_app(os.path.join(tmp, "sim.db"))
                with app.app_context():
                    ids = make_operators(len(OPERATORS), lambda n: OPERATORS[n])
                    simulate(Engine(app, operators, ids, requests), operators, requests, calendar, zone)
                    from core.extensions import db

                    db.engine.dispose()
        results.append(summarise(name, operators, requests, calendar))
    return results


def latency(samples: int, operators: int = 200, open_items: int = 50_000) -> dict:
    """Decision latency of ``engine.submit`` (+ commit) with many operators and open items."""
    import sqlalchemy as sa

    from core import clock
    from core.extensions import db
    from roster import engine
    from roster.models import OperatorState, WorkItem, WorkStatus

    kinds = list(KINDS)
    with tempfile.TemporaryDirectory() as tmp:
        app = build_app(os.path.join(tmp, "latency.db"))
        with app.app_context():
            app.config["STATDESK_DEFAULT_QUOTA"] = 1000
            ids = make_operators(operators, lambda n: (",".join(kinds[: 1 + n % 4]), [(0, 24)], 1.0))
            rows = [{"item_type": "load", "item_id": str(n), "kind": kinds[n % 4], "label": "",
                     "status": WorkStatus.ASSIGNED.value, "assignee_id": ids[n % operators],
                     "created_at": datetime(2026, 12, 1, tzinfo=UTC)} for n in range(open_items)]
            db.session.execute(sa.insert(WorkItem.__table__), rows)
            state = OperatorState.__table__
            db.session.execute(sa.update(state).values(open_items=open_items // operators))
            db.session.commit()
            timings, with_commit = [], []
            with clock.frozen(datetime(2026, 12, 2, 3, tzinfo=UTC)):
                for n in range(samples):
                    started = timer.perf_counter()
                    engine.submit(engine.Routable("latency", n, kinds[n % 4]))
                    decided = timer.perf_counter()
                    db.session.commit()
                    timings.append((decided - started) * 1000)
                    with_commit.append((timer.perf_counter() - started) * 1000)
            db.engine.dispose()
    timings.sort()
    with_commit.sort()
    return {"operators": operators, "open_items": open_items, "samples": samples,
            "p50_ms": statistics.median(timings), "p95_ms": _percentile(timings, 95),
            "p50_commit_ms": statistics.median(with_commit), "p95_commit_ms": _percentile(with_commit, 95)}


def report(results: list[dict], lat: dict, seed: int) -> str:
    lines = [
        "## Routing",
        "",
        f"`benchmarks/routing_sim.py --seed {seed}`: {results[0]['requests']} requests over four weeks from "
        f"{START:%d %B %Y} (weekday peaks 09–11 and 13–14, quiet weekends, Christmas Day), twelve operators "
        f"with Mon–Fri shifts, one to three kinds each, quota {QUOTA}, service time log-normal (median 16 min) "
        "times a per-operator speed factor 0.7–1.5. SLA = first response within the working-time deadline "
        "(consultations 1 working day, complaints 4 working hours). Round-robin hands each request at once to "
        "the next operator who serves its kind, whatever their duty and load; \"round-robin on duty\" rotates "
        "among those on duty when anyone is (else among all); ours is `roster.engine` on SQLite "
        "(submit, release on completion, drain at shift start). Open load is sampled hourly while anyone is on duty.",
        "",
        "| policy | SLA compliance | p95 wait for first response | p95 in working hours | peak open load "
        "| mean open load | max/mean open load across operators |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(f"| {r['policy']} | {r['sla']:.1%} | {r['p95_wait_h']:.1f} h | {r['p95_working_wait_h']:.1f} h "
                     f"| {r['peak_open_load']} | {r['mean_open_load']:.2f} | {r['max_mean_ratio']:.2f} |")
    lines += [
        "",
        f"Decision latency of `engine.submit` (duty, locks, loads, quotas, choice, decision log written), "
        f"{lat['operators']} operators on duty, {lat['open_items']:,} open items, SQLite file, "
        f"{lat['samples']} decisions: p50 {lat['p50_ms']:.2f} ms, p95 {lat['p95_ms']:.2f} ms (target ≤ 10 ms); "
        f"with the caller's commit: p50 {lat['p50_commit_ms']:.2f} ms, p95 {lat['p95_commit_ms']:.2f} ms.",
        "",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--latency-samples", type=int, default=400)
    args = parser.parse_args()
    results = compare(args.seed)
    lat = latency(args.latency_samples)
    text = report(results, lat, args.seed)
    print(text)
    write_section("Routing", text)


if __name__ == "__main__":
    main()
