"""Fixtures for the catalog tests: an item factory and a recording search indexer."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime, timedelta

import pytest

from catalog.models import (
    Access,
    Item,
    ItemFile,
    ItemKind,
    ItemVersion,
    ReleaseStatus,
    TableData,
    TariffKind,
    Variable,
)
from core import clock
from core.extensions import db
from core.storage import get_storage

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
_counter = itertools.count(1)

POVERTY = {
    "measure": "Persen",
    "dimensions": [
        {"name": "wilayah", "label": "Kabupaten/Kota", "values": ["Lombok Barat", "Lombok Timur", "Kota Mataram"]},
        {"name": "tahun", "label": "Tahun", "values": ["2022", "2023"]},
        {"name": "daerah", "label": "Daerah", "values": ["Perkotaan", "Perdesaan"]},
    ],
    "cells": {
        "Lombok Barat|2022|Perkotaan": 13.5, "Lombok Barat|2022|Perdesaan": 15.25,
        "Lombok Barat|2023|Perkotaan": 12.75, "Lombok Barat|2023|Perdesaan": 14.0,
        "Lombok Timur|2022|Perkotaan": 16.1, "Lombok Timur|2022|Perdesaan": 17.9,
        "Lombok Timur|2023|Perkotaan": 15.2, "Lombok Timur|2023|Perdesaan": 16.8,
        "Kota Mataram|2022|Perkotaan": 8.9, "Kota Mataram|2022|Perdesaan": 9.4,
        "Kota Mataram|2023|Perkotaan": 8.1,
    },
}


class ItemMaker:
    def __init__(self, app):
        self.app = app

    def make(self, kind: str = "publication", status: str = "released", release_at: datetime | None = None,
             unit: str = "Direktorat Statistik Kependudukan", title: str | None = None, access: str = "free",
             tariff_kind: str = "none", tariff: dict | None = None, region: str = "5203", subject: str = "SOS.MSK",
             year: int = 2024, files: dict[str, bytes] | None = None, variables=(), table: dict | None = None,
             withdrawn_reason: str = "") -> int:
        n = next(_counter)
        if release_at is None and status in ("released", "withdrawn"):
            release_at = clock.now() - timedelta(days=1)
        with self.app.app_context():
            item = Item(kind=ItemKind(kind), title_id=title or f"Statistik Uji {n}", title_en=f"Test Statistics {n}",
                        subject_code=subject, region_code=region, year=year, unit=unit, access=Access(access),
                        tariff_kind=TariffKind(tariff_kind), tariff=tariff or {}, status=ReleaseStatus(status),
                        release_at=release_at, withdrawn_reason=withdrawn_reason, keywords=["uji"],
                        coverage_region=region if kind == "map" else "")
            item.versions = [ItemVersion(number=1, changelog="Rilis pertama.")]
            item.variables = [Variable(position=i, name=name, label=label) for i, (name, label) in enumerate(variables)]
            for filename, content in (files or {}).items():
                import io

                stored = get_storage().save(io.BytesIO(content), prefix="catalog")
                item.files.append(ItemFile(version=1, storage_key=stored.key, filename=filename,
                                           content_type="application/pdf", size=stored.size, sha256=stored.sha256))
            if table:
                item.table_data = TableData(**table)
            db.session.add(item)
            db.session.commit()
            return item.id


@pytest.fixture
def items(app):
    return ItemMaker(app)


@pytest.fixture
def frozen_now():
    with clock.frozen(NOW):
        yield NOW


class RecordingIndexer:
    def __init__(self):
        self.applied: list[tuple[list, list]] = []

    def apply(self, documents, removed):
        self.applied.append((list(documents), list(removed)))

    @property
    def documents(self):
        return [doc for documents, _removed in self.applied for doc in documents]

    @property
    def removed(self):
        return [pair for _documents, removed in self.applied for pair in removed]


@pytest.fixture
def indexer(app):
    from search_index.indexing import set_indexer

    recorder = RecordingIndexer()
    set_indexer(app, recorder)
    return recorder
