"""Catalog items become search documents; every change reaches the index after commit."""

from datetime import timedelta

from catalog import search, services
from core.errors import DomainError
from core.extensions import db


def test_documents_carry_paths_and_public_flag(app, items, frozen_now):
    released = items.make(kind="map", region="5203", subject="SOS.MSK")
    draft = items.make(status="draft")
    scheduled = items.make(status="scheduled", release_at=frozen_now + timedelta(days=1))
    withdrawn = items.make(status="withdrawn")
    with app.app_context():
        docs = {int(d.key): d for d in search.load([str(released), str(draft), str(scheduled), str(withdrawn), "999"])}
    assert set(docs) == {released, draft, scheduled, withdrawn}
    assert docs[released].public and docs[released].region_path == ("52", "5203")
    assert docs[released].subject_path == ("SOS", "SOS.MSK")
    assert docs[released].url == f"/catalog/{released}"
    assert not any(docs[i].public for i in (draft, scheduled, withdrawn))


def test_load_uses_a_bounded_number_of_queries(app, items, frozen_now):
    import sqlalchemy as sa

    ids = [str(items.make()) for _n in range(30)]
    with app.app_context():
        statements = []
        sa.event.listen(db.engine, "before_cursor_execute", lambda *a: statements.append(a[2]))
        assert len(search.load(ids)) == 30
    assert len(statements) <= 2


def test_all_keys_lists_public_items(app, items, frozen_now):
    public = items.make()
    items.make(status="draft")
    with app.app_context():
        assert search.all_keys() == [str(public)]


def test_withdrawal_removes_the_item_from_the_index(app, items, users, indexer, frozen_now):
    from tests.support.factories import UserMaker  # noqa: F401 - users fixture builds with it

    item_id = items.make()
    email = users.make("admin")
    with app.test_request_context():
        admin = users.get(email)
        admin = db.session.merge(admin)
        services.withdraw(admin, item_id, "Data direvisi total.")
    assert ("catalog", str(item_id)) in indexer.removed


def test_scheduled_release_sweep_indexes_the_item(app, items, indexer, frozen_now):
    item_id = items.make(status="scheduled", release_at=frozen_now - timedelta(seconds=1))
    with app.app_context():
        services.release_due()
    assert [d.key for d in indexer.documents] == [str(item_id)]


def test_a_failed_edit_reaches_no_index(app, items, users, indexer, frozen_now):
    item_id = items.make()
    email = users.make("admin")
    with app.test_request_context():
        admin = db.session.merge(users.get(email))
        try:
            services.publish_version(admin, item_id, "")
        except DomainError:
            db.session.rollback()
    assert indexer.applied == []
