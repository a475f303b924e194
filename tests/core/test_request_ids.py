"""One request id across the log lines of a request and of the jobs it queued; JSON log lines."""

from __future__ import annotations

import json
import logging
import uuid

import pytest
from redis import Redis

from core.jobs import job_queue, run_worker
from core.logs import JsonFormatter
from core.mail import MemoryTransport
from core.models import OutboxMessage, OutboxStatus
from tests.support import servers


@pytest.fixture
def app_config(app_config):
    return dict(app_config, STATDESK_REDIS_URL=servers.redis_url(),
                STATDESK_JOB_QUEUE=f"statdesk-test-{uuid.uuid4().hex[:8]}", STATDESK_MAIL_TRANSPORT=MemoryTransport())


def test_every_line_of_a_request_and_of_its_job_carries_the_request_id(app, client, users, caplog):
    from core.extensions import db

    email = users.make("consumer")
    caplog.set_level(logging.INFO)
    response = client.post("/password/forgot", data={"email": email})
    assert response.status_code in (200, 302)
    request_id = response.headers["X-Request-ID"]
    request_lines = [r for r in caplog.records if r.name in ("statdesk.request", "core.jobs")]
    assert {r.getMessage() for r in request_lines} >= {"request", "job queued"}
    assert {r.request_id for r in request_lines} == {request_id}

    caplog.clear()
    connection = Redis.from_url(app.config["STATDESK_REDIS_URL"])
    assert job_queue(app, connection).count == 1
    with app.app_context():
        run_worker(app, connection, burst=True)
        sent = db.session.scalars(db.select(OutboxMessage)).all()
    assert [m.status for m in sent] == [OutboxStatus.SENT]
    assert app.config["STATDESK_MAIL_TRANSPORT"].sent[0]["To"] == email
    job_lines = [r for r in caplog.records if r.name == "core.jobs"]
    assert [r.getMessage() for r in job_lines] == ["job started", "job ended"]
    assert {r.request_id for r in job_lines} == {request_id}
    assert job_lines[-1].status == "finished"


def test_a_trusted_proxy_names_the_request_id_and_anyone_else_gets_a_new_one(app_config):
    from app import create_app

    offered = {"X-Request-ID": "haproxy-0a1b2c3d4e5f"}
    assert create_app(app_config).test_client().get("/healthz", headers=offered).headers["X-Request-ID"] \
        != offered["X-Request-ID"]
    proxied = create_app(dict(app_config, STATDESK_TRUSTED_PROXIES=1)).test_client()
    assert proxied.get("/healthz", headers=offered).headers["X-Request-ID"] == offered["X-Request-ID"]
    assert proxied.get("/healthz", headers={"X-Request-ID": "bad id;x"}).headers["X-Request-ID"] != "bad id;x"


def test_json_lines_carry_time_level_logger_message_request_id_and_extras():
    record = logging.makeLogRecord({"name": "statdesk.request", "levelno": logging.INFO, "levelname": "INFO",
                                    "msg": "request", "request_id": "abc123", "status": 200})
    line = json.loads(JsonFormatter().format(record))
    assert line["request_id"] == "abc123" and line["status"] == 200 and line["message"] == "request"
    assert line["level"] == "info" and line["logger"] == "statdesk.request" and line["time"].endswith("Z")
