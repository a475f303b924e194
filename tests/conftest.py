"""Fixtures shared by the whole suite.

The suite runs on one database backend per run: ``--db=sqlite`` (default) or
``--db=postgresql`` with ``STATDESK_TEST_POSTGRES_URL`` pointing at a server.
The schema is built by the migrations once per run; each test gets a clean
database (a copy of the migrated SQLite file, or truncated PostgreSQL tables).

Tests that need a server skip with a reason starting ``needs server:`` when it
is absent; under ``CI=true`` such a skip fails the run.
"""

from __future__ import annotations

import os
import shutil
import uuid

import pytest
import sqlalchemy as sa

from app import create_app
from core.extensions import db
from core.mail import MemoryTransport
from tests.support import servers

NEEDS_SERVER = "needs server:"
_server_skips: list[str] = []
_browser_passed: list[str] = []


def pytest_addoption(parser):
    parser.addoption("--db", choices=("sqlite", "postgresql"), default="sqlite",
                     help="database backend the suite runs on")


MANUAL_ENV = "STATDESK_MANUAL_TESTS"


def pytest_collection_modifyitems(config, items):
    """Tests marked ``manual`` (far too long for CI) run only with ``STATDESK_MANUAL_TESTS=1``."""
    if os.environ.get(MANUAL_ENV) == "1":
        return
    for item in items:
        if "manual" in item.keywords:
            item.add_marker(pytest.mark.skip(reason=f"manual: too long for CI, run with {MANUAL_ENV}=1"))


def pytest_report_header(config):
    return f"statdesk database backend: {config.getoption('--db')}"


def pytest_runtest_logreport(report):
    if report.when == "call" and report.passed and "browser" in report.keywords:
        _browser_passed.append(report.nodeid)
    if report.skipped and isinstance(report.longrepr, tuple) and NEEDS_SERVER in str(report.longrepr[2]):
        _server_skips.append(f"{report.nodeid}: {report.longrepr[2]}")


def pytest_sessionfinish(session, exitstatus):
    if os.environ.get("CI") == "true" and _server_skips:
        session.exitstatus = 1


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    terminalreporter.write_line(f"statdesk: database backend {config.getoption('--db')}; "
                                f"browser tests passed: {len(_browser_passed)}")
    if os.environ.get("CI") == "true" and _server_skips:
        terminalreporter.section("skipped for a missing server under CI=true (fails the run)", red=True)
        for line in _server_skips:
            terminalreporter.write_line(line)


def base_config(tmp_path, database_url: str) -> dict:
    return {
        "TESTING": True,
        "STATDESK_ENV": "testing",
        "SECRET_KEY": "test-secret-key-that-is-long-enough-0123456789",
        "SQLALCHEMY_DATABASE_URI": database_url,
        # 20-thread concurrency tests queue for the pool's 15 connections; on a busy machine the wait can pass
        # the default 30 s, which would fail a correct test, so a queued thread waits longer.
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "pool_timeout": 120},
        "STATDESK_STORAGE_DIR": str(tmp_path / "storage"),
        "STATDESK_SEARCH_DIR": str(tmp_path / "search"),
        "STATDESK_PASSWORD_HASH": "pbkdf2:sha256:1000",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "STATDESK_MAIL_TRANSPORT": MemoryTransport(),
        "SERVER_NAME": None,
    }


@pytest.fixture(scope="session")
def backend(request) -> str:
    return request.config.getoption("--db")


@pytest.fixture(scope="session")
def migrated_database(backend, tmp_path_factory):
    """A database URL (or SQLite template file) holding the migrated schema."""
    if backend == "sqlite":
        path = tmp_path_factory.mktemp("template") / "template.db"
        url = f"sqlite:///{path}"
        servers.migrate(create_app(base_config(tmp_path_factory.mktemp("tpl"), url)))
        yield str(path)
        return
    with servers.postgres_database() as url:
        servers.migrate(create_app(base_config(tmp_path_factory.mktemp("tpl"), url)))
        yield url


@pytest.fixture
def database_url(backend, migrated_database, tmp_path) -> str:
    if backend == "sqlite":
        copy = tmp_path / "test.db"
        shutil.copyfile(migrated_database, copy)
        return f"sqlite:///{copy}"
    return migrated_database


@pytest.fixture
def app_config(tmp_path, database_url) -> dict:
    """Override entries in a test module to change the app's configuration."""
    return base_config(tmp_path, database_url)


@pytest.fixture
def app(app_config, backend):
    application = create_app(app_config)
    yield application
    with application.app_context():
        db.session.remove()
        if backend == "postgresql":
            servers.truncate_all(db.engine)
        db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def outbox(app):
    """The messages queued so far, read fresh from the database."""
    from core.models import OutboxMessage

    def read():
        with app.app_context():
            rows = db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id)).all()
            db.session.expunge_all()
            return rows

    return read


@pytest.fixture
def users(app):
    """Factory of users: ``users.make('operator', email=…)`` returns the e-mail."""
    from tests.support.factories import UserMaker

    return UserMaker(app)


@pytest.fixture
def roster(app, users):
    """Builder of duty rosters: ``roster.operator(shifts=[(0, "08:00", "16:00", "data")])`` (tests.support.roster)."""
    from tests.support.roster import RosterMaker

    return RosterMaker(app, users)


@pytest.fixture
def login(client, users):
    """Sign a user in through the login form, and its second step when one is asked; returns the e-mail."""

    def sign_in(email: str, password: str = users.PASSWORD):
        response = client.post("/login", data={"email": email, "password": password})
        assert response.status_code == 302, response.get_data(as_text=True)[:500]
        users.pass_second_step(client, response, email)
        return email

    return sign_in


@pytest.fixture
def unique() -> str:
    return uuid.uuid4().hex[:8]


@pytest.fixture(scope="session")
def browser():
    with servers.chromium() as chromium:
        yield chromium


@pytest.fixture
def live_app(app_config):
    """An application served over HTTP for the browser, with CSRF and rate limits on."""
    config = dict(app_config, WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=True)
    application = create_app(config)
    yield application
    with application.app_context():
        db.session.remove()
        if config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
            servers.truncate_all(db.engine)
        db.engine.dispose()


@pytest.fixture
def live_url(live_app):
    with servers.live_server(live_app) as url:
        yield url


# Every Content-Security-Policy violation becomes a console error, which fails the test.
CSP_REPORTER = """document.addEventListener('securitypolicyviolation', (e) =>
  console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI));"""


@pytest.fixture
def page(browser, live_url, request):
    """A fresh browser page; console errors and CSP reports fail the test."""
    context = browser.new_context(base_url=live_url, locale="id-ID")
    tab = context.new_page()
    problems: list[str] = []
    tab.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    tab.on("pageerror", lambda exc: problems.append(str(exc)))
    tab.add_init_script(CSP_REPORTER)
    tab.statdesk_problems = problems
    yield tab
    if request.node.rep_call.failed if hasattr(request.node, "rep_call") else False:
        os.makedirs("test-artifacts", exist_ok=True)
        tab.screenshot(path=f"test-artifacts/{request.node.name}.png", full_page=True)
    context.close()
    assert not problems, f"browser console errors: {problems}"


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
