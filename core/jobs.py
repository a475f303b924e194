"""The production runner of the periodic jobs (``core.sweeps``): RQ's cron scheduler and workers on Redis.

A site sets ``STATDESK_REDIS_URL`` and runs ``flask jobs scheduler`` (one
process is enough; one per host is safe) and ``flask jobs worker`` (on as many
hosts as it likes):

- the scheduler is RQ's own ``rq.cron.CronScheduler``, given every declared job
  at its interval, in declaration order; it enqueues ``run_sweep(name)`` on the
  ``STATDESK_JOB_QUEUE`` queue when a job is due;
- a worker runs each job inside the application context, through
  ``core.sweeps.run_one`` like the other runners.  A failed job stays in RQ's
  failed-job registry; the others still run.

Why ``flask jobs scheduler`` and not the ``rq cron CONFIG`` command: the jobs are
declared per application by the packages' wiring (``create_app``), while ``rq
cron`` imports a config module that must call ``rq.cron.register`` itself; the
command builds the same ``CronScheduler`` from the application's registry
instead, so the list cannot drift from the one the dev timer and ``flask sweep``
run.

RQ's cron schedulers do not coordinate with one another: two of them both
enqueue a due job.  So that schedulers on several hosts still run each job once
per interval, ``run_sweep`` first claims the job's interval slot (the job's
enqueue time divided by its interval) with an atomic ``SET NX`` in Redis, and a
job whose slot is already claimed returns without running.  The jobs are
idempotent and lock their rows anyway; the claim saves the duplicate work.
"""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from core import sweeps

jobs_cli = AppGroup("jobs", help="Periodic jobs on Redis: RQ's cron scheduler and workers (several hosts).")

FAILED_JOB_TTL = 7 * 24 * 3600  # a week to look at a failed job


class QueueNotConfigured(RuntimeError):
    """``STATDESK_REDIS_URL`` is empty: there is no queue to talk to."""


def redis_connection(app):
    from redis import Redis

    url = app.config["STATDESK_REDIS_URL"]
    if not url:
        raise QueueNotConfigured("STATDESK_REDIS_URL is not set")
    return Redis.from_url(url)


def job_queue(app, connection):
    from rq import Queue

    return Queue(app.config["STATDESK_JOB_QUEUE"], connection=connection)


def cron_scheduler(app, connection):
    """RQ's cron scheduler holding every declared job of ``app``, in declaration order (not started)."""
    from rq.cron import CronScheduler

    queue = app.config["STATDESK_JOB_QUEUE"]
    scheduler = CronScheduler(connection=connection, logging_level="WARNING")
    for sweep in sweeps.declared(app):
        every = sweeps.interval_of(app, sweep)
        scheduler.register(run_sweep, queue, args=(sweep.name,), interval=every, name=f"{queue}:{sweep.name}",
                           result_ttl=every * 10, failure_ttl=FAILED_JOB_TTL)
    return scheduler


def scheduled_names(scheduler) -> list[str]:
    """The names of the declared jobs ``scheduler`` enqueues, in its order."""
    return [cron_job.args[0] for cron_job in scheduler.get_jobs()]


def run_sweep(name: str) -> str:
    """The job a worker runs: the periodic job called ``name``, unless its interval slot is already taken."""
    from rq import get_current_job

    app = current_app._get_current_object()
    sweep = sweeps.registry(app).get(name)
    job = get_current_job()
    if job is not None and not _claim_slot(app, sweep, job):
        return "skipped: another scheduler's job ran it in this interval"
    return repr(sweeps.run_one(app, sweep))


def _claim_slot(app, sweep: sweeps.Sweep, job) -> bool:
    every = sweeps.interval_of(app, sweep)
    slot = int(job.enqueued_at.timestamp() // every)
    key = f"statdesk:sweep-slot:{app.config['STATDESK_JOB_QUEUE']}:{sweep.name}:{slot}"
    return bool(job.connection.set(key, job.id, nx=True, ex=every * 4))


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
@click.option("--once", is_flag=True, help="Enqueue every periodic job once and exit.")
def scheduler_command(once: bool) -> None:
    """Enqueue each periodic job at its interval (RQ's cron scheduler; stop it with Ctrl-C or SIGTERM)."""
    scheduler = cron_scheduler(current_app._get_current_object(), _connection_or_exit())
    if once:
        enqueued = [cron_job.args[0] for cron_job in scheduler.enqueue_jobs()]
        click.echo(f"enqueued {len(enqueued)} job(s)" + (f": {', '.join(enqueued)}" if enqueued else ""))
        return
    click.echo("scheduling: " + ", ".join(scheduled_names(scheduler)))
    scheduler.start()


@jobs_cli.command("worker")
@click.option("--burst", is_flag=True, help="Run the queued jobs and exit.")
def worker_command(burst: bool) -> None:
    """Run queued jobs (start one per host, or more)."""
    run_worker(current_app, _connection_or_exit(), burst=burst)
