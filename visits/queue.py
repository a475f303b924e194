"""The rule that decides whom a counter calls next (``STATDESK_VISIT_QUEUE_RULE``).

Pure code, no database: the counters (``visits.services.call_next``) and the
simulation (``benchmarks/visits_sim.py``) both call ``choose``.

``booked:N`` (the default, ``N = 2``): a booked visitor who has checked in is
*due* from ``EARLY`` before their slot.  Due visitors go first, earliest slot
first, but a counter calls at most ``N`` of them in a row while someone else
waits; then it calls the longest-waiting other visitor (walk-ins, and booked
visitors who came long before their slot, queue by arrival).  A counter never
idles while anyone waits.

``fifo``: everyone by arrival; a booking only guarantees a place that day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

EARLY = timedelta(minutes=15)


@dataclass(frozen=True)
class Waiting:
    id: int
    queued_at: datetime
    slot_start: datetime | None = None  # booked visitors only

    @property
    def booked(self) -> bool:
        return self.slot_start is not None


def is_due(entry: Waiting, now: datetime) -> bool:
    return entry.slot_start is not None and entry.slot_start - EARLY <= now


def choose(waiting: Sequence[Waiting], now: datetime, booked_in_a_row: int | None,
           streak: int) -> tuple[Waiting | None, int]:
    """The visitor to call from ``waiting`` and the counter's new streak of booked calls."""
    if not waiting:
        return None, streak
    if booked_in_a_row is None:
        return min(waiting, key=lambda entry: (entry.queued_at, entry.id)), 0
    due = [entry for entry in waiting if is_due(entry, now)]
    others = [entry for entry in waiting if not is_due(entry, now)]
    if due and (streak < booked_in_a_row or not others):
        return min(due, key=lambda entry: (entry.slot_start, entry.queued_at, entry.id)), streak + 1
    return min(others, key=lambda entry: (entry.queued_at, entry.id)), 0


def upcoming(waiting: Sequence[Waiting], now: datetime, booked_in_a_row: int | None, streak: int,
             count: int) -> list[Waiting]:
    """The next ``count`` visitors one counter would call if nobody else arrived."""
    left, order = list(waiting), []
    while left and len(order) < count:
        chosen, streak = choose(left, now, booked_in_a_row, streak)
        order.append(chosen)
        left.remove(chosen)
    return order
