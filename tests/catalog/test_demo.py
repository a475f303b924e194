"""The demo catalog: 2,000+ items of all four kinds, dynamic tables, upcoming releases; loads once."""

import sqlalchemy as sa

from catalog import demo
from catalog.models import Item, ItemKind, ReleaseStatus
from catalog.tables.models import CubeVersion
from core.extensions import db


def test_demo_catalog_is_large_varied_and_loads_once(app, frozen_now):
    with app.app_context():
        created = demo.load()
        assert created >= 2000
        kinds = dict(db.session.execute(sa.select(Item.kind, sa.func.count(Item.id)).group_by(Item.kind)).all())
        assert len(kinds) == 4 and min(kinds.values()) >= 100
        assert db.session.scalar(sa.select(sa.func.count(CubeVersion.id))) == kinds[ItemKind.TABLE]
        upcoming = db.session.scalar(sa.select(sa.func.count(Item.id)).where(
            Item.status == ReleaseStatus.SCHEDULED, Item.release_at > frozen_now))
        assert upcoming >= 20
        assert demo.load() == 0
