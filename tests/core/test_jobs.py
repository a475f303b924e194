"""The production scheduler of the periodic jobs (RQ's cron scheduler and workers) on a real Redis."""

from __future__ import annotations

import time
import uuid

import pytest

from core import sweeps
from core.jobs import cron_scheduler, job_queue, run_worker, scheduled_names
from core.mail import MemoryTransport
from tests.core.test_outbox import _queue
from tests.support import servers


@pytest.fixture
def app_config(app_config):
    return dict(app_config, STATDESK_REDIS_URL=servers.redis_url(),
                STATDESK_JOB_QUEUE=f"statdesk-test-{uuid.uuid4().hex[:8]}",
                STATDESK_MAIL_TRANSPORT=MemoryTransport())


@pytest.fixture
def counted_sweep(app):
    runs = []

    def count_runs():
        runs.append(1)
        return len(runs)

    sweeps.register(app, "test.count-runs", count_runs)
    return runs


def _work(app, redis) -> None:
    with app.app_context():
        run_worker(app, redis, burst=True)


def test_the_scheduler_is_rqs_cron_scheduler_with_every_declared_job_in_order(app, redis):
    from rq.cron import CronScheduler

    scheduler = cron_scheduler(app, redis)
    assert isinstance(scheduler, CronScheduler)
    assert scheduled_names(scheduler) == [sweep.name for sweep in sweeps.declared(app)]
    assert scheduled_names(scheduler)[0] == "outbox.deliver"
    assert [job.interval for job in scheduler.get_jobs()] == [sweeps.interval_of(app, s) for s in sweeps.declared(app)]
    assert {job.queue_name for job in scheduler.get_jobs()} == {app.config["STATDESK_JOB_QUEUE"]}


def test_the_scheduler_enqueues_every_job_and_a_worker_runs_them(app, redis, counted_sweep):
    enqueued = cron_scheduler(app, redis).enqueue_jobs()
    assert [job.args[0] for job in enqueued] == [sweep.name for sweep in sweeps.declared(app)]
    assert job_queue(app, redis).count == len(enqueued)
    _work(app, redis)
    assert counted_sweep == [1]
    queue = job_queue(app, redis)
    assert queue.count == 0 and queue.failed_job_registry.count == 0
    assert queue.finished_job_registry.count == len(enqueued)


def test_schedulers_on_several_hosts_run_each_job_once_per_interval(app, redis, counted_sweep):
    first, second = cron_scheduler(app, redis), cron_scheduler(app, redis)  # two hosts
    assert "test.count-runs" in [job.args[0] for job in first.enqueue_jobs()]
    assert "test.count-runs" in [job.args[0] for job in second.enqueue_jobs()]  # RQ does not coordinate them
    _work(app, redis)
    assert counted_sweep == [1]


def test_the_next_interval_runs_the_job_again(app, redis):
    runs = []
    sweeps.register(app, "test.every-second", lambda: runs.append(1), interval=1)
    scheduler = cron_scheduler(app, redis)
    assert "test.every-second" in [job.args[0] for job in scheduler.enqueue_jobs()]
    deadline = time.monotonic() + 60  # a bound for a stuck scheduler, not a speed: a busy machine is slow
    while "test.every-second" not in [job.args[0] for job in scheduler.enqueue_jobs()]:
        assert time.monotonic() < deadline, "the one-second job was not due again within 60 s"
        time.sleep(0.05)
    _work(app, redis)
    assert runs == [1, 1]


def test_a_worker_delivers_the_outbox(app, redis):
    _queue(app, recipient="warga@example.org")
    cron_scheduler(app, redis).enqueue_jobs()
    _work(app, redis)
    assert [m["To"] for m in app.config["STATDESK_MAIL_TRANSPORT"].sent] == ["warga@example.org"]


def test_a_failing_job_is_kept_as_failed_and_the_others_still_run(app, redis, counted_sweep):
    def broken():
        raise RuntimeError("reminder template missing")

    sweeps.register(app, "test.broken", broken)
    cron_scheduler(app, redis).enqueue_jobs()
    _work(app, redis)
    from rq.job import Job

    failed = job_queue(app, redis).failed_job_registry
    assert counted_sweep == [1]
    assert [Job.fetch(job_id, connection=redis).args for job_id in failed.get_job_ids()] == [("test.broken",)]


def test_the_commands_say_what_is_missing_without_redis(app_config, tmp_path):
    from app import create_app

    app = create_app(dict(app_config, STATDESK_REDIS_URL=""))
    for command in (["jobs", "scheduler", "--once"], ["jobs", "worker", "--burst"]):
        result = app.test_cli_runner().invoke(args=command)
        assert result.exit_code == 2 and "STATDESK_REDIS_URL is not set" in result.output


def test_rate_limits_are_shared_by_hosts_through_redis(app_config):
    """Two app instances (two hosts) count one client's password-reset requests together."""
    from app import create_app

    config = dict(app_config, RATELIMIT_ENABLED=True,
                  RATELIMIT_STORAGE_URI=app_config["STATDESK_REDIS_URL"],
                  RATELIMIT_KEY_PREFIX=app_config["STATDESK_JOB_QUEUE"])
    hosts = [create_app(config).test_client(), create_app(config).test_client()]
    answers = [hosts[n % 2].post("/password/forgot", data={"email": f"x{n}@example.org"}).status_code
               for n in range(12)]
    assert answers.count(429) == 2 and 429 not in answers[:10]
