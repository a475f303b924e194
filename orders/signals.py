"""The Blinker signal orders sends to packages above it, only after the change has committed.

``order_state_changed`` is sent once per state transition (``orders.states`` announces
it), with ``order_id``, ``number``, ``event``, ``from_state`` and ``to_state``, after the
transaction holding the transition commits; a rolled-back transition is never announced.
Orders code therefore commits and rolls back through ``commit()`` and ``rollback()`` here.
"""

from __future__ import annotations

from blinker import Namespace
from flask import current_app

from core.extensions import db

_signals = Namespace()
order_state_changed = _signals.signal("order-state-changed")

_PENDING = "orders_pending_signals"


def announce(**payload) -> None:
    db.session.info.setdefault(_PENDING, []).append(payload)


def commit() -> None:
    db.session.commit()
    pending = db.session.info.pop(_PENDING, [])
    app = current_app._get_current_object()
    for payload in pending:
        order_state_changed.send(app, **payload)


def rollback() -> None:
    db.session.rollback()
    db.session.info.pop(_PENDING, None)
