"""The satisfaction index over stored ratings."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa

from consultation.ikm import SatisfactionIndex, compute
from consultation.models import SCORE_COLUMNS, Rating
from core.extensions import db


def satisfaction_index(since: datetime | None = None, until: datetime | None = None) -> SatisfactionIndex | None:
    """The IKM of every rating given in ``[since, until)``."""
    query = sa.select(*(getattr(Rating, column) for column in SCORE_COLUMNS))
    if since is not None:
        query = query.where(Rating.created_at >= since)
    if until is not None:
        query = query.where(Rating.created_at < until)
    return compute(tuple(row) for row in db.session.execute(query))
