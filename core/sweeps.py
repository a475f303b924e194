"""Periodic work: every job declared once, run alike by the dev timer, ``flask sweep`` and the job scheduler.

A package declares its jobs in its ``wiring.init_app``::

    from core import sweeps
    sweeps.register(app, "orders.invoice-expiry", expire_due_invoices)

Each job has a name (unique, what operators see), a function (idempotent, no
arguments, safe to run in several processes at once: it locks the rows it works
on) and an interval in seconds (``None``: ``STATDESK_SWEEP_SECONDS``).  Jobs
run in declaration order; core's wiring runs first, so the outbox is delivered
before the packages' jobs queue new mail, which the next round then sends.

Three runners read this one list, and nothing else decides what runs:

- the dev server's timer thread (``start_timer``, with ``STATDESK_BACKGROUND_SWEEPS``);
- ``flask sweep`` (``run_all``: every job once, now);
- the production scheduler, ``flask jobs scheduler`` (``core.jobs``: RQ's cron
  scheduler enqueues each job at its interval, ``flask jobs worker`` runs it).

Every runner calls ``run_one`` for each job, inside an application context.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from core import registry as slots


@dataclass(frozen=True)
class Sweep:
    """One periodic job."""

    name: str
    function: Callable[[], object]
    interval: int | None = None  # seconds between two runs; None: the site's STATDESK_SWEEP_SECONDS

    @property
    def target(self) -> str:
        """The function's dotted path (what the logs and ``flask sweep`` print next to the name)."""
        return f"{self.function.__module__}.{self.function.__qualname__}"


class SweepRegistry:
    """The application's periodic jobs, in declaration order; a name or a function is declared once."""

    def __init__(self) -> None:
        self._sweeps: dict[str, Sweep] = {}

    def add(self, sweep: Sweep) -> Sweep:
        if sweep.name in self._sweeps:
            raise ValueError(f"a periodic job named {sweep.name!r} is already declared")
        if any(known.function is sweep.function for known in self._sweeps.values()):
            raise ValueError(f"{sweep.target} is already declared as a periodic job")
        if sweep.interval is not None and sweep.interval < 1:
            raise ValueError(f"the interval of {sweep.name!r} must be at least one second")
        self._sweeps[sweep.name] = sweep
        return sweep

    def get(self, name: str) -> Sweep:
        try:
            return self._sweeps[name]
        except KeyError:
            raise LookupError(f"no periodic job named {name!r} is declared") from None

    def __iter__(self) -> Iterator[Sweep]:
        return iter(list(self._sweeps.values()))


SWEEPS: slots.Slot[SweepRegistry] = slots.Slot(
    "core.sweeps", "The application's periodic jobs (a SweepRegistry, filled through ``register``).",
    default=lambda app: SweepRegistry())


def registry(app) -> SweepRegistry:
    """The registry of ``app`` (created on first use)."""
    return SWEEPS.get(app)


def register(app, name: str, function: Callable[[], object], interval: int | None = None) -> Sweep:
    """Declare a periodic job of ``app``; raises ``ValueError`` if the name or the function is taken."""
    return registry(app).add(Sweep(name=name, function=function, interval=interval))


def declared(app) -> list[Sweep]:
    """Every periodic job of ``app``, in the order the runners run them."""
    return list(registry(app))


def interval_of(app, sweep: Sweep) -> int:
    return sweep.interval or app.config["STATDESK_SWEEP_SECONDS"]


def run_one(app, sweep: Sweep) -> object:
    """Run ``sweep`` in a fresh application context; what it returns (a count or a summary)."""
    with app.app_context():
        return sweep.function()


def run_all(app, report: Callable[[Sweep, object, BaseException | None], None] | None = None) -> list[Sweep]:
    """Run every job once, in order; one that fails does not stop the others.

    ``report(sweep, result, error)`` hears about each; returns the jobs that failed.
    """
    failed = []
    for sweep in declared(app):
        try:
            result, error = run_one(app, sweep), None
        except Exception as exc:  # the other jobs still run; the caller reports the failure
            result, error = None, exc
            failed.append(sweep)
            app.logger.exception("periodic job %s failed", sweep.name)
        if report:
            report(sweep, result, error)
    return failed


def start_timer(app, interval_seconds: float | None = None) -> threading.Thread:
    """Run every job at its interval in a daemon thread (the dev server; ``STATDESK_BACKGROUND_SWEEPS``).

    Each job first runs one interval after the start.  ``interval_seconds`` replaces every job's interval
    (tests).  ``thread.stop.set()`` ends the loop.  The jobs are idempotent, so another process running
    them as well is harmless.
    """
    jobs = declared(app)
    every = {sweep.name: interval_seconds or interval_of(app, sweep) for sweep in jobs}
    stop = threading.Event()

    def loop():
        due = {name: time.monotonic() + seconds for name, seconds in every.items()}
        while due and not stop.wait(max(0.0, min(due.values()) - time.monotonic())):
            now = time.monotonic()
            for sweep in jobs:
                if due[sweep.name] <= now:
                    due[sweep.name] = now + every[sweep.name]
                    try:
                        run_one(app, sweep)
                    except Exception:  # keep the timer alive; the error is logged
                        app.logger.exception("periodic job %s failed", sweep.name)

    thread = threading.Thread(target=loop, name="statdesk-sweeps", daemon=True)
    thread.stop = stop
    thread.start()
    return thread
