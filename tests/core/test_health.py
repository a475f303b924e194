"""/healthz, /readyz (503 naming each stopped dependency) and the Prometheus /metrics endpoint."""

from __future__ import annotations

import socket
import threading

import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.support.own_servers import own_redis, wait_for
from tests.support.servers import free_port


def test_healthz_answers_without_touching_anything(app, client):
    assert client.get("/healthz").json == {"status": "ok"}


def test_readyz_is_ready_when_every_dependency_answers(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json["failed"] == []
    assert set(response.json["checks"]) == {"database", "storage", "search"}


def _ready(app):
    return app.test_client().get("/readyz")


@pytest.fixture
def redis_app(app_config):
    from app import create_app

    def make(url: str, **more):
        return create_app(dict(app_config, STATDESK_REDIS_URL=url, STATDESK_READY_TIMEOUT_MS=500, **more))
    return make


def test_readyz_names_redis_when_it_is_stopped(redis_app):
    with own_redis() as redis:
        app = redis_app(redis.url)
        assert _ready(app).status_code == 200
        redis.stop()
        response = _ready(app)
        assert response.status_code == 503
        assert response.json["failed"] == ["redis"], response.json
        assert "ConnectionError" in response.json["checks"]["redis"]
        redis.start()
        assert _ready(app).status_code == 200


def test_readyz_does_not_wait_longer_than_its_timeout_for_a_silent_dependency(redis_app):
    listener = socket.socket()
    listener.bind(("127.0.0.1", free_port()))
    listener.listen()
    accepted = []
    threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True).start()
    try:
        response = _ready(redis_app(f"redis://127.0.0.1:{listener.getsockname()[1]}/0"))
        assert response.status_code == 503
        assert response.json["failed"] == ["redis"]
        assert response.json["checks"]["redis"].startswith(("TimeoutError", "no answer within"))
    finally:
        wait_for(lambda: accepted, what="the readiness probe to connect")
        accepted[0][0].close()
        listener.close()


def test_readyz_names_the_database_when_it_is_down(app_config):
    from app import create_app

    # a PostgreSQL address where no server listens: what the hosts see while the database is stopped
    down = f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/statdesk"
    app = create_app(dict(app_config, SQLALCHEMY_DATABASE_URI=down, STATDESK_READY_TIMEOUT_MS=1500))
    response = _ready(app)
    assert response.status_code == 503 and "database" in response.json["failed"]
    assert "OperationalError" in response.json["checks"]["database"]


def test_readyz_names_storage_and_search_when_their_directories_are_gone(app_config, tmp_path):
    from app import create_app

    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the directories should be")
    app = create_app(dict(app_config, STATDESK_STORAGE_DIR=str(blocker / "storage"),
                          STATDESK_SEARCH_DIR=str(blocker / "search")))
    response = _ready(app)
    assert response.status_code == 503
    assert sorted(response.json["failed"]) == ["search", "storage"], response.json
    assert response.json["checks"]["database"] == "ok"


def _families(text: str) -> dict:
    return {family.name: family for family in text_string_to_metric_families(text)}


def test_metrics_parse_and_carry_latency_backlog_work_and_breaches(app, client):
    from tests.core.test_outbox import _queue

    client.get("/healthz")
    client.get("/no-such-page")
    _queue(app)
    _queue(app)
    response = client.get("/metrics")
    assert response.status_code == 200 and response.content_type.startswith("text/plain")
    families = _families(response.get_data(as_text=True))
    latency = families["statdesk_request_duration_seconds"]
    endpoints = {sample.labels.get("endpoint") for sample in latency.samples}
    assert {"core_health.healthz", "unmatched"} <= endpoints
    for name in ("statdesk_outbox_messages", "statdesk_open_work_items", "statdesk_sla_breaches",
                 "statdesk_payment_callbacks"):
        assert name in families, sorted(families)
    pending = [s.value for s in families["statdesk_outbox_messages"].samples if s.labels["status"] == "pending"]
    assert pending == [2.0]


def test_payment_callbacks_are_counted_by_outcome(app, client):
    def count(outcome: str) -> float:
        families = _families(client.get("/metrics").get_data(as_text=True))
        return sum(s.value for s in families["statdesk_payment_callbacks"].samples
                   if s.name.endswith("_total") and s.labels == {"provider": "local", "outcome": outcome})

    before = count("bad_signature")
    refused = client.post("/api/v1/payments/local/callback", data=b"{}",
                          headers={"Content-Type": "application/json"})
    assert refused.status_code >= 400
    reason = refused.json.get("reason")
    assert count(reason) == (before + 1 if reason == "bad_signature" else 1)


def test_metrics_answer_loopback_or_the_bearer_token_only(app_config):
    from app import create_app

    open_app = create_app(app_config)
    remote = {"REMOTE_ADDR": "203.0.113.9"}
    assert open_app.test_client().get("/metrics", environ_base=remote).status_code == 403
    guarded = create_app(dict(app_config, STATDESK_METRICS_TOKEN="s3cret-token-for-the-scraper"))
    client = guarded.test_client()
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", environ_base=remote,
                      headers={"Authorization": "Bearer s3cret-token-for-the-scraper"}).status_code == 200
