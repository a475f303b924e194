"""Release, new-version and withdrawal signals leave after the commit, with the item's id."""

from catalog import services, signals
from catalog.models import Item
from core.errors import DomainError
from core.extensions import db


def _admin(app, users):
    return db.session.merge(users.get(users.make("admin")))


def test_version_and_withdrawal_are_announced(app, items, users, frozen_now):
    item_id = items.make()
    heard = []
    with (app.test_request_context(),
          signals.item_versioned.connected_to(lambda sender, **kw: heard.append(("versioned", kw))),
          signals.item_withdrawn.connected_to(lambda sender, **kw: heard.append(("withdrawn", kw)))):
        admin = _admin(app, users)
        services.publish_version(admin, item_id, "Koreksi angka Lombok Timur.")
        services.withdraw(admin, item_id, "Digantikan edisi revisi.")
    assert heard == [("versioned", {"item_id": item_id, "version": 2}),
                     ("withdrawn", {"item_id": item_id, "reason": "Digantikan edisi revisi."})]


def test_release_now_is_announced_and_a_refused_change_is_not(app, items, users, frozen_now):
    draft = items.make(status="draft")
    heard = []
    with app.test_request_context(), signals.item_released.connected_to(lambda sender, **kw: heard.append(kw)):
        admin = _admin(app, users)
        services.release_now(admin, draft)
        try:
            services.release_now(admin, draft)  # already released: refused
        except DomainError:
            db.session.rollback()
        assert db.session.get(Item, draft).is_public()
    assert heard == [{"item_id": draft}]


def test_editor_previews_own_draft_but_the_public_does_not(client, items, users, login, frozen_now):
    draft = items.make(status="draft", unit="Direktorat Statistik Harga", title="Draf IHK Mei")
    assert client.get(f"/catalog/{draft}").status_code == 404
    login(users.make("producer", unit="Direktorat Statistik Harga"))
    page = client.get(f"/catalog/{draft}").get_data(as_text=True)
    assert "Draf IHK Mei" in page and "Belum publik" in page
