"""Catalog items of four kinds, their versions, files and microdata variables (table data: ``catalog.tables``).

Whether the public may see an item is decided from its status and release time
against ``core.clock.now()`` (``Item.public_clause``), so a scheduled item becomes
visible the moment it is due, whether or not the release sweep has run yet.
"""

from __future__ import annotations

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_babel import lazy_pgettext
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core import clock
from core.extensions import db
from core.models import TimestampMixin, UTCDateTime, enum_column


class ItemKind(enum.Enum):
    TABLE = "table"
    PUBLICATION = "publication"
    MICRODATA = "microdata"
    MAP = "map"

    @property
    def label(self) -> str:
        return str(KIND_LABELS[self])


KIND_LABELS = {ItemKind.TABLE: _l("Table"), ItemKind.PUBLICATION: _l("Publication"),
               ItemKind.MICRODATA: _l("Microdata"), ItemKind.MAP: _l("Map")}


class Access(enum.Enum):
    FREE = "free"
    PAID = "paid"
    RESTRICTED = "restricted"

    @property
    def label(self) -> str:
        return str(ACCESS_LABELS[self])


ACCESS_LABELS = {Access.FREE: _l("Free"), Access.PAID: lazy_pgettext("access", "Paid"),
                 Access.RESTRICTED: _l("Restricted")}


class ReleaseStatus(enum.Enum):
    DRAFT = "draft"
    SCHEDULED = "scheduled"
    RELEASED = "released"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return str(STATUS_LABELS[self])


STATUS_LABELS = {ReleaseStatus.DRAFT: _l("Draft"), ReleaseStatus.SCHEDULED: _l("Scheduled"),
                 ReleaseStatus.RELEASED: _l("Released"), ReleaseStatus.WITHDRAWN: _l("Withdrawn")}


class TariffKind(enum.Enum):
    NONE = "none"  # free of charge
    FLAT = "flat"  # one price whatever the quantity
    PER_UNIT = "per_unit"  # unit price × quantity
    REGRESSIVE = "regressive"  # brackets: the unit price falls as the quantity rises

    @property
    def label(self) -> str:
        return str(TARIFF_KIND_LABELS[self])


TARIFF_KIND_LABELS = {
    TariffKind.NONE: _l("Free of charge"),
    TariffKind.FLAT: _l("Flat price"),
    TariffKind.PER_UNIT: _l("Price per unit"),
    TariffKind.REGRESSIVE: _l("Price falling with quantity"),
}


LISTING_ORDER = ("status", "release_at", "id")  # each public list reads one of these indexes backwards


