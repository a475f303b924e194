"""Tariff schedules in whole rupiah."""

import pytest

from catalog import tariffs
from catalog.models import TariffKind

BRACKETS = {"brackets": [[1, 500000], [11, 300000], [51, 150000]]}


def test_flat_price_ignores_quantity():
    assert tariffs.price(TariffKind.FLAT, {"price": 75000}, 4) == 75000


def test_per_unit_price_multiplies():
    assert tariffs.price(TariffKind.PER_UNIT, {"unit_price": 25000}, 3) == 75000


@pytest.mark.parametrize(("quantity", "expected"), [(1, 500000), (10, 5_000_000), (11, 5_300_000),
                                                    (50, 5_000_000 + 40 * 300000),
                                                    (52, 5_000_000 + 40 * 300000 + 2 * 150000)])
def test_regressive_brackets_lower_the_unit_price(quantity, expected):
    assert tariffs.price(TariffKind.REGRESSIVE, BRACKETS, quantity) == expected


def test_rising_brackets_are_refused(app):
    with app.test_request_context(), pytest.raises(tariffs.TariffError):
        tariffs.validated(TariffKind.REGRESSIVE, {"brackets": [[1, 100], [5, 200]]})


def test_fractional_rupiah_is_refused(app):
    with app.test_request_context(), pytest.raises(tariffs.TariffError):
        tariffs.validated(TariffKind.FLAT, {"price": 10.5})
