"""Numbers beyond their column and table data of the wrong shape get field errors and a 4xx, never a 500."""

import json

import pytest
import sqlalchemy as sa

from catalog.models import Item
from core.extensions import db
from tests.catalog.test_producer_pages import FORM, UNIT


def _count(app) -> int:
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.count(Item.id)))


@pytest.mark.parametrize("field", ["year", "price"])
@pytest.mark.parametrize("value", ["9" * 400, "-" + "9" * 400, str(2**63)])
def test_a_huge_number_is_a_field_error_and_nothing_is_stored(app, client, users, login, field, value):
    login(users.make("producer", unit=UNIT))
    response = client.post("/catalog/manage/new", data={**FORM, "tariff_kind": "flat", field: value})
    assert 400 <= response.status_code < 500
    assert "Angka terlalu besar" in response.get_data(as_text=True) or field == "year"
    assert _count(app) == 0


def test_the_field_error_speaks_english_with_the_english_locale(app, client, users, login):
    login(users.make("producer", unit=UNIT, locale="en"))
    response = client.post("/catalog/manage/new?lang=en", data={**FORM, "tariff_kind": "flat", "price": "9" * 400})
    assert 400 <= response.status_code < 500
    assert "The number is too large." in response.get_data(as_text=True)


def test_a_price_above_the_tariff_cap_is_refused(app, client, users, login):
    login(users.make("producer", unit=UNIT))
    response = client.post("/catalog/manage/new", data={**FORM, "tariff_kind": "flat", "price": str(10**16)})
    assert response.status_code == 422
    assert "paling banyak" in response.get_data(as_text=True)
    assert _count(app) == 0


@pytest.mark.parametrize("data", [
    {"class": "dataset", "id": "x", "size": [1], "dimension": {}, "value": []},
    {"class": "dataset", "id": ["a"], "size": [1], "dimension": {"a": None}, "value": [1]},
    {"class": "dataset", "id": ["a"], "size": [1], "dimension": {"a": {"category": {"index": [None]}}},
     "value": [1]},
    {"class": "dataset", "id": ["a"], "size": [1], "dimension": {"a": {"category": {"index": ["1"]}}},
     "value": {"0": "banyak"}},
    {"class": "dataset", "id": ["a"], "size": [1], "dimension": {"a": {"category": {"index": ["1"]}}},
     "value": [1e308 * 10]},
], ids=["text id", "null dimension", "null value", "text cell", "infinite cell"])
def test_table_data_of_the_wrong_shape_is_a_422_and_stores_nothing(app, client, items, users, login, data):
    import io

    from catalog.tables import services

    item_id = items.make(kind="table", unit=UNIT)
    login(users.make("producer", unit=UNIT))
    text = json.dumps(data).replace("Infinity", "1e400")
    response = client.post(f"/catalog/manage/{item_id}/table", data={"file": (io.BytesIO(text.encode()), "t.json"),
                                                                       "format": "jsonstat"},
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert client.get(f"/catalog/manage/{item_id}/table/map").status_code == 422
    assert client.post(f"/catalog/manage/{item_id}/table/map", data={"do": "publish"}).status_code == 422
    with app.app_context():
        assert services.load(item_id) is None
