"""Dynamic-table exports hold exactly the selected numbers, in CSV and XLSX."""

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.catalog.conftest import POVERTY

CELLS = POVERTY["cells"]


def _csv(client, item_id, query):
    response = client.get(f"/catalog/{item_id}/table.csv?{query}")
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))


def _xlsx(client, item_id, query):
    response = client.get(f"/catalog/{item_id}/table.xlsx?{query}")
    assert response.status_code == 200
    rows = list(load_workbook(io.BytesIO(response.data)).active.iter_rows(values_only=True))
    return [["" if v is None else v for v in row] for row in rows[1:]]  # first row is the title


def _number(text):
    return None if text in ("", None) else float(text)


CASES = [
    # (query, expected {(row label, column label): value})
    ("rows=wilayah&cols=tahun&f_daerah=Perkotaan",
     {(r, y): CELLS.get(f"{r}|{y}|Perkotaan") for r in ("Lombok Barat", "Lombok Timur", "Kota Mataram")
      for y in ("2022", "2023")}),
    ("rows=tahun&cols=daerah&f_wilayah=Lombok+Timur",
     {(y, d): CELLS[f"Lombok Timur|{y}|{d}"] for y in ("2022", "2023") for d in ("Perkotaan", "Perdesaan")}),
    ("rows=wilayah&cols=daerah&f_tahun=2022&f_wilayah=Lombok+Barat&f_wilayah=Kota+Mataram",
     {(r, d): CELLS[f"{r}|2022|{d}"] for r in ("Lombok Barat", "Kota Mataram") for d in ("Perkotaan", "Perdesaan")}),
    ("rows=daerah&cols=wilayah",  # tahun neither placed nor filtered: fixed to its last value, 2023
     {(d, r): CELLS.get(f"{r}|2023|{d}") for d in ("Perkotaan", "Perdesaan")
      for r in ("Lombok Barat", "Lombok Timur", "Kota Mataram")}),
]


@pytest.mark.parametrize(("query", "expected"), CASES)
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_equals_the_stored_selection(client, items, frozen_now, query, expected, fmt):
    item_id = items.make(kind="table", table=POVERTY)
    rows = (_csv if fmt == "csv" else _xlsx)(client, item_id, query)
    header, body = rows[0], rows[1:]
    got = {(row[0], column): _number(value) for row in body for column, value in zip(header[1:], row[1:], strict=True)}
    assert got == expected


def test_sum_over_several_filtered_values(client, items, frozen_now):
    item_id = items.make(kind="table", table=POVERTY)
    rows = _csv(client, item_id, "rows=wilayah&f_tahun=2022&f_daerah=Perkotaan&f_daerah=Perdesaan")
    assert rows[1:] == [["Lombok Barat", "28.75"], ["Lombok Timur", "34.0"], ["Kota Mataram", "18.3"]]


def test_viewer_shows_the_selection(client, items, frozen_now):
    item_id = items.make(kind="table", table=POVERTY)
    page = client.get(f"/catalog/{item_id}/table?rows=wilayah&cols=tahun&f_daerah=Perdesaan").get_data(as_text=True)
    assert "17.9" in page and "15.25" in page and "13.5" not in page


def test_table_of_a_draft_is_404(client, items, frozen_now):
    item_id = items.make(kind="table", status="draft", table=POVERTY)
    assert client.get(f"/catalog/{item_id}/table.csv").status_code == 404
