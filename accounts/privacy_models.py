"""Requests a person makes about their personal data: a copy of it (export) or closing the account."""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import UTCDateTime, enum_column


class PrivacyKind(enum.Enum):
    EXPORT = "export"
    CLOSURE = "closure"

    @property
    def label(self) -> str:
        return str({PrivacyKind.EXPORT: _l("Copy of my data"), PrivacyKind.CLOSURE: _l("Close my account")}[self])


class PrivacyStatus(enum.Enum):
    PENDING = "pending"   # an export waiting for the background job
    READY = "ready"       # an export whose file can be downloaded until ``expires_at``
    EXPIRED = "expired"   # an export whose file was deleted
    DONE = "done"         # an account closed

    @property
    def label(self) -> str:
        return str({PrivacyStatus.PENDING: _l("Being prepared"), PrivacyStatus.READY: _l("Ready to download"),
                    PrivacyStatus.EXPIRED: _l("Expired"), PrivacyStatus.DONE: _l("Done")}[self])


class PrivacyRequest(db.Model):
    __tablename__ = "privacy_request"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id"), index=True, nullable=False)
    kind: Mapped[PrivacyKind] = mapped_column(enum_column(PrivacyKind), nullable=False)
    status: Mapped[PrivacyStatus] = mapped_column(enum_column(PrivacyStatus), nullable=False, index=True)
    requested_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    file_key: Mapped[str | None] = mapped_column(sa.String(200))
    file_size: Mapped[int] = mapped_column(sa.BigInteger, default=0, nullable=False)
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)

    user = relationship("User", lazy="joined")
