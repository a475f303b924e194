"""Real servers the tests use: PostgreSQL databases, SMTP on loopback, the live site."""

from __future__ import annotations

import os
import socket
import threading
import uuid
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

POSTGRES_ENV = "STATDESK_TEST_POSTGRES_URL"


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


def redis_url() -> str:
    """A reachable Redis for the queue and shared rate-limit tests (database 15 unless told)."""
    from redis import Redis
    from redis.exceptions import RedisError

    url = os.environ.get(REDIS_ENV, "redis://127.0.0.1:6379/15")
    try:
        Redis.from_url(url, socket_connect_timeout=2).ping()
    except RedisError as exc:
        pytest.skip(f"needs server: Redis at {url} is not reachable ({exc}); set {REDIS_ENV}")
    return url


def truncate_all(engine) -> None:
    with engine.begin() as connection:
        tables = [row[0] for row in connection.execute(sa.text(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'alembic_version'"))]
        if tables:
            connection.execute(sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


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
