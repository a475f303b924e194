"""The table API: metadata, GET and POST selections, clear 400/413 problems, caching headers, visibility."""

import pytest

from tests.catalog.conftest import POVERTY


@pytest.fixture
def table(items, frozen_now):
    return items.make(kind="table", table=POVERTY, region="52")


def test_metadata_lists_dimensions_values_roles_and_versions(client, table):
    body = client.get(f"/api/v1/tables/{table}?lang=en").get_json()
    assert [d["code"] for d in body["dimensions"]] == ["wilayah", "tahun", "daerah"]
    assert [d["role"] for d in body["dimensions"]] == ["geo", "time", "other"]
    region = body["dimensions"][0]
    assert region["label"] == {"id": "Wilayah", "en": "Region"}
    assert region["values"][1] == {"code": "5201", "label": {"id": "Lombok Barat", "en": "Lombok Barat"},
                                   "parent": "52"}
    assert body["versions"] == [{"number": 1, "published_at": body["published_at"], "changelog": "Rilis pertama.",
                                 "revised_cells": 0}]
    assert body["cells"] == 16 and body["size"] == 16


def test_get_and_post_give_the_same_selection(client, table):
    got = client.get(f"/api/v1/tables/{table}/data?wilayah=52%2B&tahun=2023&daerah=2")
    posted = client.post(f"/api/v1/tables/{table}/data",
                         json={"selection": {"wilayah": ["52+"], "tahun": ["2023"], "daerah": "2"}})
    assert got.status_code == posted.status_code == 200
    assert got.get_json()["value"] == posted.get_json()["value"] == [14.1, 14.0, 16.8, None]
    assert got.get_json()["status"] == {"0": "*", "3": "x"}
    assert got.get_json()["size"] == [4, 1, 1]


@pytest.mark.parametrize("fmt, media", [("csv", "text/csv"), ("xlsx", "application/vnd.openxmlformats-"
                                                                       "officedocument.spreadsheetml.sheet")])
def test_other_formats_on_request(client, table, fmt, media):
    response = client.post(f"/api/v1/tables/{table}/data", json={"selection": {"tahun": ["2022"]}, "format": fmt})
    assert response.status_code == 200 and response.mimetype == media
    assert response.headers["Content-Disposition"].endswith(f"v1.{fmt}")


def test_unknown_codes_are_a_400_naming_each(client, table):
    response = client.get(f"/api/v1/tables/{table}/data?wilayah=52,9999&kota=1&lang=en")
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["errors"] == {"wilayah": ["Unknown code 9999 in wilayah."], "kota": ["Unknown dimension kota."]}
    bad = client.post(f"/api/v1/tables/{table}/data", data="[1]", content_type="application/json")
    assert bad.status_code == 400
    assert client.get(f"/api/v1/tables/{table}/data?format=sdmx").status_code == 400
    assert client.get(f"/api/v1/tables/{table}/data?v=abc").status_code == 400


def test_a_selection_over_the_cell_limit_is_a_413(app, client, table):
    app.config["STATDESK_TABLE_CELL_LIMIT"] = 15
    response = client.get(f"/api/v1/tables/{table}/data")
    assert response.status_code == 413
    assert response.get_json()["cells"] == 16 and response.get_json()["limit"] == 15
    assert client.get(f"/api/v1/tables/{table}/data?tahun=2022").status_code == 200
    assert client.get(f"/catalog/{table}/table.csv?wilayah=52%2B&tahun=2022,2023&daerah=1,2").status_code == 413


def test_etag_and_last_modified_answer_304(client, table):
    first = client.get(f"/api/v1/tables/{table}/data?tahun=2022")
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]
    assert etag and modified
    assert client.get(f"/api/v1/tables/{table}/data?tahun=2022", headers={"If-None-Match": etag}).status_code == 304
    assert client.get(f"/api/v1/tables/{table}/data?tahun=2022",
                      headers={"If-Modified-Since": modified}).status_code == 304
    other = client.get(f"/api/v1/tables/{table}/data?tahun=2023", headers={"If-None-Match": etag})
    assert other.status_code == 200 and other.headers["ETag"] != etag
    english = client.get(f"/api/v1/tables/{table}/data?tahun=2022&lang=en", headers={"If-None-Match": etag})
    assert english.status_code == 200  # labels differ by language, so does the tag


@pytest.mark.parametrize("make", [{"status": "draft"}, {"kind": "publication"}, {"status": "withdrawn"},
                                  {"access": "paid", "tariff_kind": "flat", "tariff": {"price": 5}}])
def test_only_public_free_tables_are_served(client, items, frozen_now, make):
    item_id = items.make(**{"kind": "table", "table": POVERTY, **make})
    assert client.get(f"/api/v1/tables/{item_id}").status_code == 404
    assert client.get(f"/api/v1/tables/{item_id}/data").status_code == 404


def test_a_table_without_data_is_a_404_problem(client, items, frozen_now):
    item_id = items.make(kind="table")
    response = client.get(f"/api/v1/tables/{item_id}/data")
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
