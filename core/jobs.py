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

Requests queue work with ``enqueue(function, *args)`` (usually as an after-commit
effect): the job carries the request's id (``core.logs``) in its metadata, so its
log lines in the worker carry the same id, and it is retried up to
``JOB_RETRIES`` times.  Without ``STATDESK_REDIS_URL`` nothing is queued and the
periodic jobs do the work at their next run.

A worker killed mid-job (SIGKILL, a lost host) leaves the job in RQ's started
registry.  A worker started with ``--name`` under the name of the one that died on
this host takes its jobs back at once and queues them again (RQ itself would do
so only after the dead worker's heartbeat expires, a minute or more later); the
jobs' effects commit in one transaction with their own "done" mark, so a job
re-run after a kill has its effect once.
"""

from __future__ import annotations

import logging
import os
import socket

import click
from flask import current_app
from flask.cli import AppGroup

from core import logs, sweeps

jobs_cli = AppGroup("jobs", help="Periodic jobs on Redis: RQ's cron scheduler and workers (several hosts).")

FAILED_JOB_TTL = 7 * 24 * 3600  # a week to look at a failed job
JOB_RETRIES = 3
log = logging.getLogger(__name__)


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


def enqueue(function, *args):
    """Queue ``function(*args)`` for a worker, stamped with the current request id; the job, or None.

    ``function`` must be importable by the worker (a module-level function).  Without a
    configured Redis nothing is queued (the periodic jobs catch up).
    """
    from rq import Retry

    app = current_app._get_current_object()
    if not app.config["STATDESK_REDIS_URL"]:
        return None
    job = job_queue(app, redis_connection(app)).enqueue(
        function, *args, meta={"request_id": logs.current_request_id()}, retry=Retry(max=JOB_RETRIES),
        failure_ttl=FAILED_JOB_TTL)
    log.info("job queued", extra={"job_id": job.id, "job": job.func_name})
    return job


def current_runner() -> str:
    """Who runs the current code: the RQ worker's name inside a job, else ``host:pid`` of this process."""
    from rq import get_current_job

    job = get_current_job()
    if job is not None and job.worker_name:
        return job.worker_name
    return f"{socket.gethostname()}:{os.getpid()}"


def _worker_class():
    from rq import SimpleWorker

    class Worker(SimpleWorker):
        """RQ's in-process worker that runs each job under the request id it was queued with."""

        def execute_job(self, job, queue):
            with logs.request_id_bound(job.meta.get("request_id", "")):
                log.info("job started", extra={"job_id": job.id, "job": job.func_name, "worker": self.name})
                try:
                    return super().execute_job(job, queue)
                finally:
                    log.info("job ended", extra={"job_id": job.id, "job": job.func_name,
                                                 "status": getattr(job.get_status(refresh=True), "value", "")})

    return Worker


def _pid_key(name: str) -> str:
    return f"statdesk:worker-process:{name}"


def take_back(connection, queue, name: str) -> list[str]:
    """Queue again the jobs that the dead worker called ``name`` had started; their ids."""
    from rq.executions import Execution
    from rq.job import Job, JobStatus

    registry = queue.started_job_registry
    taken = []
    for job_id, execution_id in registry.get_job_and_execution_ids(cleanup=False):
        execution = Execution.fetch(execution_id, job_id, connection)
        if execution.worker_name != name:
            continue
        job = Job.fetch(job_id, connection=connection)
        with connection.pipeline() as pipeline:
            registry.remove_execution(execution, job, pipeline=pipeline)
            if job.retries_left:
                job.retry(queue, pipeline)
            else:
                job.set_status(JobStatus.FAILED, pipeline=pipeline)
                job._handle_failure(f"worker {name} died running it and no retry is left", pipeline,
                                    worker_name=name)
            pipeline.execute()
        log.warning("job taken back from a dead worker", extra={"job_id": job_id, "worker": name})
        taken.append(job_id)
    return taken


def _claim_name(connection, queue, name: str) -> None:
    """Make ``name`` this process's, taking back the jobs of a predecessor of that name that died here."""
    here = socket.gethostname()
    previous = connection.get(_pid_key(name))
    if previous:
        host, _, pid = previous.decode().rpartition(":")
        if host != here:
            raise click.UsageError(f"worker name {name!r} belongs to a worker on {host}; give each its own")
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            pass  # that worker died: its name, and its jobs, are free
        else:
            if int(pid) != os.getpid():
                raise click.UsageError(f"worker {name!r} runs already (process {pid})")
        from rq import Worker

        connection.delete(Worker.redis_worker_namespace_prefix + name)
        take_back(connection, queue, name)
    connection.set(_pid_key(name), f"{here}:{os.getpid()}")


def run_worker(app, connection, burst: bool = False, name: str | None = None) -> bool:
    """Work the queue in this process (the app context stays pushed for every job)."""
    queue = job_queue(app, connection)
    if name:
        _claim_name(connection, queue, name)
    worker = _worker_class()([queue], connection=connection, name=name)
    try:
        return worker.work(burst=burst, with_scheduler=False, logging_level="WARNING")
    finally:
        if name:
            connection.delete(_pid_key(name))


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
@click.option("--name", default=None, help="A name unique to this worker on this host (e.g. web1-worker1): a "
              "worker restarted under the name of one that died takes back its unfinished jobs at once.")
def worker_command(burst: bool, name: str | None) -> None:
    """Run queued jobs (start one per host, or more)."""
    run_worker(current_app, _connection_or_exit(), burst=burst, name=name)
