"""The Blinker signal orders sends to packages above it, only after the change has committed.

``order_state_changed`` is sent once per state transition (``orders.states`` queues
it with ``core.unit_of_work.send_after_commit``), with ``order_id``, ``number``,
``event``, ``from_state`` and ``to_state``, after the transaction holding the
transition commits; a rolled-back transition is never announced.
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()
order_state_changed = _signals.signal("order-state-changed")
