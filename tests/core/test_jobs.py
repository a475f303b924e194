"""Periodic sweeps through the Redis job queue, as on several hosts."""

from __future__ import annotations

import uuid

import pytest
from redis import Redis

from core.cli import register_sweep
from core.jobs import run_worker, schedule_tick, sweep_name
from core.mail import MemoryTransport
from tests.core.test_outbox import _queue
from tests.support import servers

T = 1_790_000_000.0  # any instant; ticks are whole multiples of STATDESK_SWEEP_SECONDS


@pytest.fixture
def app_config(app_config):
    return dict(app_config, STATDESK_REDIS_URL=servers.redis_url(),
                STATDESK_JOB_QUEUE=f"statdesk-test-{uuid.uuid4().hex[:8]}",
                STATDESK_MAIL_TRANSPORT=MemoryTransport())


@pytest.fixture
def redis(app):
    connection = Redis.from_url(app.config["STATDESK_REDIS_URL"])
    yield connection
    for key in connection.scan_iter(f"*{app.config['STATDESK_JOB_QUEUE']}*"):
        connection.delete(key)


@pytest.fixture
def counted_sweep(app):
    runs = []

    def count_runs():
        runs.append(1)
        return len(runs)

    register_sweep(app, count_runs)
    return runs


def test_schedulers_on_several_hosts_enqueue_each_sweep_once_per_tick(app, redis, counted_sweep):
    first = schedule_tick(app, redis, now=T)
    second = schedule_tick(app, redis, now=T + 1)  # another host, same tick
    assert sweep_name(counted_sweep_fn(app)) in first and second == []
    with app.app_context():
        run_worker(app, redis, burst=True)
    assert counted_sweep == [1]


def test_the_next_tick_runs_the_sweep_again(app, redis, counted_sweep):
    every = app.config["STATDESK_SWEEP_SECONDS"]
    schedule_tick(app, redis, now=T)
    schedule_tick(app, redis, now=T + every)
    with app.app_context():
        run_worker(app, redis, burst=True)
    assert counted_sweep == [1, 1]


def test_a_worker_delivers_the_outbox(app, redis):
    _queue(app, recipient="warga@example.org")
    schedule_tick(app, redis, now=T)
    with app.app_context():
        run_worker(app, redis, burst=True)
    assert [m["To"] for m in app.config["STATDESK_MAIL_TRANSPORT"].sent] == ["warga@example.org"]


def test_a_failing_sweep_is_kept_as_failed_and_the_others_still_run(app, redis, counted_sweep):
    def broken():
        raise RuntimeError("reminder template missing")

    register_sweep(app, broken)
    schedule_tick(app, redis, now=T)
    with app.app_context():
        run_worker(app, redis, burst=True)
    from rq import Queue
    from rq.job import Job

    failed = Queue(app.config["STATDESK_JOB_QUEUE"], connection=redis).failed_job_registry
    assert counted_sweep == [1]
    assert [Job.fetch(job_id, connection=redis).args for job_id in failed.get_job_ids()] == [(sweep_name(broken),)]


def test_the_commands_say_what_is_missing_without_redis(app_config, tmp_path):
    from app import create_app

    app = create_app(dict(app_config, STATDESK_REDIS_URL=""))
    result = app.test_cli_runner().invoke(args=["jobs", "scheduler", "--once"])
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


def counted_sweep_fn(app):
    return [s for s in app.extensions["statdesk_sweeps"] if s.__name__ == "count_runs"][0]
