"""How the roster tells the owners of work items about their routing.

Two things happen when an item gets an operator, and they are kept apart on purpose:

- **Inside the transaction**, the owner's handler registered with
  ``register_owner(app, item_type, handler)`` is called as
  ``handler(item, decision, actor)`` (``actor`` is the supervisor, or ``None`` for
  the engine).  It updates the owner's own rows (who holds the ticket or task, its
  state, the e-mail in the outbox), so the assignment and the owner's record commit
  or roll back together.  A handler changes rows only; anything else it wants done
  it queues with ``core.unit_of_work``.
- **After the commit**, ``work_assigned`` is sent with the item's type as sender and
  ``item``, ``decision`` and ``actor``, for anyone who only follows what happened.
  A rolled-back assignment is never announced.
"""

from __future__ import annotations

from collections.abc import Callable

from blinker import Namespace

from core import registry

_signals = Namespace()

work_assigned = _signals.signal("roster.work-assigned")

WORK_OWNERS: registry.MapSlot[str, Callable] = registry.MapSlot(
    "roster.work_owners",
    "item type -> handler(item, decision, actor) that updates the owner's record of a routed item inside the "
    "routing transaction; the package owning that kind of work registers it (a type once).")


def register_owner(app, item_type: str, handler: Callable) -> None:
    """``handler(item, decision, actor)`` updates the owner's record of an ``item_type`` item, in the transaction."""
    WORK_OWNERS.register(app, item_type, handler)


def owner_of(item_type: str) -> Callable | None:
    return WORK_OWNERS.lookup(item_type)
