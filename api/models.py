"""Idempotency keys of API writes (``api/idempotency.py``)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from core.extensions import db
from core.models import UTCDateTime


class IdempotentRequest(db.Model):
    """The first request sent with an ``Idempotency-Key`` by one token, and the answer it got.

    ``fingerprint`` is the SHA-256 of method, path and body: the same key with another request is refused.
    ``status`` is ``None`` while the first request is being answered.
    """

    __tablename__ = "api_idempotent_request"
    __table_args__ = (sa.UniqueConstraint("token_id", "key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_id: Mapped[int] = mapped_column(sa.ForeignKey("api_token.id", ondelete="CASCADE"), nullable=False)
    key: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    fingerprint: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    status: Mapped[int | None] = mapped_column(sa.Integer)
    body: Mapped[str | None] = mapped_column(sa.Text)
    location: Mapped[str] = mapped_column(sa.String(300), default="", nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, nullable=False, index=True)
