"""Tariff schedules: free, flat, per-unit and regressive brackets, in whole rupiah.

A schedule is stored as ``(TariffKind, dict)``:

- ``FLAT``: ``{"price": 150000}`` whatever the quantity;
- ``PER_UNIT``: ``{"unit_price": 50000}`` times the quantity;
- ``REGRESSIVE``: ``{"brackets": [[1, 500000], [11, 300000], [51, 150000]]}`` — each
  ``[from_quantity, unit_price]`` prices the units from that quantity on, so the
  price per unit falls as the quantity rises (units 1–10 at 500.000, 11–50 at
  300.000, the rest at 150.000).
"""

from __future__ import annotations

from flask_babel import gettext as _

from catalog.models import TariffKind
from core.money import format_rupiah

# A price times the largest order quantity (1,000) must still fit a BIGINT amount column.
MAX_RUPIAH = 10**15


class TariffError(ValueError):
    pass


def _whole_rupiah(value, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TariffError(_("%(what)s must be a whole, non-negative number of rupiah.", what=what))
    if value > MAX_RUPIAH:
        raise TariffError(_("%(what)s may be at most %(max)s.", what=what, max=format_rupiah(MAX_RUPIAH)))
    return value


def validated(kind: TariffKind, schedule: dict) -> dict:
    """The normalised schedule for ``kind``; ``TariffError`` with a translated message if it is wrong."""
    if kind is TariffKind.NONE:
        return {}
    if kind is TariffKind.FLAT:
        return {"price": _whole_rupiah(schedule.get("price"), _("The price"))}
    if kind is TariffKind.PER_UNIT:
        return {"unit_price": _whole_rupiah(schedule.get("unit_price"), _("The unit price"))}
    brackets = schedule.get("brackets") or []
    if not brackets:
        raise TariffError(_("A regressive tariff needs at least one bracket."))
    clean = []
    for pair in brackets:
        if not isinstance(pair, (list, tuple)) or len(pair) != 2:
            raise TariffError(_("Each bracket is a starting quantity and a unit price."))
        clean.append([_whole_rupiah(pair[0], _("The starting quantity")), _whole_rupiah(pair[1], _("The unit price"))])
    clean.sort()
    if clean[0][0] != 1 or len({q for q, _p in clean}) != len(clean):
        raise TariffError(_("Brackets start at quantity 1 and each starts at a different quantity."))
    if any(later[1] > earlier[1] for earlier, later in zip(clean, clean[1:], strict=False)):
        raise TariffError(_("In a regressive tariff the unit price may not rise with the quantity."))
    return {"brackets": clean}


def price(kind: TariffKind, schedule: dict, quantity: int) -> int:
    """The price of ``quantity`` units (whole rupiah)."""
    if quantity < 1:
        raise TariffError(_("The quantity must be at least 1."))
    if kind is TariffKind.NONE:
        return 0
    if kind is TariffKind.FLAT:
        return int(schedule["price"])
    if kind is TariffKind.PER_UNIT:
        return int(schedule["unit_price"]) * quantity
    brackets = schedule["brackets"]
    total = 0
    for index, (start, unit_price) in enumerate(brackets):
        end = brackets[index + 1][0] - 1 if index + 1 < len(brackets) else quantity
        if quantity < start:
            break
        total += (min(end, quantity) - start + 1) * int(unit_price)
    return total


def headline(kind: TariffKind, schedule: dict) -> int:
    """The price of one unit (what lists show)."""
    return price(kind, schedule, 1)
