"""Structured logs and the request id that follows a request into the jobs it queues.

Every request gets an id: the ``X-Request-ID`` a trusted proxy sent (HAProxy
sets one, see ``ops/haproxy.cfg``; believed only with ``STATDESK_TRUSTED_PROXIES``)
or a new random one.  It is answered in the response's ``X-Request-ID`` header,
stamped on every log line written while the request runs, and stored in the
metadata of every job the request queues (``core.jobs.enqueue``), so that the
worker stamps the job's log lines with the same id.

``STATDESK_LOG_FORMAT=json`` writes one JSON object a line (``time``, ``level``,
``logger``, ``message``, ``request_id`` and whatever ``extra=`` a call passed);
``text`` (the default outside production) writes the same fields readably.
Each request ends with one ``request`` line of the ``statdesk.request`` logger:
method, path, status, endpoint and duration.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import sys
import time
import uuid
from contextlib import contextmanager

from flask import Flask, g, request

HEADER = "X-Request-ID"
_VALID = re.compile(r"[A-Za-z0-9._:-]{8,64}")
_REQUEST_ID: contextvars.ContextVar[str] = contextvars.ContextVar("statdesk_request_id", default="")
_STANDARD = set(vars(logging.makeLogRecord({}))) | {"message", "asctime", "request_id"}
request_log = logging.getLogger("statdesk.request")
QUIET_ENDPOINTS = frozenset({"core_health.healthz", "core_health.readyz"})


def current_request_id() -> str:
    """The id of the request or job this code runs for ('' outside both)."""
    return _REQUEST_ID.get()


@contextmanager
def request_id_bound(request_id: str):
    """Stamp every log line written inside the block with ``request_id`` (a job runs inside one)."""
    token = _REQUEST_ID.set(request_id or "")
    try:
        yield
    finally:
        _REQUEST_ID.reset(token)


def _install_record_factory() -> None:
    """Every record made in this process gets ``request_id`` when it is made (whichever handler reads it)."""
    previous = logging.getLogRecordFactory()
    if getattr(previous, "statdesk", False):
        return

    def factory(*args, **kwargs) -> logging.LogRecord:
        record = previous(*args, **kwargs)
        record.request_id = current_request_id()
        return record

    factory.statdesk = True
    logging.setLogRecordFactory(factory)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a line is written (test runners swap it)."""

    statdesk = True

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, value) -> None:
        pass


class JsonFormatter(logging.Formatter):
    """One JSON object per line; ``extra=`` fields become members."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S") + f".{int(record.msecs):03d}Z",
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", ""),
        }
        entry.update({key: value for key, value in vars(record).items()
                      if key not in _STANDARD and not key.startswith("_")})
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


JsonFormatter.converter = time.gmtime


class TextFormatter(logging.Formatter):
    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")


def configure(app: Flask) -> None:
    """Send the root logger's lines to stderr in ``STATDESK_LOG_FORMAT``, each with its request id.

    Idempotent: the handler is installed once per process (tests build many applications).
    """
    _install_record_factory()
    root = logging.getLogger()
    wanted = JsonFormatter if app.config["STATDESK_LOG_FORMAT"] == "json" else TextFormatter
    handler = next((h for h in root.handlers if getattr(h, "statdesk", False)), None)
    if handler is None:
        handler = _StderrHandler()
        root.addHandler(handler)
    if not isinstance(handler.formatter, wanted):
        handler.setFormatter(wanted())
    level = logging.getLevelName(app.config["STATDESK_LOG_LEVEL"].upper())
    root.setLevel(level if isinstance(level, int) else logging.INFO)
    app.before_request(_begin)
    app.after_request(_answer_id)
    app.teardown_request(_end)


def _incoming_id(app: Flask) -> str:
    offered = request.headers.get(HEADER, "")
    if app.config["STATDESK_TRUSTED_PROXIES"] and _VALID.fullmatch(offered):
        return offered
    return uuid.uuid4().hex


def _begin() -> None:
    from flask import current_app

    g.request_id = _incoming_id(current_app)
    g.request_started = time.perf_counter()
    g.request_id_token = _REQUEST_ID.set(g.request_id)


def _answer_id(response):
    request_id = g.get("request_id")
    if request_id:
        response.headers[HEADER] = request_id
        # the load balancer's health checks (every second per host) only at debug level
        level = logging.DEBUG if request.endpoint in QUIET_ENDPOINTS else logging.INFO
        request_log.log(level, "request", extra={
            "method": request.method, "path": request.path, "status": response.status_code,
            "endpoint": request.endpoint or "", "duration_ms": round(
                (time.perf_counter() - g.request_started) * 1000, 1)})
    return response


def _end(error=None) -> None:
    token = g.pop("request_id_token", None)
    if token is not None:
        _REQUEST_ID.reset(token)
