"""Prometheus metrics (``prometheus_client``), served by ``/metrics`` (``core.health``).

Two kinds of number:

- **Events counted as they happen**, in this process: the latency of every request
  (``statdesk_request_duration_seconds``, a histogram by endpoint, method and
  status), and counters a package makes with ``counter()`` (orders counts payment
  callbacks by outcome).  Under gunicorn with several workers set
  ``PROMETHEUS_MULTIPROC_DIR`` to an empty directory (``ops/gunicorn.conf.py``
  does): each worker writes its counts there and a scrape adds them up.
- **States read from the shared services at scrape time**, the same whichever host
  answers: core's outbox backlog and job queue depths, and the gauges packages
  add to ``GAUGES`` (open work items from the roster, SLA breaches from
  consultation).  A package registers a ``Gauge(name, help, labels, read)``; ``read()``
  runs in the scrape's application context and returns ``(label values, value)``
  pairs.  A gauge whose read fails is left out of that scrape (and logged), so one
  broken dependency does not hide the others.
"""

from __future__ import annotations

import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from flask import g, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily

from core import registry

CONTENT_TYPE = CONTENT_TYPE_LATEST
log = logging.getLogger(__name__)

REQUEST_LATENCY = Histogram(
    "statdesk_request_duration_seconds", "Time to answer a request, by endpoint, method and status class.",
    ("endpoint", "method", "status"),
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0))

_COUNTERS: dict[str, Counter] = {}


def counter(name: str, documentation: str, labels: tuple[str, ...] = ()) -> Counter:
    """The process's counter ``name`` (made on first call; later calls with the same name get the same one)."""
    if name not in _COUNTERS:
        _COUNTERS[name] = Counter(name, documentation, labels)
    return _COUNTERS[name]


@dataclass(frozen=True)
class Gauge:
    name: str
    documentation: str
    labels: tuple[str, ...]
    read: Callable[[], Iterable[tuple[tuple[str, ...], float]]]


GAUGES: registry.ListSlot[Gauge] = registry.ListSlot(
    "core.metric_gauges",
    "Gauges read at every scrape of /metrics: Gauge(name, help, label names, read) whose read() returns "
    "(label values, value) pairs from the shared database or Redis.")


def _outbox_backlog() -> Iterable[tuple[tuple[str, ...], float]]:
    import sqlalchemy as sa

    from core.extensions import db
    from core.models import OutboxMessage, OutboxStatus

    rows = dict(db.session.execute(
        sa.select(OutboxMessage.status, sa.func.count()).group_by(OutboxMessage.status)).all())
    return [((status.value,), rows.get(status, 0)) for status in (OutboxStatus.PENDING, OutboxStatus.FAILED)]


def _queue_depths() -> Iterable[tuple[tuple[str, ...], float]]:
    from flask import current_app

    from core.jobs import job_queue, redis_connection

    if not current_app.config["STATDESK_REDIS_URL"]:
        return []
    connection = redis_connection(current_app)
    queue = job_queue(current_app, connection)
    return [((queue.name, "queued"), queue.count),
            ((queue.name, "started"), queue.started_job_registry.count),
            ((queue.name, "scheduled"), queue.scheduled_job_registry.count),
            ((queue.name, "failed"), queue.failed_job_registry.count)]


CORE_GAUGES = (
    Gauge("statdesk_outbox_messages", "E-mails waiting in the outbox (pending) or given up on (failed).",
          ("status",), _outbox_backlog),
    Gauge("statdesk_queue_jobs", "Jobs in the Redis job queue, by state.", ("queue", "state"), _queue_depths),
)


class _GaugeCollector:
    def __init__(self, gauges: Iterable[Gauge]):
        self.gauges = list(gauges)

    def collect(self):
        for gauge in self.gauges:
            try:
                samples = list(gauge.read())
            except Exception:  # noqa: BLE001 - a broken dependency leaves its gauge out, not the scrape
                log.warning("metric %s could not be read", gauge.name, exc_info=True)
                continue
            family = GaugeMetricFamily(gauge.name, gauge.documentation, labels=list(gauge.labels))
            for labels, value in samples:
                family.add_metric(list(labels), float(value))
            yield family


class _ThisProcess:
    def collect(self):
        yield from REGISTRY.collect()


def exposition(app) -> bytes:
    """The text exposition of every metric: this process's (or every gunicorn worker's) and the gauges."""
    scrape = CollectorRegistry(auto_describe=False)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.MultiProcessCollector(scrape)
    else:
        scrape.register(_ThisProcess())
    scrape.register(_GaugeCollector([*CORE_GAUGES, *GAUGES.get(app)]))
    return generate_latest(scrape)


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


def _observe(response):
    started = g.pop("metrics_started", None)
    if started is not None:
        REQUEST_LATENCY.labels(request.endpoint or "unmatched", request.method,
                               f"{response.status_code // 100}xx").observe(time.perf_counter() - started)
    return response


def init_app(app) -> None:
    app.before_request(_start_timer)
    app.after_request(_observe)
