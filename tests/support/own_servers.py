"""Servers a test starts and stops itself (never the machine's shared Redis or PostgreSQL)."""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import tempfile
import time
from contextlib import contextmanager

import pytest

from tests.support.servers import free_port

PG_BIN = "/usr/lib/postgresql/15/bin"


def wait_for(condition, timeout: float = 30.0, interval: float = 0.05, what: str = "condition"):
    """Poll ``condition`` until it returns something true; that value (fails the test after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


def port_open(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.2)
        return sock.connect_ex(("127.0.0.1", port)) == 0


class OwnRedis:
    """A redis-server of this test's own on a loopback port; ``stop()`` and ``start()`` it at will."""

    def __init__(self) -> None:
        if not shutil.which("redis-server"):
            pytest.skip("needs server: redis-server (Debian's redis-server package)")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> OwnRedis:
        self.process = subprocess.Popen(  # noqa: S603 - fixed argv
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        wait_for(lambda: port_open(self.port), what=f"redis-server on {self.port}")
        return self

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)
        wait_for(lambda: not port_open(self.port), what="redis-server to stop")


@contextmanager
def own_redis():
    server = OwnRedis().start()
    try:
        yield server
    finally:
        server.stop()


class OwnPostgres:
    """A throw-away PostgreSQL cluster (initdb + pg_ctl) on a loopback port, restartable by the test."""

    def __init__(self) -> None:
        if not os.path.exists(f"{PG_BIN}/initdb"):
            pytest.skip(f"needs server: PostgreSQL binaries in {PG_BIN}")
        self.port = free_port()
        self.root = tempfile.mkdtemp(prefix="statdesk-pg-")
        self.data = os.path.join(self.root, "data")
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            shutil.chown(self.root, "postgres")
        self._run([f"{PG_BIN}/initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-E", "UTF8",
                   "--no-sync"])

    def database_url(self, name: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, argv: list[str]) -> None:
        if self._as_postgres:
            argv = ["runuser", "-u", "postgres", "--", *argv]
        subprocess.run(argv, check=True, capture_output=True, timeout=120)  # noqa: S603 - fixed argv

    def start(self) -> OwnPostgres:
        self._run([f"{PG_BIN}/pg_ctl", "-D", self.data, "-w", "-l", os.path.join(self.root, "log"), "-o",
                   f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off", "start"])
        return self

    def stop(self, mode: str = "fast") -> None:
        self._run([f"{PG_BIN}/pg_ctl", "-D", self.data, "-w", "-m", mode, "stop"])

    def remove(self) -> None:
        with contextlib.suppress(subprocess.CalledProcessError):
            self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
