"""A released version's cells never change: not by the import form, the command line, the API or the ORM.

A correction makes version 2 with its changed cells marked revised; version 1 is still served.
"""

import pytest
import sqlalchemy as sa

from catalog.tables import services, store
from catalog.tables.models import CubeChunk, CubeVersion
from core.extensions import db
from tests.catalog.conftest import POVERTY

UNIT = "Direktorat Statistik Kesejahteraan Rakyat"
CORRECTED = POVERTY.replace("5201,Lombok Barat,2022,1,Perkotaan,13.5", "5201,Lombok Barat,2022,1,Perkotaan,13.6")


def _cells(app, item_id, number=None):
    with app.app_context():
        loaded = services.load(item_id, number)
        return {codes: (c.value, c.symbol, c.revised)
                for codes, c in store.cells_by_codes(loaded.structure, store.all_cells(loaded.version.id)).items()}


def _numbers(app, item_id):
    with app.app_context():
        return [v.number for v in services.versions(item_id)]


def _import(client, item_id, text, changelog=""):
    assert client.post(f"/catalog/manage/{item_id}/table", data={"pasted": text, "format": "csv"}).status_code == 302
    preview = client.post(f"/catalog/manage/{item_id}/table/map", data={"do": "preview"})
    assert preview.status_code == 200, preview.get_data(as_text=True)
    form = _form_of(preview.get_data(as_text=True))
    form.update({"role_wilayah": "geo", "role_tahun": "time", "do": "publish", "changelog": changelog})
    return client.post(f"/catalog/manage/{item_id}/table/map", data=form)


def _form_of(html: str) -> dict:
    """The mapping form's fields as the page proposes them (selected options, input values)."""
    import re

    fields = {}
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', html, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body) or re.search(r'<option value="([^"]*)"', body)
        fields[name] = chosen.group(1) if chosen else ""
    for name, value in re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', html):
        fields.setdefault(name, value)
    return fields


def test_a_correction_through_the_form_makes_version_2_and_keeps_version_1(app, client, items, users, login,
                                                                            frozen_now):
    item_id = items.make(kind="table", table=POVERTY, region="52", unit=UNIT)
    before = _cells(app, item_id)
    login(users.make("producer", unit=UNIT))
    refused = _import(client, item_id, CORRECTED)  # released: a changelog is required
    assert refused.status_code == 422
    assert "Jelaskan perubahan pada versi ini" in refused.get_data(as_text=True)
    assert "13.6" in refused.get_data(as_text=True)  # the upload is kept: the preview shows it again
    assert _numbers(app, item_id) == [1] and _cells(app, item_id) == before
    response = _import(client, item_id, CORRECTED, changelog="Koreksi angka Lombok Barat 2022.")
    assert response.status_code == 302
    assert _numbers(app, item_id) == [2, 1]
    assert _cells(app, item_id, 1) == before
    after = _cells(app, item_id)
    assert after[("5201", "2022", "1")] == (13.6, "", True)
    assert [codes for codes, cell in after.items() if cell[2]] == [("5201", "2022", "1")]
    # both versions are served, by number
    old = client.get(f"/api/v1/tables/{item_id}/data?wilayah=5201&tahun=2022&daerah=1&v=1").get_json()
    new = client.get(f"/api/v1/tables/{item_id}/data?wilayah=5201&tahun=2022&daerah=1").get_json()
    assert old["value"] == [13.5] and old["extension"]["version"] == 1
    assert new["value"] == [13.6] and new["extension"]["revised"] == [0] and new["extension"]["version"] == 2
    page = client.get(f"/catalog/{item_id}/table?v=1&wilayah=5201&tahun=2022&daerah=1").get_data(as_text=True)
    assert "13,50" in page  # Indonesian decimal comma, the table's two decimals
    english = client.get(f"/catalog/{item_id}/table?v=1&lang=en").get_data(as_text=True)
    assert "This is an earlier version." in english and "13.50" in english
    assert "This is an earlier version." not in client.get(f"/catalog/{item_id}/table?lang=en").get_data(as_text=True)
    assert client.get(f"/catalog/{item_id}/table.csv?v=1").status_code == 200


