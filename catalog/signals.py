"""Blinker signals the catalog sends after the change has committed.

``item_released``, ``item_versioned`` and ``item_withdrawn`` are sent with
``item_id`` (and ``version`` or ``reason``) once the transaction holding the change
commits; a rolled-back change is never announced.  Catalog services therefore
commit through ``commit()`` here.
"""

from __future__ import annotations

from blinker import Namespace
from flask import current_app

from core.extensions import db

_signals = Namespace()
item_released = _signals.signal("catalog-item-released")
item_versioned = _signals.signal("catalog-item-versioned")
item_withdrawn = _signals.signal("catalog-item-withdrawn")

_PENDING = "catalog_pending_signals"


def announce(signal, **payload) -> None:
    db.session.info.setdefault(_PENDING, []).append((signal, payload))


def commit() -> None:
    db.session.commit()
    pending = db.session.info.pop(_PENDING, [])
    app = current_app._get_current_object()
    for signal, payload in pending:
        signal.send(app, **payload)


def rollback() -> None:
    db.session.rollback()
    db.session.info.pop(_PENDING, None)
