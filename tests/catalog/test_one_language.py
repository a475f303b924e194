"""Pages in the reader's language: no stored Indonesian wording on English pages, region names instead of
codes, file sizes in kB/MB, and demo versions dated by their release."""

import sqlalchemy as sa

from catalog.models import Item, ItemVersion, ReleaseStatus
from core.extensions import db
from core.timefmt import format_local


def test_demo_versions_are_dated_by_their_release_and_say_first_release_in_the_readers_language(app, client):
    assert app.test_cli_runner().invoke(args=["demo", "load"]).exit_code == 0
    with app.app_context():
        item = db.session.scalar(sa.select(Item).where(Item.status == ReleaseStatus.RELEASED,
                                                       Item.region_code != "").order_by(Item.id).limit(1))
        version = db.session.scalar(sa.select(ItemVersion).where(ItemVersion.item_id == item.id))
        assert version.created_at == item.release_at
        item_id, region, released = item.id, item.region_code, format_local(item.release_at, with_time=False)
    english = client.get(f"/catalog/{item_id}?lang=en").get_data(as_text=True)
    assert "First release." in english and "Rilis pertama." not in english and released in english
    indonesian = client.get(f"/catalog/{item_id}?lang=id").get_data(as_text=True)
    assert "Rilis pertama." in indonesian
    home = client.get("/").get_data(as_text=True)
    assert f"· {region} ·" not in home


def test_sizes_read_in_kb_and_mb_in_the_locales_format(app):
    from flask_babel import force_locale

    from core.web import format_size

    with app.test_request_context():
        with force_locale("id"):
            assert [format_size(n) for n in (850, 10988, 3_250_000)] == ["850 B", "11 kB", "3,2 MB"]
        with force_locale("en"):
            assert format_size(3_250_000) == "3.2 MB"
