"""Drafts and scheduled items stay hidden until their release time; withdrawn items show a notice."""

from datetime import timedelta

from catalog import services, signals
from core import clock


def test_draft_is_404_and_absent_from_lists(client, items, frozen_now):
    item_id = items.make(status="draft", title="Draf Rahasia Kemiskinan")
    assert client.get(f"/catalog/{item_id}").status_code == 404
    assert "Draf Rahasia" not in client.get("/catalog/").get_data(as_text=True)
    assert "Draf Rahasia" not in client.get("/").get_data(as_text=True)


def test_scheduled_item_hidden_until_its_release_time_then_visible(client, items, frozen_now):
    item_id = items.make(status="scheduled", release_at=frozen_now + timedelta(hours=2),
                         title="Inflasi Maret Terjadwal")
    assert client.get(f"/catalog/{item_id}").status_code == 404
    assert "Inflasi Maret Terjadwal" not in client.get("/catalog/").get_data(as_text=True)
    clock.advance(timedelta(hours=2))  # no sweep has run: visibility follows the clock
    assert client.get(f"/catalog/{item_id}").status_code == 200
    assert "Inflasi Maret Terjadwal" in client.get("/catalog/").get_data(as_text=True)


def test_upcoming_release_is_listed_on_home_without_a_link(client, items, frozen_now):
    item_id = items.make(status="scheduled", release_at=frozen_now + timedelta(days=3), title="Susenas Akan Datang")
    page = client.get("/").get_data(as_text=True)
    assert "Susenas Akan Datang" in page
    assert f"/catalog/{item_id}" not in page


def test_release_sweep_flips_due_items_and_announces_them_once(app, items, frozen_now):
    due = items.make(status="scheduled", release_at=frozen_now - timedelta(minutes=1))
    later = items.make(status="scheduled", release_at=frozen_now + timedelta(days=1))
    announced = []
    with app.app_context(), signals.item_released.connected_to(lambda sender, **kw: announced.append(kw["item_id"])):
        assert services.release_due() == 1
        assert services.release_due() == 0
        from catalog.models import Item, ReleaseStatus
        from core.extensions import db

        assert db.session.get(Item, due).status is ReleaseStatus.RELEASED
        assert db.session.get(Item, later).status is ReleaseStatus.SCHEDULED
    assert announced == [due]


def test_withdrawn_item_shows_notice_and_no_files(client, items, frozen_now):
    item_id = items.make(status="withdrawn", withdrawn_reason="Kesalahan penimbang, diganti edisi revisi.",
                         files={"laporan.pdf": b"%PDF-1.4 isi"})
    page = client.get(f"/catalog/{item_id}").get_data(as_text=True)
    assert "withdrawn-notice" in page and "Kesalahan penimbang" in page
    assert "laporan.pdf" not in page
    assert f"/catalog/{item_id}" not in client.get("/catalog/").get_data(as_text=True)


def test_withdrawn_item_file_download_is_404(app, client, items, frozen_now):
    item_id = items.make(status="released", files={"laporan.pdf": b"%PDF-1.4 isi"})
    with app.app_context():
        from catalog.models import Item
        from core.extensions import db

        item = db.session.get(Item, item_id)
        file_id = item.files[0].id
    assert client.get(f"/catalog/{item_id}/files/{file_id}").data == b"%PDF-1.4 isi"
    with app.app_context():
        from catalog.models import Item, ReleaseStatus
        from core.extensions import db

        db.session.get(Item, item_id).status = ReleaseStatus.WITHDRAWN
        db.session.commit()
    assert client.get(f"/catalog/{item_id}/files/{file_id}").status_code == 404


def test_calendar_lists_scheduled_title_but_not_drafts(client, items, frozen_now):
    items.make(status="scheduled", release_at=frozen_now + timedelta(days=2), title="Sakernas Februari Terjadwal")
    items.make(status="draft", title="Draf Tersembunyi")
    page = client.get("/catalog/calendar?year=2026&month=3").get_data(as_text=True)
    assert "Sakernas Februari Terjadwal" in page
    assert "Draf Tersembunyi" not in page


def test_item_id_beyond_the_integer_range_is_404(client):
    assert client.get("/catalog/99999999999999999999").status_code == 404
    assert client.get("/catalog/99999999999999999999/table.csv").status_code == 404
