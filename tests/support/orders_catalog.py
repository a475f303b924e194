"""A small in-memory catalog for the orders tests, put in through ``orders.catalog_port.set_source``.

It implements ``orders.catalog_port.CatalogSource`` with in-memory items and a
simple tariff (unit price × quantity, regressive for microdata), and stores each
item's ready file in the app's real storage so delivery streams real bytes.
"""

from __future__ import annotations

import io

from orders.catalog_port import OrderableItem, ReadyFile, set_source

PUBLICATION_FREE = 1
PUBLICATION_PAID = 2
MAP = 3
MICRODATA = 4
TABLE = 5

PRICES = {PUBLICATION_FREE: 0, PUBLICATION_PAID: 150_000, MAP: 250_000, MICRODATA: 1_250_000, TABLE: 0}


class TestCatalog:
    def __init__(self, items: dict[int, OrderableItem], hidden: set[int] | None = None):
        self.items = items
        self.hidden = hidden or set()

    def orderable_item(self, item_id, user):
        return None if item_id in self.hidden else self.items.get(item_id)

    def price_for(self, item_id, quantity, options):
        unit = PRICES[item_id]
        if item_id == MICRODATA and quantity > 1:  # regressive: each further unit at 60 %
            return unit + (quantity - 1) * unit * 6 // 10
        return unit * quantity

    def listed_items(self, limit):
        return list(self.items.values())[:limit]


def _ready(app, name: str, content: bytes) -> ReadyFile:
    from core.storage import get_storage

    with app.app_context():
        stored = get_storage().save(io.BytesIO(content), prefix="catalog")
    return ReadyFile(storage_key=stored.key, filename=name, size=stored.size, sha256=stored.sha256)


def install(app) -> TestCatalog:
    """Register the test catalog on ``app`` and return it."""
    items = {
        PUBLICATION_FREE: OrderableItem(PUBLICATION_FREE, "publication", "Statistik Indonesia 2026",
                                        ready_files=(_ready(app, "statistik-indonesia-2026.pdf", b"%PDF free"),)),
        PUBLICATION_PAID: OrderableItem(PUBLICATION_PAID, "publication", "Proyeksi Penduduk 2020-2050",
                                        ready_files=(_ready(app, "proyeksi.pdf", b"%PDF paid publication"),)),
        MAP: OrderableItem(MAP, "map", "Peta Wilkerstat", regions=("5203", "5271"),
                           ready_files=(_ready(app, "wilkerstat.zip", b"PK map data"),)),
        MICRODATA: OrderableItem(MICRODATA, "microdata", "Susenas Maret 2025", variables=("r101", "r102", "r105")),
        TABLE: OrderableItem(TABLE, "table", "Tabel dinamis"),
    }
    catalog = TestCatalog(items)
    set_source(app, catalog)
    return catalog
