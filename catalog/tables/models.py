"""Cube versions and their cells.

``CubeVersion.structure`` holds the dimensions of one version (``cube.Structure.to_json``);
it is small (the values of each dimension) and never changes once written.  Version ids are
never reused (``sqlite_autoincrement``; PostgreSQL's sequences never reuse), so a process may
keep a version's decoded structure by its id for as long as it runs (``services``).

Cells are stored in chunks of ``CHUNK`` consecutive cube offsets (``cube.Structure.offset``,
row-major): the row ``(version_id, chunk)`` holds the cells at offsets ``chunk * CHUNK`` to
``chunk * CHUNK + CHUNK - 1``.  ``figures`` are their numbers as little-endian doubles, NaN
where a cell has no number (a figure is never NaN: the import refuses it); ``marks`` is a JSON
list of ``[index, symbol, note, revised]`` for every cell with a status symbol, a footnote, a
revised mark or no number, NULL when there is none.  A NaN without a mark is a cell that is not
in the cube.  A selection thus reads a few rows (one per chunk it touches) whatever the size of
the cube, and an import writes one row per ``CHUNK`` cells; chunks with no cell are not stored.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from core import clock
from core.extensions import db
from core.models import UTCDateTime

CHUNK = 256  # cells per stored row: 2 KiB of figures, kept inline by PostgreSQL (storage PLAIN)


class CubeVersion(db.Model):
    __tablename__ = "catalog_cube_version"
    __table_args__ = (sa.UniqueConstraint("item_id", "number"), {"sqlite_autoincrement": True})

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("catalog_item.id", ondelete="CASCADE"), nullable=False,
                                         index=True)
    number: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    changelog: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    structure: Mapped[dict] = mapped_column(sa.JSON, nullable=False)
    cell_count: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    revised_count: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, nullable=False)


class CubeChunk(db.Model):
    __tablename__ = "catalog_cube_chunk"

    version_id: Mapped[int] = mapped_column(sa.ForeignKey("catalog_cube_version.id", ondelete="CASCADE"),
                                            primary_key=True, autoincrement=False)
    chunk: Mapped[int] = mapped_column(sa.Integer, primary_key=True, autoincrement=False)
    figures: Mapped[bytes] = mapped_column(sa.LargeBinary, nullable=False)
    marks: Mapped[str | None] = mapped_column(sa.Text)