def test_a_draft_items_data_is_replaced_not_versioned(app, client, items, users, login, frozen_now):
    item_id = items.make(kind="table", status="draft", region="52", unit=UNIT)
    login(users.make("producer", unit=UNIT))
    assert _import(client, item_id, POVERTY).status_code == 302
    assert _import(client, item_id, CORRECTED).status_code == 302
    assert _numbers(app, item_id) == [1]
    assert _cells(app, item_id)[("5201", "2022", "1")] == (13.6, "", False)


def test_a_replaced_draft_is_shown_with_its_new_structure_and_cells(app, client, items, users, login, frozen_now):
    """The viewer keeps bodies and structures by version id: a replacement is a new id, never the old page."""
    item_id = items.make(kind="table", status="draft", region="52", unit=UNIT)
    login(users.make("producer", unit=UNIT))
    assert _import(client, item_id, POVERTY).status_code == 302
    first = client.get(f"/catalog/{item_id}/table?lang=en").get_data(as_text=True)
    year_column = '<th scope="col" class="text-end">2024</th>'
    changed = '<td class="text-end">31</td>'
    assert year_column not in first and changed not in first
    with app.app_context():
        old_id = services.load(item_id).version.id
    wider = POVERTY.replace("5201,Lombok Barat,2022,1,Perkotaan,13.5", "5201,Lombok Barat,2022,1,Perkotaan,31") + \
        "5201,Lombok Barat,2024,1,Perkotaan,12,,\n"
    assert _import(client, item_id, wider).status_code == 302
    with app.app_context():
        assert services.load(item_id).version.id != old_id
    again = client.get(f"/catalog/{item_id}/table?lang=en").get_data(as_text=True)
    assert year_column in again and changed in again


def test_the_command_line_cannot_change_a_released_version(app, items, frozen_now, tmp_path):
    item_id = items.make(kind="table", table=POVERTY, region="52")
    before = _cells(app, item_id)
    path = tmp_path / "corrected.csv"
    path.write_text(CORRECTED, encoding="utf-8")
    runner = app.test_cli_runner()
    refused = runner.invoke(args=["catalog", "tables", "import", str(item_id), str(path)])
    assert refused.exit_code != 0 and "5000" in refused.output  # "describe what changed (3 to 5000 characters)"
    assert _numbers(app, item_id) == [1] and _cells(app, item_id) == before
    done = runner.invoke(args=["catalog", "tables", "import", str(item_id), str(path), "--changelog", "Koreksi."])
    assert done.exit_code == 0, done.output
    assert "version 2" in done.output and "1 revised" in done.output
    assert _cells(app, item_id, 1) == before


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_the_api_offers_no_way_to_write(app, client, items, frozen_now, method):
    item_id = items.make(kind="table", table=POVERTY, region="52")
    before = _cells(app, item_id)
    response = getattr(client, method)(f"/api/v1/tables/{item_id}/data", json={"value": [0] * 16})
    assert response.status_code == 405
    assert getattr(client, method)(f"/api/v1/tables/{item_id}", json={}).status_code == 405
    refused = client.post(f"/api/v1/tables/{item_id}/data", json={"value": [0] * 16})  # POST only reads a selection
    assert refused.status_code == 400 and "value" in refused.get_json()["errors"]
    assert _cells(app, item_id) == before


def test_stored_cells_and_versions_refuse_an_update(app, items, frozen_now):
    item_id = items.make(kind="table", table=POVERTY, region="52")
    with app.app_context():
        chunk = db.session.scalars(sa.select(CubeChunk).limit(1)).one()
        chunk.figures = bytes(len(chunk.figures))  # every figure of the chunk turned to 0.0
        with pytest.raises(services.ImmutableVersion):
            db.session.flush()
        db.session.rollback()
        version = db.session.scalars(sa.select(CubeVersion).where(CubeVersion.item_id == item_id)).one()
        version.changelog = "diubah diam-diam"
        with pytest.raises(services.ImmutableVersion):
            db.session.commit()
