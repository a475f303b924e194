"""The dev timer, ``flask sweep`` and the production scheduler (RQ on Redis) run the same list of jobs."""

from __future__ import annotations

import threading
import uuid

import pytest

from core import sweeps
from core.jobs import cron_scheduler, run_worker, scheduled_names
from tests.support import servers


@pytest.fixture
def app_config(app_config):
    return dict(app_config, STATDESK_REDIS_URL=servers.redis_url(),
                STATDESK_JOB_QUEUE=f"statdesk-test-{uuid.uuid4().hex[:8]}")


@pytest.fixture
def recorder(monkeypatch):
    """Each runner's list: the names it hands to ``sweeps.run_one`` (which still runs the job)."""
    lists: dict[str, list[str]] = {}
    current = {"runner": None}
    real = sweeps.run_one

    def recording(app, sweep):
        lists.setdefault(current["runner"], []).append(sweep.name)
        return real(app, sweep)

    monkeypatch.setattr(sweeps, "run_one", recording)
    return lists, current


def test_the_three_runners_run_the_same_jobs_in_the_same_order(app, redis, recorder, monkeypatch):
    lists, current = recorder
    declared = [sweep.name for sweep in sweeps.declared(app)]

    current["runner"] = "flask sweep"
    assert app.test_cli_runner().invoke(args=["sweep"]).exit_code == 0

    current["runner"] = "dev timer"
    last_ran = threading.Event()
    real = sweeps.run_one

    def until_last(app_, sweep):
        result = real(app_, sweep)
        if sweep.name == declared[-1]:
            last_ran.set()
        return result

    monkeypatch.setattr(sweeps, "run_one", until_last)  # still recording underneath
    thread = sweeps.start_timer(app, interval_seconds=0.05)
    try:
        assert last_ran.wait(10)
    finally:
        thread.stop.set()
        thread.join(5)
    lists["dev timer"] = lists["dev timer"][:len(declared)]

    current["runner"] = "production scheduler"
    scheduler = cron_scheduler(app, redis)
    assert scheduled_names(scheduler) == declared
    scheduler.enqueue_jobs()
    with app.app_context():
        run_worker(app, redis, burst=True)

    assert lists == {"flask sweep": declared, "dev timer": declared, "production scheduler": declared}
    assert declared[0] == "outbox.deliver" and len(declared) == len(set(declared)) >= 6


def test_flask_jobs_scheduler_and_worker_run_every_declared_job(app, redis, tmp_path):
    """The commands a production host runs, as processes: RQ's cron scheduler enqueues, a worker runs."""
    import os
    import subprocess
    import sys
    import time

    from rq.cron import CronScheduler
    from rq.job import Job

    queue = app.config["STATDESK_JOB_QUEUE"]
    declared = [sweep.name for sweep in sweeps.declared(app)]
    env = dict(os.environ, FLASK_APP="app", STATDESK_ENV="testing", DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"],
               SECRET_KEY=app.config["SECRET_KEY"], STATDESK_REDIS_URL=app.config["STATDESK_REDIS_URL"],
               STATDESK_JOB_QUEUE=queue, STATDESK_STORAGE_DIR=str(tmp_path / "storage"),
               STATDESK_SEARCH_DIR=str(tmp_path / "search"))
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    processes = [subprocess.Popen([sys.executable, "-m", "flask", "jobs", command], cwd=root, env=env,
                                  stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
                 for command in ("scheduler", "worker")]

    def finished(name: str) -> bool:
        ids = [i.decode() for i in redis.zrange(f"rq:cron_job:{queue}:{name}:jobs", 0, -1)]
        return any(Job.fetch(i, connection=redis).get_status() == "finished" for i in ids)

    try:
        deadline = time.monotonic() + 60
        while not all(finished(name) for name in declared):
            if any(process.poll() is not None for process in processes) or time.monotonic() > deadline:
                errors = [p.stderr.read().decode()[-2000:] for p in processes if p.poll() is not None]
                pytest.fail(f"not every job ran; finished: {[n for n in declared if finished(n)]}; {errors}")
            time.sleep(0.1)
        schedulers = [s for s in CronScheduler.all(redis) if s.get_jobs() and
                      s.get_jobs()[0].queue_name == queue]
        assert [[job.args[0] for job in s.get_jobs()] for s in schedulers] == [declared]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(5)
            process.stderr.close()
