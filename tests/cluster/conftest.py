"""One Statdesk cluster for the whole module set: ``ops/cluster.py`` on a throw-away PostgreSQL and Redis.

The cluster is what ``make cluster`` starts (two gunicorn hosts, two workers, the
scheduler, HAProxy), on a PostgreSQL and a Redis server of the tests' own, so
that the failover tests may stop and restart them without touching the machine's
shared servers.  It is started once per session and runs on the PostgreSQL pass.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from tests.support.own_servers import OwnPostgres, OwnRedis, wait_for
from tests.support.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
CLUSTER = ROOT / "ops" / "cluster.py"


def _four_free_ports() -> int:
    for _ in range(50):
        first = free_port()
        if all(_bindable(first + offset) for offset in (1, 2, 3)):
            return first
    raise RuntimeError("no four consecutive free loopback ports")


def _bindable(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@dataclass
class Cluster:
    port: int
    directory: Path
    env: dict[str, str]
    postgres: OwnPostgres
    redis: OwnRedis

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def host_url(self, number: int) -> str:
        return f"http://127.0.0.1:{self.port + number}"

    def pid(self, name: str) -> int:
        return int((self.directory / "pids" / f"{name}.pid").read_text())

    def secret(self, name: str) -> str:
        return (self.directory / "secrets" / name).read_text().strip()

    def log_lines(self, name: str) -> list[str]:
        path = self.directory / "logs" / f"{name}.log"
        return path.read_text(errors="replace").splitlines() if path.exists() else []

    def ready(self, url: str | None = None) -> bool:
        try:
            return requests.get(f"{url or self.url}/readyz", timeout=3).status_code == 200
        except requests.RequestException:
            return False

    def app(self):
        """An application of the cluster's site in the test process (to seed rows and read them)."""
        from app import create_app

        return create_app({
            "SQLALCHEMY_DATABASE_URI": self.env["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://"),
            "SECRET_KEY": self.secret("secret_key"), "STATDESK_SEARCH_BACKEND": "postgresql",
            "STATDESK_STORAGE_DIR": str(self.directory / "storage"),
            "STATDESK_REDIS_URL": self.env["STATDESK_REDIS_URL"],
            "STATDESK_JOB_QUEUE": "statdesk-cluster", "STATDESK_PASSWORD_HASH": "pbkdf2:sha256:1000",
            "STATDESK_BANK_CALLBACK_SECRET": self.secret("bank_callback_secret")})


@pytest.fixture(scope="session")
def cluster(request, tmp_path_factory):
    if request.config.getoption("--db") != "postgresql":
        pytest.skip("the cluster runs on PostgreSQL: it is tested on the PostgreSQL pass")
    if not (shutil.which("haproxy") or os.path.exists("/usr/sbin/haproxy")):
        pytest.skip("needs server: haproxy (make haproxy-deps installs Debian's package)")
    postgres = OwnPostgres()
    postgres.start()
    redis = OwnRedis().start()
    directory = tmp_path_factory.mktemp("cluster")
    port = _four_free_ports()
    env = {**os.environ, "CLUSTER_PORT": str(port), "CLUSTER_DIR": str(directory), "CLUSTER_DEMO": "0",
           "DATABASE_URL": postgres.database_url("statdesk"), "STATDESK_REDIS_URL": redis.url,
           "STATDESK_WEB_WORKERS": "1", "STATDESK_WEB_THREADS": "4", "STATDESK_SWEEP_SECONDS": "5"}
    started = subprocess.run([sys.executable, str(CLUSTER), "up"], env=env, cwd=ROOT, capture_output=True,
                             text=True, timeout=300, check=False)
    handle = Cluster(port, directory, env, postgres, redis)
    try:
        assert started.returncode == 0, started.stdout[-3000:] + started.stderr[-3000:]
        yield handle
    finally:
        subprocess.run([sys.executable, str(CLUSTER), "down"], env=env, cwd=ROOT, capture_output=True,
                       timeout=120, check=False)
        redis.stop()
        postgres.remove()


@pytest.fixture(scope="session")
def site(cluster):
    """A consumer and a paid publication with a file, put in through the cluster's database and storage."""
    from tests.catalog.conftest import ItemMaker
    from tests.support.factories import UserMaker

    app = cluster.app()
    users = UserMaker(app)
    consumer = users.make("consumer")
    item_id = ItemMaker(app).make(title="Penduduk Lombok Timur Menurut Kecamatan 2024", access="paid",
                                  tariff_kind="flat", tariff={"price": 150_000},
                                  files={"penduduk-lombok-timur.pdf": b"%PDF-1.4 cluster smoke file"})
    from search_index.cli import rebuild_and_verify

    with app.app_context():
        rebuild_and_verify()  # as `flask search reindex` after loading data
    wait_for(lambda: cluster.ready(), what="the cluster to be ready after seeding")
    return {"app": app, "consumer": consumer, "password": users.PASSWORD, "item_id": item_id}
