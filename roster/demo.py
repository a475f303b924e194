"""Demo roster: the demo operators' weekly shifts and quotas.  Idempotent."""

from __future__ import annotations

from datetime import time

import sqlalchemy as sa

from accounts.models import User
from core.extensions import db
from roster.models import DutyShift, OperatorState, Quota

# e-mail → (shifts as (first weekday, last weekday, starts, ends, kinds), quota)
DEMO_ROSTER = {
    "operator@demo.example.org": ([(0, 4, time(8), time(16), "data,metadata,fulfilment")], 5),
    "operator2@demo.example.org": ([(0, 4, time(8), time(12), "classification,complaint,data"),
                                    (0, 4, time(12), time(16), "classification,complaint,fulfilment")], 5),
    "supervisor@demo.example.org": ([(0, 4, time(12), time(16), "complaint,metadata")], 3),
}


def load() -> int:
    """Give each demo operator who has no shift yet the demo pattern; return the shifts created."""
    created = 0
    for email, (pattern, quota) in DEMO_ROSTER.items():
        operator_id = db.session.scalar(sa.select(User.id).where(User.email == email))
        has_shift = sa.select(DutyShift.id).where(DutyShift.operator_id == operator_id).limit(1)
        if operator_id is None or db.session.scalar(has_shift) is not None:
            continue
        for first, last, starts, ends, kinds in pattern:
            for weekday in range(first, last + 1):
                db.session.add(DutyShift(operator_id=operator_id, weekday=weekday, starts=starts, ends=ends,
                                         kinds=kinds))
                created += 1
        db.session.add(Quota(operator_id=operator_id, kind="", max_open=quota))
        if db.session.get(OperatorState, operator_id) is None:
            db.session.add(OperatorState(operator_id=operator_id, assignments=0))
    db.session.commit()
    return created
