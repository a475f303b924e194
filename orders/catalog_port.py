"""The one seam between orders and the catalog.

Orders need four things from the catalog: whether an item may be ordered by this
user, its kind and title, the price of a quantity under the item's tariff
(integer rupiah), and any file that is ready to deliver at once.  The catalog owns
the answer (``catalog.ordering``); everything orders ask goes through the functions
here, so the dependency is visible in one place and tests can put another catalog
in with ``set_source``.
"""

from __future__ import annotations

from typing import Protocol

from flask import current_app

from catalog import ordering
from catalog.ordering import OrderableItem, ReadyFile
from core import registry
from core.errors import Unavailable

__all__ = ["OrderableItem", "ReadyFile", "CatalogSource", "CatalogUnavailable", "set_source",
           "orderable_item", "line_price", "listed_items"]

ORDERABLE_KINDS = ("publication", "map", "microdata")


class CatalogSource(Protocol):
    def orderable_item(self, item_id: int, user) -> OrderableItem | None:
        """The item if it exists, is released, visible to ``user`` and orderable; else ``None``."""

    def price_for(self, item_id: int, quantity: int, options: dict) -> int:
        """The line price in whole rupiah under the item's tariff (0 for a free item)."""

    def listed_items(self, limit: int) -> list[OrderableItem]:
        """Some released orderable items (for demo data)."""


class CatalogUnavailable(RuntimeError):
    """The catalog cannot answer orders now (a source reports it is down)."""


class _CatalogPackage:
    """The real catalog."""

    def orderable_item(self, item_id: int, user) -> OrderableItem | None:
        return ordering.orderable_item(item_id, user)

    def price_for(self, item_id: int, quantity: int, options: dict) -> int:
        return ordering.price_for(item_id, quantity, options)

    def listed_items(self, limit: int) -> list[OrderableItem]:
        return ordering.orderable_items(limit)


_CATALOG = _CatalogPackage()

CATALOG_SOURCE: registry.Slot[CatalogSource] = registry.Slot(
    "orders.catalog_source", "The CatalogSource orders ask (default: the catalog package; tests put in another).",
    default=lambda app: _CATALOG)


def _source() -> CatalogSource:
    return CATALOG_SOURCE.get()


def set_source(app, source: CatalogSource) -> None:
    """Let ``app``'s orders ask ``source`` instead of the catalog package (the tests' seam)."""
    CATALOG_SOURCE.replace(app, source)


def orderable_item(item_id: int, user) -> OrderableItem | None:
    """The orderable item, or ``None``; a catalog that is down answers 503."""
    try:
        item = _source().orderable_item(item_id, user)
    except CatalogUnavailable as exc:
        from flask_babel import gettext as _


        current_app.logger.error("catalog unavailable to orders: %s", exc)
        raise Unavailable(_("Ordering is not available at the moment. Please try again later.")) from exc
    if item is not None and item.kind not in ORDERABLE_KINDS:
        return None
    return item


def line_price(item_id: int, quantity: int, options: dict) -> int:
    """The line price in whole rupiah; anything else from a source is a programming error."""
    price = _source().price_for(item_id, quantity, options)
    if isinstance(price, bool) or not isinstance(price, int) or price < 0:
        raise CatalogUnavailable(f"the tariff of item {item_id} gave {price!r}, not whole rupiah")
    return price


def listed_items(limit: int = 20) -> list[OrderableItem]:
    """Up to ``limit`` released orderable items (for demo orders)."""
    return [item for item in _source().listed_items(limit) if item.kind in ORDERABLE_KINDS]
