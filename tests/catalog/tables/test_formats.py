"""Exports read back by independent readers, and import → export → import keeps every cell, per format.

JSON-stat 2.0 is checked by ``jsonstat-validator`` and read back by ``pyjstat``; PC-Axis by
``pyaxis``; CSV and XLSX by ``csv`` and openpyxl.  The round trips go through the real import
(``catalog.tables.imports``) and the real exports served by the API.
"""

import csv
import io
import json
import math

import pytest
from jsonstat_validator import validate_jsonstat
from openpyxl import load_workbook
from pyaxis import pyaxis
from pyjstat import pyjstat

from catalog.tables import imports, services
from catalog.tables.cube import Cell
from tests.catalog.conftest import POVERTY

CELLS = {("52", "2022", "1"): 13.9, ("5271", "2023", "2"): None, ("5201", "2023", "2"): 14.0}


def _stored(app, item_id):
    with app.app_context():
        loaded = services.load(item_id)
        from catalog.tables import store

        return store.cells_by_codes(loaded.structure, store.all_cells(loaded.version.id)), loaded.structure


def test_jsonstat_passes_the_validator_and_reads_back_with_pyjstat(app, client, items, frozen_now):
    item_id = items.make(kind="table", table=POVERTY, region="52")
    response = client.get(f"/api/v1/tables/{item_id}/data")
    assert response.status_code == 200 and response.mimetype == "application/json"
    document = response.get_json()
    assert validate_jsonstat(document) is True
    assert document["role"] == {"geo": ["wilayah"], "time": ["tahun"]}
    assert document["dimension"]["wilayah"]["category"]["child"] == {"52": ["5201", "5203", "5271"]}
    assert document["status"]  # the provisional marks and the confidential cell
    frame = pyjstat.Dataset.read(response.get_data(as_text=True)).write("dataframe", naming="id")
    stored, _structure = _stored(app, item_id)
    read_back = {(row["wilayah"], row["tahun"], row["daerah"]): row["value"] for _i, row in frame.iterrows()}
    assert len(read_back) == 16
    for codes, cell in stored.items():
        value = read_back[codes]
        assert (cell.value is None and (value is None or math.isnan(value))) or value == pytest.approx(cell.value)


def test_pc_axis_reads_back_with_pyaxis(app, client, items, frozen_now, tmp_path):
    item_id = items.make(kind="table", table=POVERTY, region="52")
    response = client.get(f"/api/v1/tables/{item_id}/data?format=px&lang=en")
    assert response.status_code == 200
    path = tmp_path / "table.px"
    path.write_bytes(response.data)
    parsed = pyaxis.parse(str(path), encoding="utf-8")
    assert parsed["METADATA"]["CODES(Region)"] == ["52", "5201", "5203", "5271"]
    frame = parsed["DATA"]
    got = {(row["Region"], row["Year"], row["Area"]): row["DATA"] for _i, row in frame.iterrows()}
    assert got[("Nusa Tenggara Barat", "2022", "Urban")] == "13.9"
    assert got[("Kota Mataram", "2023", "Rural")] == '"..."'  # confidential
    stored, _structure = _stored(app, item_id)
    numbers = [float(v) for v in got.values() if not v.startswith('"')]
    assert sorted(numbers) == sorted(c.value for c in stored.values() if c.value is not None)


def _same(a: dict, b: dict) -> bool:
    return {k: (c.value, c.symbol, c.note) for k, c in a.items()} == {k: (c.value, c.symbol, c.note)
                                                                      for k, c in b.items()}


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "px", "jsonstat"])
def test_import_export_import_keeps_every_cell(app, client, items, frozen_now, fmt):
    item_id = items.make(kind="table", table=POVERTY, region="52")
    stored, structure = _stored(app, item_id)
    exported = client.get(f"/api/v1/tables/{item_id}/data?format={fmt}")
    assert exported.status_code == 200
    with app.test_request_context():
        first = imports.read(exported.data, "auto", f"table.{fmt}")
        assert first.draft.ok, first.draft.problems
        assert _same(first.draft.cells, stored)
        assert [d.code for d in first.draft.structure.dimensions] == [d.code for d in structure.dimensions]
        assert [[v.code for v in d.values] for d in first.draft.structure.dimensions] == \
            [[v.code for v in d.values] for d in structure.dimensions]
        # and once more through the cube store: publish, export, import
        from catalog.tables import store
        from catalog.tables.models import CubeVersion
        from core.extensions import db

        target = items.make(kind="table", status="draft", region="52")
        version = CubeVersion(item_id=target, number=1, structure=first.draft.structure.to_json(), cell_count=0)
        db.session.add(version)
        store.write_cells(version, first.draft.structure, first.draft.cells)
        db.session.commit()
        again = store.cells_by_codes(first.draft.structure, store.all_cells(version.id))
        assert _same(again, stored)


