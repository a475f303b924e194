"""Who may change which catalog item.

Producers change only the items of their own unit (``User.unit``, set by the
administrator); supervisors and administrators change every item.
"""

from __future__ import annotations

import sqlalchemy as sa

from catalog.models import Item

EDITOR_ROLES = ("producer", "supervisor", "admin")
ALL_ITEMS_ROLES = ("supervisor", "admin")


def edits_all(user) -> bool:
    return any(user.has_role(role) for role in ALL_ITEMS_ROLES)


def can_edit(user, item: Item) -> bool:
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if edits_all(user):
        return True
    return user.has_role("producer") and bool(user.unit) and item.unit == user.unit


def editable_clause(user):
    """SQL restricting items to those ``user`` may change."""
    if edits_all(user):
        return sa.true()
    if user.has_role("producer") and user.unit:
        return Item.unit == user.unit
    return sa.false()
