"""The orders port works against the real catalog."""

from datetime import timedelta

from orders import catalog_port

BRACKETS = {"brackets": [[1, 500000], [11, 300000]]}


def test_released_microdata_is_orderable_with_its_variables(app, items, frozen_now):
    item_id = items.make(kind="microdata", access="paid", tariff_kind="regressive", tariff=BRACKETS,
                         variables=[("r101", "Provinsi"), ("r405", "Jenis kelamin")], files={"x.pdf": b"%PDF-1.4"})
    with app.test_request_context():
        item = catalog_port.orderable_item(item_id, None)
        assert (item.id, item.kind, item.variables, item.needs_preparation) == (item_id, "microdata",
                                                                                ("r101", "r405"), True)
        assert item.ready_files == ()
        assert catalog_port.line_price(item_id, 12, {"variables": ["r101"]}) == 10 * 500000 + 2 * 300000


def test_publication_hands_over_its_ready_files(app, items, frozen_now):
    item_id = items.make(kind="publication", access="paid", tariff_kind="flat", tariff={"price": 75000},
                         files={"statistik-indonesia.pdf": b"%PDF-1.4 isi"})
    with app.test_request_context():
        item = catalog_port.orderable_item(item_id, None)
        (ready,) = item.ready_files
        assert (ready.filename, ready.size, len(ready.sha256)) == ("statistik-indonesia.pdf", 12, 64)
        assert not item.needs_preparation
        assert catalog_port.line_price(item_id, 3, {}) == 75000


def test_map_of_a_province_is_sold_per_regency(app, items, frozen_now):
    item_id = items.make(kind="map", region="52", access="paid", tariff_kind="per_unit", tariff={"unit_price": 25000})
    with app.test_request_context():
        item = catalog_port.orderable_item(item_id, None)
        assert "5203" in item.regions and "5271" in item.regions and "3578" not in item.regions
        assert catalog_port.line_price(item_id, 2, {"region": "5203"}) == 50000


def test_unreleased_withdrawn_and_table_items_are_not_orderable(app, items, frozen_now):
    draft = items.make(kind="publication", status="draft")
    scheduled = items.make(kind="publication", status="scheduled", release_at=frozen_now + timedelta(days=1))
    withdrawn = items.make(kind="publication", status="withdrawn")
    table = items.make(kind="table")
    with app.test_request_context():
        assert [catalog_port.orderable_item(i, None) for i in (draft, scheduled, withdrawn, table)] == [None] * 4


def test_listed_items_come_from_the_catalog(app, items, frozen_now):
    released = items.make(kind="map", access="paid", tariff_kind="per_unit", tariff={"unit_price": 25000})
    items.make(kind="map", status="draft")
    with app.test_request_context():
        assert [i.id for i in catalog_port.listed_items(10)] == [released]


def test_item_page_offers_the_cart_form_of_orders(client, items, frozen_now):
    item_id = items.make(kind="microdata", access="paid", tariff_kind="regressive", tariff=BRACKETS,
                         variables=[("r101", "Provinsi")])
    page = client.get(f"/catalog/{item_id}").get_data(as_text=True)
    assert 'action="/cart/add"' in page and 'name="variables"' in page and f'value="{item_id}"' in page
    assert f"/consultations/new?item={item_id}" in page
