"""Producers create, edit, schedule, version and withdraw their own unit's items; supervisors all."""

from datetime import timedelta

import sqlalchemy as sa

from catalog.models import Item, ReleaseStatus
from core.extensions import db

UNIT = "Direktorat Statistik Kesejahteraan Rakyat"
FORM = {"kind": "microdata", "title_id": "Data Mikro Susenas Maret 2025, Nusa Tenggara Barat",
        "title_en": "Susenas March 2025 Microdata, West Nusa Tenggara", "abstract_id": "Data mikro rumah tangga.",
        "keywords": "susenas, kemiskinan", "subject_code": "SOS.MSK", "region_code": "52", "year": "2025",
        "reference_period": "Maret 2025", "access": "paid", "tariff_kind": "regressive",
        "brackets": "1:500000, 11:300000", "variables": "r101;Provinsi;numeric\nr405;Jenis kelamin;numeric"}


def _item(app, item_id):
    with app.app_context():
        item = db.session.get(Item, item_id)
        db.session.expunge_all()
        return item


def _create(client, **changes):
    return client.post("/catalog/manage/new", data={**FORM, **changes})


def test_producer_creates_a_draft_in_their_own_unit(app, client, users, login):
    login(users.make("producer", unit=UNIT))
    response = _create(client, unit="Direktorat Lain")
    assert response.status_code == 302
    with app.app_context():
        item = db.session.scalars(sa.select(Item)).one()
        assert (item.unit, item.status, item.tariff) == (UNIT, ReleaseStatus.DRAFT,
                                                         {"brackets": [[1, 500000], [11, 300000]]})
        assert [v.name for v in item.variables] == ["r101", "r405"]


def test_invalid_item_gets_a_clear_422_and_nothing_is_stored(app, client, users, login):
    login(users.make("producer", unit=UNIT))
    response = _create(client, brackets="1:100, 5:900")
    assert response.status_code == 422
    assert "tidak boleh naik" in response.get_data(as_text=True) or "may not rise" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Item.id))) == 0


def test_producer_cannot_see_or_edit_another_units_item(client, items, users, login):
    item_id = items.make(status="draft", unit="Direktorat Statistik Harga")
    login(users.make("producer", unit=UNIT))
    assert client.get(f"/catalog/manage/{item_id}").status_code == 404
    assert client.post(f"/catalog/manage/{item_id}/edit", data=FORM).status_code == 404
    assert client.post(f"/catalog/manage/{item_id}/withdraw", data={"reason": "Tidak berhak"}).status_code == 404


def test_supervisor_edits_any_unit(app, client, items, users, login):
    item_id = items.make(status="draft", unit="Direktorat Statistik Harga")
    login(users.make("supervisor"))
    response = client.post(f"/catalog/manage/{item_id}/edit", data={**FORM, "unit": "Direktorat Statistik Harga"})
    assert response.status_code == 302
    assert _item(app, item_id).title_id == FORM["title_id"]


def test_consumer_gets_403_on_producer_pages(client, users, login):
    login(users.make("consumer"))
    assert client.get("/catalog/manage/").status_code == 403


def test_schedule_then_release_time_makes_it_public(app, client, items, users, login, frozen_now):
    item_id = items.make(status="draft", unit=UNIT)
    login(users.make("producer", unit=UNIT))
    response = client.post(f"/catalog/manage/{item_id}/schedule", data={"release_at": "2026-03-05T09:00"})
    assert response.status_code == 302
    item = _item(app, item_id)
    assert item.status is ReleaseStatus.SCHEDULED
    assert item.release_at == frozen_now.replace(day=5, hour=2)  # 09:00 WIB
    client.post("/logout")
    assert client.get(f"/catalog/{item_id}").status_code == 404
    from core import clock

    clock.advance(timedelta(days=3, hours=1))
    assert client.get(f"/catalog/{item_id}").status_code == 200


def test_new_version_with_changelog(app, client, items, users, login, frozen_now):
    item_id = items.make(unit=UNIT)
    login(users.make("producer", unit=UNIT))
    response = client.post(f"/catalog/manage/{item_id}/version", data={"changelog": "Revisi angka 2023."})
    assert response.status_code == 302
    item = _item(app, item_id)
    assert item.version == 2
    page = client.get(f"/catalog/{item_id}").get_data(as_text=True)
    assert "Revisi angka 2023." in page


def test_version_without_changelog_is_refused(client, items, users, login, frozen_now):
    item_id = items.make(unit=UNIT)
    login(users.make("producer", unit=UNIT))
    assert client.post(f"/catalog/manage/{item_id}/version", data={"changelog": ""}).status_code == 422


def test_withdraw_with_reason(app, client, items, users, login, frozen_now):
    item_id = items.make(unit=UNIT)
    login(users.make("producer", unit=UNIT))
    response = client.post(f"/catalog/manage/{item_id}/withdraw", data={"reason": "Data direvisi total."})
    assert response.status_code == 302
    assert _item(app, item_id).status is ReleaseStatus.WITHDRAWN
    assert client.post(f"/catalog/manage/{item_id}/withdraw", data={"reason": "Lagi dan lagi."}).status_code == 409


def test_table_data_saved_from_pasted_csv(app, client, items, users, login, frozen_now):
    from tests.catalog.conftest import POVERTY

    item_id = items.make(kind="table", unit=UNIT)
    login(users.make("producer", unit=UNIT))
    assert client.post(f"/catalog/manage/{item_id}/table", data={"pasted": POVERTY}).status_code == 302
    assert client.post(f"/catalog/manage/{item_id}/table/map", data={"do": "publish", "role_wilayah": "geo",
                                                                     "role_tahun": "time"}).status_code == 302
    assert client.get(f"/catalog/{item_id}/table").status_code == 200
    bad = POVERTY.replace("5271,Kota Mataram", "9999,Nowhere")
    assert client.post(f"/catalog/manage/{item_id}/table", data={"pasted": bad}).status_code == 302
    page = client.post(f"/catalog/manage/{item_id}/table/map", data={"do": "publish", "role_wilayah": "geo"})
    assert page.status_code == 422 and "9999" in page.get_data(as_text=True)


def test_each_kind_has_working_producer_and_public_pages(client, items, users, login, frozen_now):
    login(users.make("admin"))
    for kind in ("table", "publication", "microdata", "map"):
        response = _create(client, kind=kind, title_id=f"Uji jenis {kind}", access="free", tariff_kind="none",
                           unit="Direktorat Diseminasi Statistik")
        assert response.status_code == 302, kind
        item_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])
        assert client.get(f"/catalog/manage/{item_id}").status_code == 200
        assert client.get(f"/catalog/manage/{item_id}/edit").status_code == 200
        assert client.post(f"/catalog/manage/{item_id}/release").status_code == 302
        assert f"Uji jenis {kind}" in client.get(f"/catalog/{item_id}").get_data(as_text=True)
        assert f"Uji jenis {kind}" in client.get(f"/catalog/?kind={kind}").get_data(as_text=True)
