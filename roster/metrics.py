"""The roster gauges of ``/metrics`` (``core.metrics.GAUGES``): work items not done, by status and kind."""

from __future__ import annotations

import sqlalchemy as sa

from core.extensions import db
from core.metrics import Gauge
from roster.models import WorkItem, WorkStatus


def _open_items():
    rows = db.session.execute(
        sa.select(WorkItem.status, WorkItem.kind, sa.func.count())
        .where(WorkItem.status != WorkStatus.DONE).group_by(WorkItem.status, WorkItem.kind)).all()
    return [((status.value, kind), count) for status, kind, count in rows]


OPEN_WORK = Gauge("statdesk_open_work_items", "Routed work items not done yet, by status and kind.",
                  ("status", "kind"), _open_items)