def test_csv_and_xlsx_exports_carry_the_metadata_and_neutralise_formulas(app, client, items, frozen_now):
    item_id = items.make(kind="table", table=POVERTY.replace("Lombok Barat", "=HYPERLINK(1)"), region="52")
    query = "wilayah=5201,5203&tahun=2023&daerah=1"
    text = client.get(f"/catalog/{item_id}/table.csv?{query}&lang=en").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    meta = {row[0]: row[1] for row in rows if row and row[0].startswith("#")}
    assert meta["# Unit"] == "Percent" and meta["# Source"] == "BPS-Statistics Indonesia"
    assert meta["# Selection: Region"] == "'=HYPERLINK(1) (5201); Lombok Timur (5203)"
    assert meta["# Selection: Year"] == "2023 (2023)" and meta["# Version"] == "1"
    assert meta["# Link"].endswith("v=1")
    body = [row for row in rows if row and not row[0].startswith("#")]
    assert body[0][:2] == ["wilayah", "wilayah_label"]
    assert [r[1] for r in body[1:]] == ["'=HYPERLINK(1)", "Lombok Timur"]
    assert [r[6] for r in body[1:]] == ["12.75", "15.2"]
    workbook = load_workbook(io.BytesIO(client.get(f"/catalog/{item_id}/table.xlsx?{query}&lang=id").data))
    assert workbook.sheetnames == ["Data", "Metadata"]
    data = list(workbook["Data"].iter_rows(values_only=True))
    assert data[1][1] == "'=HYPERLINK(1)" and data[1][6] == 12.75
    metadata = {row[0]: row[1] for row in workbook["Metadata"].iter_rows(values_only=True)}
    assert metadata["Satuan"] == "Persen" and "Lombok Timur (5203)" in metadata["Pilihan: Wilayah"]


def test_wide_csv_import_gives_the_same_cells_as_tidy(app):
    wide = "wilayah,2022,2023\n52,13.9,13.2*\n5201,13.5,-\n5271,8.9,…\n"
    with app.test_request_context():
        reading = imports.read(wide.encode(), "csv", "wide.csv")
        assert reading.mapping.layout == "wide"
        reading.mapping.roles.update(wilayah="geo", tahun="time")
        reading = imports.read(wide.encode(), "csv", "wide.csv", mapping=reading.mapping)
        assert reading.draft.ok, reading.draft.problems
        assert reading.draft.cells == {("52", "2022"): Cell(13.9), ("52", "2023"): Cell(13.2, "*"),
                                       ("5201", "2022"): Cell(13.5), ("5201", "2023"): Cell(None, "-"),
                                       ("5271", "2022"): Cell(8.9), ("5271", "2023"): Cell(None, "…")}
        geo = reading.draft.structure.dimensions[0]
        assert geo.value("5271").label["id"] == "Kota Mataram" and geo.value("5271").parent == "52"


def test_jsonstat_of_a_measure_dimension_names_units_and_decimals(app, client, items, frozen_now):
    from catalog.tables import demo

    item_id = items.make(kind="table", region="5271")
    with app.app_context():
        import random

        from catalog.tables import store
        from catalog.tables.models import CubeVersion
        from core.extensions import db

        structure, cells = demo.prices(random.Random(1), ["5271"], 2024, 3, with_index=True)
        version = CubeVersion(item_id=item_id, number=1, structure=structure.to_json(), cell_count=len(cells))
        db.session.add(version)
        store.write_cells(version, structure, cells)
        db.session.commit()
    document = client.get(f"/api/v1/tables/{item_id}/data?kelompok=0&lang=en").get_json()
    assert validate_jsonstat(document) is True
    assert document["role"]["metric"] == ["ukuran"]
    assert document["dimension"]["ukuran"]["category"]["unit"]["ihk"] == {"label": "Index", "decimals": 2}
    assert document["size"] == [1, 3, 1, 2]
    assert json.dumps(document)  # finite numbers only


def test_a_clean_tidy_file_read_by_columns_gives_what_the_row_by_row_reading_gives(app):
    """A clean file is read column by column; one blank line sends it through the row-by-row reading."""
    clean = "wilayah,wilayah_label,tahun,kategori,value,note\n" + "".join(
        f"{region},Wilayah {region},{year},K{k}, {year - 2000 + k * 0.25} ,{'angka sementara' if k == 2 else ''}\n"
        for region in ("52", "5201", "5271") for year in (2021, 2022, 2023) for k in range(3))
    blank_line = clean.replace("\n5201,", "\n\n5201,", 1)
    with app.test_request_context():
        by_columns = imports.read(clean.encode(), "csv", "clean.csv").draft
        by_rows = imports.read(blank_line.encode(), "csv", "blank.csv").draft
    assert by_columns.ok and by_rows.ok, (by_columns.problems, by_rows.problems)
    assert by_columns._cells is None and by_rows._cells is not None  # each took its own way (formats.columns, records)
    assert by_columns.cells == by_rows.cells and len(by_columns.cells) == 27
    assert by_columns.cells[("5201", "2022", "K2")] == Cell(22.5, "", 1)
    assert by_columns.structure.to_json() == by_rows.structure.to_json()
    assert by_columns.stored_form() == by_rows.stored_form()
