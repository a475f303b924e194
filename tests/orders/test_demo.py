"""Demo orders come from the catalog's items; loading twice adds nothing."""

import sqlalchemy as sa

from core.extensions import db
from orders.models import Order
from tests.support import orders_catalog


def test_demo_orders_are_loaded_once(app):
    orders_catalog.install(app)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["demo", "load"])
    assert first.exit_code == 0, first.output
    with app.app_context():
        kinds = db.session.scalars(sa.select(Order.kind)).all()
    assert {k.value for k in kinds} >= {"free", "paid", "zero_rupiah"}
    second = runner.invoke(args=["demo", "load"])
    assert "orders: 0 created" in second.output


def test_without_a_catalog_the_demo_has_no_orders(app):
    from orders import catalog_port

    catalog_port.set_source(app, orders_catalog.TestCatalog({}))  # the real catalog now has demo items
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0 and "orders: 0 created" in result.output
