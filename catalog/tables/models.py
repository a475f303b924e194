"""Cube versions and their cells.

``CubeVersion.structure`` holds the dimensions of one version (``cube.Structure.to_json``);
it is small (the values of each dimension) and never changes once written.  Cells are rows
of ``catalog_cube_cell``, keyed by ``(version_id, pos)`` where ``pos`` is the cell's
row-major offset in the cube (``cube.Structure.offset``), so a selection is a set of primary
key look-ups whatever the size of the cube.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from core.extensions import db
from core.models import UTCDateTime


class CubeVersion(db.Model):
    __tablename__ = "catalog_cube_version"
    __table_args__ = (sa.UniqueConstraint("item_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("catalog_item.id", ondelete="CASCADE"), nullable=False,
                                         index=True)
    number: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    changelog: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    structure: Mapped[dict] = mapped_column(sa.JSON, nullable=False)
    cell_count: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    revised_count: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, nullable=False)


class CubeCell(db.Model):
    __tablename__ = "catalog_cube_cell"

    version_id: Mapped[int] = mapped_column(sa.ForeignKey("catalog_cube_version.id", ondelete="CASCADE"),
                                            primary_key=True, autoincrement=False)
    pos: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    value: Mapped[float | None] = mapped_column(sa.Float)
    symbol: Mapped[str] = mapped_column(sa.String(2), default="", nullable=False)
    note: Mapped[int] = mapped_column(sa.SmallInteger, default=0, nullable=False)  # 1-based footnote, 0: none
    revised: Mapped[bool] = mapped_column(sa.Boolean, default=False, nullable=False)
