"""No demo table is an empty shell: the API gives cells for every one, and the figures are plausible.

Also: every free demo publication has a PDF that downloads at once.
"""

import sqlalchemy as sa

from catalog import demo
from catalog.models import Access, Item, ItemFile, ItemKind
from core.extensions import db


def _total(document, **fixed):
    """The value at the given codes of a JSON-stat dataset."""
    ids, sizes = document["id"], document["size"]
    pos, step = 0, 1
    for code, size in reversed(list(zip(ids, sizes, strict=True))):
        index = document["dimension"][code]["category"]["index"]
        pos += index[fixed[code]] * step
        step *= size
    return document["value"][pos]


def test_every_demo_table_serves_cells_and_every_free_publication_a_pdf(app, client, frozen_now):
    with app.app_context():
        demo.load()
        tables = db.session.execute(sa.select(Item.id, Item.ref).where(Item.kind == ItemKind.TABLE)).all()
        public = set(db.session.scalars(sa.select(Item.id).where(Item.kind == ItemKind.TABLE, Item.public_clause())))
        free_publications = db.session.scalars(sa.select(Item.id).where(
            Item.kind == ItemKind.PUBLICATION, Item.access == Access.FREE, Item.public_clause())).all()
        files = dict(db.session.execute(sa.select(ItemFile.item_id, ItemFile.id)).all())
    assert len(tables) > 1700
    documents = {}
    for item_id, ref in tables:
        if item_id not in public:
            continue
        response = client.get(f"/api/v1/tables/{item_id}/data")
        assert response.status_code == 200, ref
        document = response.get_json()
        assert any(v is not None for v in document["value"]), ref
        documents[ref] = document
    assert len(documents) > 1500
    # totals add up and sex ratios are sensible
    for ref, document in documents.items():
        if "-pdd-" in ref:
            dims = document["dimension"]
            regency = document["id"] and next(iter(dims["wilayah"]["category"]["index"]))
            districts = [c for c in dims["wilayah"]["category"]["index"] if c != regency]
            for year in dims["tahun"]["category"]["index"]:
                total = _total(document, wilayah=regency, tahun=year, jk="0")
                assert total == sum(_total(document, wilayah=d, tahun=year, jk="0") for d in districts), ref
                men, women = (_total(document, wilayah=regency, tahun=year, jk=s) for s in ("1", "2"))
                assert men + women == total and 0.94 < men / women < 1.06, ref
        if "-pdrb-" in ref:
            for year in document["dimension"]["tahun"]["category"]["index"]:
                parts = [_total(document, lapangan_usaha=c, tahun=year)
                         for c in document["dimension"]["lapangan_usaha"]["category"]["index"] if c != "PDRB"]
                assert abs(_total(document, lapangan_usaha="PDRB", tahun=year) - sum(parts)) < 0.05, ref
    census = documents["demo-dyn-sp2020-35"]
    regencies = [c for c in census["dimension"]["wilayah"]["category"]["index"] if c != "35"]
    assert _total(census, wilayah="35", jk="0") == sum(_total(census, wilayah=c, jk="0") for c in regencies)
    # a free publication's PDF downloads at once
    assert free_publications and all(p in files for p in free_publications)
    response = client.get(f"/catalog/{free_publications[0]}/files/{files[free_publications[0]]}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
