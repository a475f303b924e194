"""Failover drills on the running cluster: a web host, a worker, PostgreSQL and Redis each fail and recover.

They share the session's cluster (tests/cluster/conftest.py); each leaves it as it found it.
"""

from __future__ import annotations

import os
import signal
import threading
import time
import uuid

import pytest
import requests
import sqlalchemy as sa
from redis import Redis

from tests.support.own_servers import wait_for

pytestmark = pytest.mark.slow


def _server_states(cluster) -> dict[str, tuple[str, int]]:
    """HAProxy's view of each web host: (status, sessions served), from its status page as CSV."""
    text = requests.get(f"http://127.0.0.1:{cluster.port + 3}/;csv", timeout=3).text
    header = text.splitlines()[0].lstrip("# ").split(",")
    states = {}
    for line in text.splitlines()[1:]:
        row = dict(zip(header, line.split(","), strict=False))
        if row.get("pxname") == "statdesk_web" and row.get("svname") in ("web1", "web2"):
            states[row["svname"]] = (row["status"], int(row["stot"] or 0))
    return states


class Load:
    """Steady reads through HAProxy from a few threads; every answer is timed and judged."""

    def __init__(self, url: str, threads: int = 3):
        self.url, self.stop = url, threading.Event()
        self.results: list[tuple[float, bool, str]] = []
        self.threads = [threading.Thread(target=self._run, daemon=True) for _ in range(threads)]

    def _run(self) -> None:
        session = requests.Session()
        while not self.stop.is_set():
            try:
                response = session.get(f"{self.url}/", timeout=10)
                ok, note = response.status_code == 200, str(response.status_code)
            except requests.RequestException as exc:
                ok, note = False, type(exc).__name__
            self.results.append((time.monotonic(), ok, note))

    def __enter__(self) -> Load:
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop.set()
        for thread in self.threads:
            thread.join(timeout=15)

    def failures(self, since: float = 0.0) -> list[tuple[float, bool, str]]:
        return [result for result in self.results if not result[1] and result[0] >= since]


def test_a_killed_web_host_costs_no_request_and_comes_back(cluster, site):
    assert wait_for(lambda: set(_server_states(cluster).values()) and all(
        status == "UP" for status, _ in _server_states(cluster).values()), what="both hosts up")
    with Load(cluster.url) as load:
        wait_for(lambda: len(load.results) > 20, what="the load to run")
        killed = cluster.pid("web1")
        os.killpg(killed, signal.SIGKILL)
        wait_for(lambda: _server_states(cluster)["web1"][0].startswith("DOWN"), what="HAProxy to mark web1 down")
        marked_down = time.monotonic()
        wait_for(lambda: _server_states(cluster)["web1"][0] == "UP", timeout=90, what="web1 back up")
        assert cluster.pid("web1") != killed  # the supervisor started a new host
        served = _server_states(cluster)["web1"][1]
        wait_for(lambda: _server_states(cluster)["web1"][1] > served + 5, what="web1 to take traffic again")
    assert len(load.results) > 50
    assert load.failures(since=marked_down) == []
    # before HAProxy marks it down, a request on the dying host is retried on the other (retry-on, redispatch)
    assert len(load.failures()) <= 3, load.failures()


def test_a_worker_killed_mid_job_leaves_the_job_done_once(cluster, site):
    from core.extensions import db
    from core.jobs import enqueue
    from core.models import AuditEntry
    from tests.cluster.jobs import ACTION, effect_once

    app = site["app"]
    redis = Redis.from_url(cluster.env["STATDESK_REDIS_URL"])
    marker = f"drill-{uuid.uuid4().hex[:8]}"
    with app.test_request_context():
        job = enqueue(effect_once, marker)
    first = int(wait_for(lambda: redis.lindex(f"{marker}:started", 0), what="a worker to start the job"))
    assert first in (cluster.pid("worker1"), cluster.pid("worker2"))
    os.kill(first, signal.SIGKILL)  # mid-job: its transaction is open, nothing committed
    second = int(wait_for(lambda: redis.lindex(f"{marker}:started", 1), timeout=60,
                          what="the job to be taken back and started again"))
    assert second != first
    redis.rpush(f"{marker}:go", "1")
    wait_for(lambda: job.get_status(refresh=True).value == "finished", timeout=60, what="the job to finish")
    assert job.return_value() == "done"
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(
            AuditEntry.action == ACTION, AuditEntry.object_id == marker)) == 1


def test_the_site_recovers_from_a_postgresql_restart_without_a_hand(cluster, site):
    cluster.postgres.stop("fast")
    try:
        answer = requests.get(f"{cluster.host_url(1)}/readyz", timeout=10)
        # the search backend lives in the same database, so it is named too
        assert answer.status_code == 503 and answer.json()["failed"] == ["database", "search"]
    finally:
        cluster.postgres.start()
    wait_for(lambda: cluster.ready(cluster.host_url(1)) and cluster.ready(cluster.host_url(2)), timeout=30,
             what="both hosts ready again")
    for _ in range(6):  # every pooled connection of both hosts was cut; each is replaced on its first use
        response = requests.get(f"{cluster.url}/api/v1/search?q=lombok", timeout=10)
        assert response.status_code == 200 and response.json()["total"] >= 1


def test_reads_keep_working_while_redis_restarts(cluster, site):
    cluster.redis.stop()
    try:
        assert requests.get(f"{cluster.host_url(2)}/readyz", timeout=10).json()["failed"] == ["redis"]
        for path in ("/api/v1/search?q=lombok", "/login", "/"):
            assert requests.get(f"{cluster.url}{path}", timeout=10).status_code == 200, path
    finally:
        cluster.redis.start()
    wait_for(lambda: cluster.ready(), timeout=30, what="the site ready once Redis is back")
