"""A job for the kill-a-worker drill, imported by the cluster's workers (they run from the repository root).

``effect_once(marker)`` writes one audit entry and commits it with the job's end, but
first tells the test it started and waits for the test's go-ahead, so the test can
kill the worker in the middle of it.  A run that finds the entry already there
changes nothing: the effect happens once however often the job runs.
"""

from __future__ import annotations

import os

import sqlalchemy as sa
from flask import current_app
from rq import get_current_job

from core import audit
from core.extensions import db
from core.models import AuditEntry

ACTION = "cluster.drill"


def effect_once(marker: str) -> str:
    job = get_current_job()
    redis = job.connection
    with current_app.app_context():
        redis.rpush(f"{marker}:started", os.getpid())  # the worker process (RQ's SimpleWorker runs jobs in it)
        if db.session.scalar(sa.select(AuditEntry.id).where(AuditEntry.action == ACTION,
                                                            AuditEntry.object_id == marker)):
            return "already done"
        audit.record(ACTION, ("Drill", marker))
        db.session.flush()
        if not redis.blpop([f"{marker}:go"], timeout=120):
            raise TimeoutError("the test never gave the go-ahead")
        db.session.commit()
        return "done"
