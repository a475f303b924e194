"""What a load balancer and a monitoring system ask a web host: ``/healthz``, ``/readyz`` and ``/metrics``.

- ``/healthz`` answers 200 while the process serves requests; it touches nothing
  else (a host whose database is down is alive, and restarting it would not help).
- ``/readyz`` checks every dependency a request needs, each in its own thread
  with ``STATDESK_READY_TIMEOUT_MS``: the database, Redis (when the site uses it for
  jobs or rate limits), the storage, and whatever the packages above add to
  ``READINESS_CHECKS`` (the search backend).  200 with every check ``ok``, or 503
  naming each failed dependency with its error; HAProxy takes a host out of
  rotation on a 503 (``ops/haproxy.cfg``).
- ``/metrics`` is the Prometheus exposition (``core.metrics``); it answers a
  loopback client, or anyone with ``Authorization: Bearer STATDESK_METRICS_TOKEN``.
"""

from __future__ import annotations

import concurrent.futures
import hmac
import ipaddress
from collections.abc import Callable

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, request

from core import registry

bp = Blueprint("core_health", __name__)

READINESS_CHECKS: registry.ListSlot[tuple[str, Callable[[], None]]] = registry.ListSlot(
    "core.readiness_checks",
    "(name, check) pairs that /readyz runs after the database, Redis and storage; a check runs inside an "
    "application context, returns nothing when the dependency works and raises when it does not.")


def check_database() -> None:
    from core.extensions import db

    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            timeout = int(current_app.config["STATDESK_READY_TIMEOUT_MS"])
            connection.execute(sa.text(f"SET statement_timeout = {timeout}"))
        connection.execute(sa.text("SELECT 1"))
        connection.rollback()


def redis_urls(config) -> list[str]:
    """Every Redis the site uses: the job queue's, and the rate limits' when they live in Redis."""
    urls = [config.get("STATDESK_REDIS_URL") or ""]
    limits = config.get("RATELIMIT_STORAGE_URI") or ""
    if limits.startswith(("redis://", "rediss://")):
        urls.append(limits)
    return list(dict.fromkeys(url for url in urls if url))


def check_redis() -> None:
    from redis import Redis

    seconds = current_app.config["STATDESK_READY_TIMEOUT_MS"] / 1000
    for url in redis_urls(current_app.config):
        connection = Redis.from_url(url, socket_timeout=seconds, socket_connect_timeout=seconds)
        try:
            connection.ping()
        finally:
            connection.close()


def check_storage() -> None:
    from core.storage import get_storage

    get_storage().check()


def checks(app) -> list[tuple[str, Callable[[], None]]]:
    found = [("database", check_database)]
    if redis_urls(app.config):
        found.append(("redis", check_redis))
    found.append(("storage", check_storage))
    found.extend(READINESS_CHECKS.get(app))
    return found


def readiness(app) -> dict[str, str]:
    """Each dependency's state: ``ok``, or the reason it failed (a timeout included)."""
    timeout = app.config["STATDESK_READY_TIMEOUT_MS"] / 1000

    def run(check: Callable[[], None]) -> None:
        with app.app_context():
            check()

    executor = concurrent.futures.ThreadPoolExecutor(max_workers=8, thread_name_prefix="readyz")
    try:
        futures = {name: executor.submit(run, check) for name, check in checks(app)}
        result = {}
        for name, future in futures.items():
            try:
                future.result(timeout=timeout)
                result[name] = "ok"
            except concurrent.futures.TimeoutError:
                result[name] = f"no answer within {app.config['STATDESK_READY_TIMEOUT_MS']} ms"
            except Exception as exc:  # noqa: BLE001 - any failure of a dependency makes the host unready
                result[name] = f"{type(exc).__name__}: {str(exc)[:200]}"
        return result
    finally:
        executor.shutdown(wait=False, cancel_futures=True)  # a hung check must not hold the answer


@bp.get("/healthz")
def healthz():
    return {"status": "ok"}


@bp.get("/readyz")
def readyz():
    states = readiness(current_app._get_current_object())
    failed = [name for name, state in states.items() if state != "ok"]
    body = {"status": "unavailable" if failed else "ready", "failed": failed, "checks": states}
    return body, (503 if failed else 200)


def _may_read_metrics() -> bool:
    token = current_app.config["STATDESK_METRICS_TOKEN"]
    if token:
        offered = request.headers.get("Authorization", "")
        return hmac.compare_digest(offered.encode(), f"Bearer {token}".encode())
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


@bp.get("/metrics")
def metrics():
    from core.metrics import CONTENT_TYPE, exposition

    if not _may_read_metrics():
        abort(403)
    return Response(exposition(current_app._get_current_object()), content_type=CONTENT_TYPE)
