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
    TariffKind,
    Variable,
)
from core import clock
from core.extensions import db
from core.storage import get_storage

NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
_counter = itertools.count(1)

POVERTY = """wilayah,wilayah_label,tahun,daerah,daerah_label,value,symbol,note
52,Nusa Tenggara Barat,2022,1,Perkotaan,13.9,,
52,Nusa Tenggara Barat,2022,2,Perdesaan,14.6,,
52,Nusa Tenggara Barat,2023,1,Perkotaan,13.2,*,Angka sementara.
52,Nusa Tenggara Barat,2023,2,Perdesaan,14.1,*,Angka sementara.
5201,Lombok Barat,2022,1,Perkotaan,13.5,,
5201,Lombok Barat,2022,2,Perdesaan,15.25,,
5201,Lombok Barat,2023,1,Perkotaan,12.75,,
5201,Lombok Barat,2023,2,Perdesaan,14,,
5203,Lombok Timur,2022,1,Perkotaan,16.1,,
5203,Lombok Timur,2022,2,Perdesaan,17.9,,
5203,Lombok Timur,2023,1,Perkotaan,15.2,,
5203,Lombok Timur,2023,2,Perdesaan,16.8,,
5271,Kota Mataram,2022,1,Perkotaan,8.9,,
5271,Kota Mataram,2022,2,Perdesaan,9.4,,
5271,Kota Mataram,2023,1,Perkotaan,8.1,,
5271,Kota Mataram,2023,2,Perdesaan,,x,
"""


def put_cube(item_id: int, text: str, roles: dict | None = None, unit: str = "Persen", decimals: int = 2) -> None:
    """Store tidy CSV ``text`` as version 1 of the item's cube, as the demo does (no service, any status)."""
    from catalog.tables import store
    from catalog.tables.formats import records
    from catalog.tables.models import CubeVersion

    rows, problems = records.read_csv(text.encode())
    assert not problems
    mapping = records.guess(rows, "tidy")
    mapping.roles.update(roles or {"wilayah": "geo", "tahun": "time"})
    mapping.unit, mapping.decimals = {"id": unit, "en": "Percent" if unit == "Persen" else unit}, decimals
    mapping.labels.update({"wilayah": {"id": "Wilayah", "en": "Region"}, "tahun": {"id": "Tahun", "en": "Year"},
                           "daerah": {"id": "Daerah", "en": "Area"}})
    draft = records.build(rows, mapping)
    assert draft.ok, draft.problems
    for d in draft.structure.dimensions:
        for v in d.values:
            v.label["en"] = {"Perkotaan": "Urban", "Perdesaan": "Rural"}.get(v.label["id"], v.label["en"])
    draft.structure.source = {"id": "Badan Pusat Statistik", "en": "BPS-Statistics Indonesia"}
    version = CubeVersion(item_id=item_id, number=1, changelog="Rilis pertama.", structure=draft.structure.to_json(),
                          cell_count=len(draft.cells))
    db.session.add(version)
    store.write_cells(version, draft.structure, draft.cells)


class ItemMaker:
    def __init__(self, app):
        self.app = app

    def make(self, kind: str = "publication", status: str = "released", release_at: datetime | None = None,
             unit: str = "Direktorat Statistik Kependudukan", title: str | None = None, access: str = "free",
             tariff_kind: str = "none", tariff: dict | None = None, region: str = "5203", subject: str = "SOS.MSK",
             year: int = 2024, files: dict[str, bytes] | None = None, variables=(), table: str | None = None,
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
            db.session.add(item)
            if table:
                db.session.flush()
                put_cube(item.id, table)
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
