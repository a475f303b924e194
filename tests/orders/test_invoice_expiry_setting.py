"""The invoice expiry is a setting (``STATDESK_INVOICE_EXPIRY_HOURS``)."""

from datetime import UTC, datetime, timedelta

import pytest

from core import clock
from tests.support.orders_catalog import MAP

START = datetime(2026, 5, 4, 2, 0, tzinfo=UTC)


@pytest.fixture
def app_config(app_config):
    return dict(app_config, STATDESK_INVOICE_EXPIRY_HOURS=2)


def test_expiry_follows_the_setting(shop):
    with clock.frozen(START):
        email = shop.consumer()
        invoice = shop.invoice(shop.order(email, (MAP, 1, {"region": "5203"}))[0])
    assert invoice.expires_at == START + timedelta(hours=2)
