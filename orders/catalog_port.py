"""The one seam between orders and the catalog.

Orders need four things from the catalog: whether an item may be ordered by this
user, its kind and title, the price of a quantity under the item's tariff
(integer rupiah), and any file that is ready to deliver at once.  Everything the
orders package asks of the catalog goes through ``get_source()`` here, so the
dependency is visible in one place.

The source is whatever ``app.extensions["orders_catalog_source"]`` holds; when
nothing is registered the catalog package itself is asked (``CatalogPackageSource``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from flask import current_app

ORDERABLE_KINDS = ("publication", "map", "microdata")


@dataclass(frozen=True)
class ReadyFile:
    """A stored file (``core.storage`` key) that can be delivered without an operator."""

    storage_key: str
    filename: str
    size: int
    sha256: str


@dataclass(frozen=True)
class OrderableItem:
    id: int
    kind: str  # publication | map | microdata
    title: str
    variables: tuple[str, ...] = ()  # microdata: the variables a consumer may pick
    regions: tuple[str, ...] = ()  # maps: the region codes sold separately
    ready_files: tuple[ReadyFile, ...] = field(default=())

    @property
    def needs_preparation(self) -> bool:
        """Microdata is always extracted by an operator; other kinds when no file is ready."""
        return self.kind == "microdata" or not self.ready_files


class CatalogSource(Protocol):
    def orderable_item(self, item_id: int, user) -> OrderableItem | None:
        """The item if it exists, is released, visible to ``user`` and orderable; else ``None``."""

    def price_for(self, item_id: int, quantity: int, options: dict) -> int:
        """The line price in whole rupiah under the item's tariff (0 for a free item)."""

    def listed_items(self, limit: int) -> list[OrderableItem]:
        """Some released orderable items (for demo data)."""


class CatalogUnavailable(RuntimeError):
    """The catalog package does not (yet) offer what orders need."""


class CatalogPackageSource:
    """Asks the ``catalog`` package.

    The contract orders expects from ``catalog.services`` (to be met or adapted here at merge):

    - ``orderable_item(item_id, user) -> OrderableItem | None``: released, visible to ``user``,
      of kind publication / map / microdata, with its ready files (storage keys);
    - ``price_for(item_id, quantity, options) -> int``: whole rupiah under the item's tariff;
    - ``orderable_items(limit) -> list[OrderableItem]``: for demo data.
    """

    def _services(self):
        try:
            from catalog import services  # noqa: PLC0415 - the seam is deliberately lazy
        except ImportError as exc:  # pragma: no cover - until the catalog branch is merged
            raise CatalogUnavailable("the catalog package has no services module yet") from exc
        return services

    def orderable_item(self, item_id: int, user) -> OrderableItem | None:
        services = self._services()
        if not hasattr(services, "orderable_item"):
            raise CatalogUnavailable("catalog.services.orderable_item is missing")
        return services.orderable_item(item_id, user)

    def price_for(self, item_id: int, quantity: int, options: dict) -> int:
        return int(self._services().price_for(item_id, quantity, options))

    def listed_items(self, limit: int) -> list[OrderableItem]:
        services = self._services()
        if not hasattr(services, "orderable_items"):
            raise CatalogUnavailable("catalog.services.orderable_items is missing")
        return list(services.orderable_items(limit=limit))


def get_source() -> CatalogSource:
    source = current_app.extensions.get("orders_catalog_source")
    if source is None:
        source = CatalogPackageSource()
    return source


def set_source(app, source: CatalogSource) -> None:
    app.extensions["orders_catalog_source"] = source


def orderable_item(item_id: int, user) -> OrderableItem | None:
    try:
        item = get_source().orderable_item(item_id, user)
    except CatalogUnavailable as exc:
        from flask_babel import gettext as _

        from core.errors import UserFacingError

        current_app.logger.error("catalog unavailable to orders: %s", exc)
        raise UserFacingError(_("Ordering is not available at the moment. Please try again later."), 503) from exc
    if item is not None and item.kind not in ORDERABLE_KINDS:
        return None
    return item


def line_price(item_id: int, quantity: int, options: dict) -> int:
    price = get_source().price_for(item_id, quantity, options)
    if isinstance(price, bool) or not isinstance(price, int) or price < 0:
        raise CatalogUnavailable(f"the tariff of item {item_id} gave {price!r}, not whole rupiah")
    return price


def listed_items(limit: int = 20) -> list[OrderableItem]:
    return [item for item in get_source().listed_items(limit) if item.kind in ORDERABLE_KINDS]
