"""Blinker signals the catalog sends after the change has committed.

``item_released``, ``item_versioned`` and ``item_withdrawn`` are sent with
``item_id`` (and ``version`` or ``reason``) once the transaction holding the change
commits; a rolled-back change is never announced.  ``release_moved`` is sent with
``item_id``, ``previous`` and ``release_at`` (ISO times) when a scheduled release is
rescheduled to another time.  Catalog services queue them
with ``core.unit_of_work.send_after_commit`` (the application is the sender).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()
item_released = _signals.signal("catalog-item-released")
item_versioned = _signals.signal("catalog-item-versioned")
item_withdrawn = _signals.signal("catalog-item-withdrawn")
release_moved = _signals.signal("catalog-release-moved")
