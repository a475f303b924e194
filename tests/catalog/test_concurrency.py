"""On PostgreSQL: simultaneous new versions get consecutive numbers; the release sweep announces once."""

import pytest
import sqlalchemy as sa

from catalog import services, signals
from catalog.models import ItemVersion
from core.extensions import db
from tests.support.concurrency import run_together

pytestmark = pytest.mark.postgresql_only
THREADS = 8


@pytest.fixture(autouse=True)
def _postgresql_only(backend):
    if backend != "postgresql":
        pytest.skip("runs on the PostgreSQL pass")


def _together(app, work):
    def in_request(index):
        with app.test_request_context():
            try:
                return work(index)
            finally:
                db.session.remove()

    run_together(in_request, THREADS)


def test_simultaneous_new_versions_get_consecutive_numbers(app, items, users):
    item_id = items.make()
    email = users.make("admin")

    def publish(index):
        admin = db.session.merge(users.get(email))
        services.publish_version(admin, item_id, f"Revisi nomor {index}")

    _together(app, publish)
    with app.app_context():
        numbers = sorted(db.session.scalars(sa.select(ItemVersion.number).where(ItemVersion.item_id == item_id)))
    assert numbers == list(range(1, THREADS + 2))


def test_simultaneous_sweeps_release_and_announce_each_item_once(app, items):
    from datetime import timedelta

    from core import clock

    due = [items.make(status="scheduled", release_at=clock.now() - timedelta(minutes=1)) for _n in range(5)]
    announced = []
    with signals.item_released.connected_to(lambda sender, **kw: announced.append(kw["item_id"])):
        _together(app, lambda index: services.release_due())
    assert sorted(announced) == due
