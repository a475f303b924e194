"""The consultation gauges of ``/metrics`` (``core.metrics.GAUGES``): tickets past an SLA deadline now."""

from __future__ import annotations

import sqlalchemy as sa

from consultation.models import Ticket
from consultation.sweeps import NOT_ANSWERED, NOT_RESOLVED
from core import clock
from core.extensions import db
from core.metrics import Gauge


def _breaches():
    now = clock.now()
    for name, deadline, running in (("response", Ticket.response_due_at, NOT_ANSWERED),
                                    ("resolution", Ticket.resolution_due_at, NOT_RESOLVED)):
        rows = db.session.execute(
            sa.select(Ticket.kind, sa.func.count()).where(deadline < now, Ticket.status.in_(running))
            .group_by(Ticket.kind)).all()
        for kind, count in rows:
            yield (name, kind.value), count


SLA_BREACHES = Gauge("statdesk_sla_breaches", "Open tickets past their SLA deadline, by SLA clock and kind.",
                     ("clock", "kind"), _breaches)
