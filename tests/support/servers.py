"""Real servers the tests use: PostgreSQL databases, SMTP on loopback, the live site."""

from __future__ import annotations

import itertools
import os
import re
import socket
import threading
import uuid
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import pytest
import sqlalchemy as sa

POSTGRES_ENV = "STATDESK_TEST_POSTGRES_URL"


def worker_index() -> int:
    """0 in a plain run; N for pytest-xdist's worker ``gwN`` (each worker is its own process)."""
    match = re.fullmatch(r"gw(\d+)", os.environ.get("PYTEST_XDIST_WORKER", ""))
    return int(match.group(1)) if match else 0


def migrate(app) -> None:
    """Build the schema from empty with the migrations, as production does."""
    from flask_migrate import upgrade

    from core.extensions import db

    with app.app_context():
        upgrade()
        db.engine.dispose()


def postgres_server_url() -> str:
    url = os.environ.get(POSTGRES_ENV, "")
    if not url:
        pytest.skip(f"needs server: PostgreSQL ({POSTGRES_ENV} is not set)")
    return url.replace("postgresql://", "postgresql+psycopg://", 1) if url.startswith("postgresql://") else url


@contextmanager
def postgres_database():
    """A new, empty PostgreSQL database for this run, dropped afterwards."""
    server = postgres_server_url()
    admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
    name = f"statdesk_test_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
            # a commit need not wait for its WAL to reach the disk in a throw-away database (3-8 ms saved per
            # commit here); locking and visibility are unchanged, so the concurrency tests prove the same
            connection.execute(sa.text(f'ALTER DATABASE "{name}" SET synchronous_commit = off'))
    except sa.exc.OperationalError as exc:
        admin.dispose()
        pytest.skip(f"needs server: PostgreSQL at {server} is not reachable ({exc.orig})")
    url = sa.engine.make_url(server).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


REDIS_ENV = "STATDESK_TEST_REDIS_URL"
REDIS_DEFAULT = "redis://127.0.0.1:6379/8"


def redis_url() -> str:
    """A reachable Redis database for the queue and shared rate-limit tests.

    ``STATDESK_TEST_REDIS_URL`` names the first database (8 unless told); xdist worker ``gwN`` uses the
    database N above it, so parallel workers never share one (tests also prefix their keys uniquely).
    """
    from redis import Redis
    from redis.exceptions import RedisError

    base = urlsplit(os.environ.get(REDIS_ENV, REDIS_DEFAULT))
    number = int(base.path.strip("/") or 0) + worker_index()
    url = urlunsplit(base._replace(path=f"/{number}"))
    try:
        Redis.from_url(url, socket_connect_timeout=5).ping()
    except RedisError as exc:
        pytest.skip(f"needs server: Redis database {number} at {url} is not usable ({exc}); set {REDIS_ENV} "
                    f"to a first database with one more free database per test worker")
    return url


def truncate_all(engine) -> None:
    """Empty every table and restart every sequence, as a fresh migrated database would be.

    DELETE with foreign-key triggers off (``session_replication_role``, a superuser setting) rather than
    TRUNCATE: the suite's tables hold a few rows, and TRUNCATE of some sixty tables costs over a second per
    test on a busy machine (it makes new files for each table) where DELETE costs a tenth of that.  Without
    the superuser right it falls back to TRUNCATE.
    """
    with engine.begin() as connection:
        tables = [row[0] for row in connection.execute(sa.text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"))]
        superuser = connection.execute(sa.text("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")).scalar()
        if not tables:
            return
        if not superuser:
            connection.execute(sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
            return
        connection.execute(sa.text("SET LOCAL session_replication_role = replica"))
        for table in tables:
            connection.execute(sa.text(f'DELETE FROM "{table}"'))
        connection.execute(sa.text(
            "SELECT setval(c.oid, 1, false) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind = 'S' AND n.nspname = 'public'"))


PORT_ENV = "STATDESK_TEST_PORT_BASE"
PORTS_PER_WORKER = 400
_next_port = itertools.count()


def free_port() -> int:
    """A loopback port no other test of this run is using, for a server the test starts.

    Each xdist worker takes ports from its own block below the kernel's ephemeral range (which starts at
    32768), so neither another worker nor the source port of an outgoing connection (to PostgreSQL, Redis,
    a live server) can take the port between this call and the server's bind.  ``STATDESK_TEST_PORT_BASE``
    (default 20000) moves the blocks for two runs at once on one machine.
    """
    first = int(os.environ.get(PORT_ENV, "20000")) + worker_index() * PORTS_PER_WORKER
    for _ in range(PORTS_PER_WORKER):
        port = first + next(_next_port) % PORTS_PER_WORKER
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue  # held by something else on the machine: take the next one
            return port
    raise RuntimeError(f"no free loopback port in {first}..{first + PORTS_PER_WORKER - 1}")


@contextmanager
def smtp_server():
    """A real SMTP server (aiosmtpd) on loopback; yields ``(port, received_messages)``."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received = []

    class Collect(Message):
        def handle_message(self, message):
            received.append(message)

    port = free_port()
    controller = Controller(Collect(), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()


@contextmanager
def live_server(app, port: int | None = None):
    """Serve ``app`` with Werkzeug in a thread; yields the base URL."""
    from werkzeug.serving import make_server

    port = port or free_port()
    server = make_server("127.0.0.1", port, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


CHROMIUM = os.environ.get("STATDESK_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]


@contextmanager
def chromium():
    """Debian's Chromium driven by Playwright (no browser download)."""
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"needs server: Chromium at {CHROMIUM} (make test installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()
