"""Signals the roster sends, so the owners of work items can follow their routing.

``work_assigned`` is sent with the item's type as sender, ``item`` (the
``WorkItem``), ``decision`` and ``actor`` (the supervisor, or ``None`` for the
engine), inside the transaction that assigned the item.
"""

from blinker import Namespace

_signals = Namespace()

work_assigned = _signals.signal("roster.work-assigned")
