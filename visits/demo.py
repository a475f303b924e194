"""Demo counters of the service office.  Idempotent."""

from __future__ import annotations

import sqlalchemy as sa

from core.extensions import db
from visits.models import Counter

DEMO_COUNTERS = ("Loket 1", "Loket 2", "Loket 3", "Loket 4")


def load() -> int:
    existing = set(db.session.scalars(sa.select(Counter.name)).all())
    created = [Counter(name=name) for name in DEMO_COUNTERS if name not in existing]
    db.session.add_all(created)
    db.session.commit()
    return len(created)
