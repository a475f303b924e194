"""Periodic sweeps on several hosts, through a job queue on Redis (RQ).

The development server runs the sweeps in a timer thread
(``STATDESK_BACKGROUND_SWEEPS``).  A production site with several hosts sets
``STATDESK_REDIS_URL`` and runs ``flask jobs scheduler`` (on one host or on all of
them) and ``flask jobs worker`` (on as many hosts as it likes):

- every ``STATDESK_SWEEP_SECONDS`` the scheduler claims the current tick of each
  sweep with an atomic ``SET NX`` in Redis, and only the claimant enqueues it, so
  however many schedulers run, each sweep is queued once per tick;
- a worker runs each job inside the application context.  Sweeps are idempotent
  and lock the rows they work on, so a job that is retried, or two workers busy
  at once, never send or change anything twice.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import click
from flask import current_app
from flask.cli import AppGroup

from core.cli import registered_sweeps
from core.outbox import deliver_due

jobs_cli = AppGroup("jobs", help="Background jobs on Redis (several hosts).")


class QueueNotConfigured(RuntimeError):
    """``STATDESK_REDIS_URL`` is empty: there is no queue to talk to."""


def all_sweeps(app) -> list[Callable[[], object]]:
    """Outbox delivery first, then every sweep the packages registered."""
    return [deliver_due, *registered_sweeps(app)]


def sweep_name(sweep: Callable[[], object]) -> str:
    return f"{sweep.__module__}.{sweep.__qualname__}"


def redis_connection(app):
    from redis import Redis

    url = app.config["STATDESK_REDIS_URL"]
    if not url:
        raise QueueNotConfigured("STATDESK_REDIS_URL is not set")
    return Redis.from_url(url)


def job_queue(app, connection):
    from rq import Queue

    return Queue(app.config["STATDESK_JOB_QUEUE"], connection=connection)


def schedule_tick(app, connection, now: float | None = None) -> list[str]:
    """Enqueue each sweep whose current tick nobody has claimed yet; the names enqueued."""
    every = app.config["STATDESK_SWEEP_SECONDS"]
    tick = int((time.time() if now is None else now) // every)
    queue = job_queue(app, connection)
    enqueued = []
    for sweep in all_sweeps(app):
        name = sweep_name(sweep)
        claim = f"{queue.name}:tick:{name}:{tick}"
        if connection.set(claim, "1", nx=True, ex=every * 4):
            job_id = re.sub(r"[^A-Za-z0-9_-]", "_", f"{queue.name}-{name}-{tick}")
            queue.enqueue(run_sweep, name, job_id=job_id,
                          result_ttl=every * 10, failure_ttl=7 * 24 * 3600)
            enqueued.append(name)
    return enqueued


def run_sweep(name: str) -> str:
    """The job a worker runs: the sweep called ``name``, in a fresh application context."""
    app = current_app._get_current_object()
    sweeps = {sweep_name(sweep): sweep for sweep in all_sweeps(app)}
    if name not in sweeps:
        raise LookupError(f"no sweep named {name!r} is registered")
    with app.app_context():
        return repr(sweeps[name]())


def run_worker(app, connection, burst: bool = False) -> bool:
    """Work the queue in this process (the app context stays pushed for every job)."""
    from rq import SimpleWorker

    worker = SimpleWorker([job_queue(app, connection)], connection=connection)
    return worker.work(burst=burst, with_scheduler=False, logging_level="WARNING")


def _connection_or_exit():
    try:
        return redis_connection(current_app)
    except QueueNotConfigured as exc:
        raise click.UsageError(f"{exc}: set it to the Redis the hosts share, e.g. redis://10.0.0.5:6379/0") from exc


@jobs_cli.command("scheduler")
@click.option("--once", is_flag=True, help="Enqueue the due sweeps once and exit.")
def scheduler_command(once: bool) -> None:
    """Enqueue the periodic sweeps every STATDESK_SWEEP_SECONDS (safe to run on every host)."""
    connection = _connection_or_exit()
    while True:
        enqueued = schedule_tick(current_app, connection)
        click.echo(f"enqueued {len(enqueued)} sweep(s)" + (f": {', '.join(enqueued)}" if enqueued else ""))
        if once:
            return
        time.sleep(current_app.config["STATDESK_SWEEP_SECONDS"])


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Run the queued jobs and exit.")
def worker_command(burst: bool) -> None:
    """Run queued jobs (start one per host, or more)."""
    run_worker(current_app, _connection_or_exit(), burst=burst)