class Item(TimestampMixin, db.Model):
    __tablename__ = "catalog_item"
    __table_args__ = (sa.Index("ix_catalog_item_listing", *LISTING_ORDER),
                      *(sa.Index(f"ix_catalog_item_{column}_listing", column, *LISTING_ORDER)
                        for column in ("kind", "subject_code", "region_code", "year")))

    id: Mapped[int] = mapped_column(primary_key=True)
    ref: Mapped[str | None] = mapped_column(sa.String(80), unique=True)  # external key (imports, demo)
    kind: Mapped[ItemKind] = mapped_column(enum_column(ItemKind), nullable=False)
    title_id: Mapped[str] = mapped_column(sa.String(300), nullable=False)
    title_en: Mapped[str] = mapped_column(sa.String(300), default="", nullable=False)
    abstract_id: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    abstract_en: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    keywords: Mapped[list] = mapped_column(sa.JSON, default=list, nullable=False)
    subject_code: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    region_code: Mapped[str] = mapped_column(sa.String(8), nullable=False)
    reference_period: Mapped[str] = mapped_column(sa.String(40), default="", nullable=False)
    year: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    unit: Mapped[str] = mapped_column(sa.String(120), nullable=False, index=True)  # producing unit
    access: Mapped[Access] = mapped_column(enum_column(Access), default=Access.FREE, nullable=False)
    tariff_kind: Mapped[TariffKind] = mapped_column(enum_column(TariffKind), default=TariffKind.NONE,
                                                    nullable=False)
    tariff: Mapped[dict] = mapped_column(sa.JSON, default=dict, nullable=False)
    status: Mapped[ReleaseStatus] = mapped_column(enum_column(ReleaseStatus), default=ReleaseStatus.DRAFT,
                                                  nullable=False)
    release_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    withdrawn_reason: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    coverage_region: Mapped[str] = mapped_column(sa.String(8), default="", nullable=False)  # maps
    version: Mapped[int] = mapped_column(sa.Integer, default=1, nullable=False)

    versions: Mapped[list[ItemVersion]] = relationship(back_populates="item", cascade="all, delete-orphan",
                                                       order_by="ItemVersion.number.desc()")
    files: Mapped[list[ItemFile]] = relationship(back_populates="item", cascade="all, delete-orphan",
                                                 order_by="ItemFile.id")
    variables: Mapped[list[Variable]] = relationship(back_populates="item", cascade="all, delete-orphan",
                                                     order_by="Variable.position")

    @classmethod
    def public_clause(cls, at: datetime | None = None):
        """SQL: released, or scheduled and due at ``at`` (default now)."""
        at = at or clock.now()
        return sa.or_(cls.status == ReleaseStatus.RELEASED,
                      sa.and_(cls.status == ReleaseStatus.SCHEDULED, cls.release_at <= at))

    def is_public(self, at: datetime | None = None) -> bool:
        at = at or clock.now()
        if self.status is ReleaseStatus.RELEASED:
            return True
        return self.status is ReleaseStatus.SCHEDULED and self.release_at is not None and self.release_at <= at

    def is_viewable(self, at: datetime | None = None) -> bool:
        """Public, or withdrawn after a release (its page stays, with a notice and no files)."""
        return self.is_public(at) or (self.status is ReleaseStatus.WITHDRAWN and self.release_at is not None
                                      and self.release_at <= (at or clock.now()))

    def title(self, locale: str = "id") -> str:
        return (self.title_en or self.title_id) if locale == "en" else self.title_id

    def abstract(self, locale: str = "id") -> str:
        return (self.abstract_en or self.abstract_id) if locale == "en" else self.abstract_id


class CatalogVersion(db.Model):
    """One row whose ``stamp`` changes with every write to ``catalog_item``.

    A database trigger (migration ``1090_page_indexes``) renews it in the transaction of the write, whatever
    writes (services, bulk imports, the demo loader, SQL by hand), so every process and host sees a new stamp
    exactly when the rows it describes are committed (``catalog/snapshot.py``).
    """

    __tablename__ = "catalog_version"

    id: Mapped[int] = mapped_column(primary_key=True)
    stamp: Mapped[str] = mapped_column(sa.String(32), nullable=False)


class ItemVersion(db.Model):
    __tablename__ = "catalog_item_version"
    __table_args__ = (sa.UniqueConstraint("item_id", "number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("catalog_item.id", ondelete="CASCADE"), nullable=False,
                                         index=True)
    number: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    changelog: Mapped[str] = mapped_column(sa.Text, default="", nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, nullable=False)

    item: Mapped[Item] = relationship(back_populates="versions")


class ItemFile(db.Model):
    """A file of one version of an item, kept in ``core.storage`` under ``storage_key``."""

    __tablename__ = "catalog_item_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("catalog_item.id", ondelete="CASCADE"), nullable=False,
                                         index=True)
    version: Mapped[int] = mapped_column(sa.Integer, nullable=False)
    storage_key: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    filename: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    content_type: Mapped[str] = mapped_column(sa.String(120), nullable=False)
    size: Mapped[int] = mapped_column(sa.BigInteger, nullable=False)
    sha256: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, nullable=False)

    item: Mapped[Item] = relationship(back_populates="files")


class Variable(db.Model):
    """A microdata variable a consumer may pick (``r101`` "Jenis kelamin", numeric)."""

    __tablename__ = "catalog_variable"
    __table_args__ = (sa.UniqueConstraint("item_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("catalog_item.id", ondelete="CASCADE"), nullable=False,
                                         index=True)
    position: Mapped[int] = mapped_column(sa.Integer, default=0, nullable=False)
    name: Mapped[str] = mapped_column(sa.String(64), nullable=False)
    label: Mapped[str] = mapped_column(sa.String(255), default="", nullable=False)
    var_type: Mapped[str] = mapped_column(sa.String(16), default="numeric", nullable=False)

    item: Mapped[Item] = relationship(back_populates="variables")
