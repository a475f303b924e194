"""Import runs and the provenance of every imported row.

``LegacyRecord`` ties a source row (entity + the old system's id) to the Statdesk
row it became, with a digest of the mapped values (a re-run skips an unchanged row
and updates a changed one) and the source file and line it came from (the audit
trail of the import).  ``LegacyRun`` is one real run: its counts, its resumable
checkpoint (the last committed line of each entity) and the source-side totals
that the reconciliation compares with what Statdesk holds.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from core.extensions import db
from core.models import UTCDateTime


class LegacyRun(db.Model):
    __tablename__ = "legacy_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_name: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    source_digest: Mapped[str] = mapped_column(sa.String(64), nullable=False, index=True)
    mapping_digest: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    state: Mapped[str] = mapped_column(sa.String(16), default="running", nullable=False)  # running|done|failed
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, nullable=False)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    started_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    # {"entity": last committed line}, the counts per entity and outcome, the source totals per entity and month
    checkpoint: Mapped[dict] = mapped_column(sa.JSON, default=dict, nullable=False)
    counts: Mapped[dict] = mapped_column(sa.JSON, default=dict, nullable=False)
    source_totals: Mapped[dict] = mapped_column(sa.JSON, default=dict, nullable=False)


class LegacyRecord(db.Model):
    __tablename__ = "legacy_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(sa.String(24), nullable=False)
    source_id: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    target_id: Mapped[int] = mapped_column(nullable=False)
    digest: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    source_file: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    line: Mapped[int] = mapped_column(nullable=False)
    run_id: Mapped[int | None] = mapped_column(sa.ForeignKey("legacy_run.id", ondelete="SET NULL"))
    # "" or "merged" (a duplicate by e-mail folded into another account) or "no-contact" (never invite)
    note: Mapped[str] = mapped_column(sa.String(16), default="", server_default="", nullable=False)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, nullable=False)

    __table_args__ = (sa.UniqueConstraint("entity", "source_id"),
                      sa.Index("ix_legacy_record_target", "entity", "target_id"))
