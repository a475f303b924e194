"""The ticket state machine: one table of allowed transitions, applied by ``core.states``.

Each transition writes a timeline event and an audit entry, and (unless the
caller sends a richer message itself) e-mails the consumer, so nobody waits
without news.
"""

from __future__ import annotations

from flask_babel import gettext as _

from consultation import sla
from consultation.emails import notify_status
from consultation.models import OPEN_STATUSES, Status, StatusEvent, Ticket
from core import clock
from core.states import StateMachine, TransitionError

__all__ = ["OPEN", "TRANSITIONS", "TransitionError", "can_move", "move", "start"]

S = Status
TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.SUBMITTED: frozenset({S.ASSIGNED, S.ANSWERED, S.WAITING, S.RESOLVED, S.CLOSED}),
    S.ASSIGNED: frozenset({S.ANSWERED, S.WAITING, S.RESOLVED, S.CLOSED}),
    S.ANSWERED: frozenset({S.ASSIGNED, S.WAITING, S.RESOLVED, S.CLOSED}),
    S.WAITING: frozenset({S.ASSIGNED, S.ANSWERED, S.RESOLVED, S.CLOSED}),
    S.RESOLVED: frozenset({S.CLOSED, S.REOPENED}),
    S.CLOSED: frozenset({S.REOPENED}),
    S.REOPENED: frozenset({S.ASSIGNED, S.ANSWERED, S.WAITING, S.RESOLVED, S.CLOSED}),
}
OPEN = OPEN_STATUSES


def _refusal(ticket: Ticket, event: str, to: Status) -> str:
    return _("A request that is %(now)s cannot become %(next)s.", now=ticket.status.label.lower(),
             next=to.label.lower())


# The same table for the shared machine: the event of a move is the name of the status it leads to.
MACHINE: StateMachine[Status] = StateMachine(
    "consultation", "status", {(to.value, before): {to} for before, targets in TRANSITIONS.items() for to in targets},
    initial={S.SUBMITTED}, refusal=_refusal,
    describe=lambda ticket, before, to: {"number": ticket.number, "previous": before.value})


def can_move(ticket: Ticket, to: Status) -> bool:
    return MACHINE.can(ticket, to.value, to)


def move(ticket: Ticket, to: Status, actor=None, note: str = "", notify: bool = True) -> StatusEvent:
    """Move ``ticket`` to ``to`` if the table allows it; record, audit and tell the consumer.

    Raises ``TransitionError`` (the ticket unchanged) for a move the table does not hold.
    """
    before = MACHINE.apply(ticket, to.value, to, actor)
    now = clock.now()
    if to is S.WAITING:
        sla.pause(ticket, now)
    elif before is S.WAITING:
        sla.resume(ticket, now)
    if to is S.RESOLVED:
        ticket.resolved_at = now
    elif to is S.CLOSED:
        ticket.closed_at = now
    event = StatusEvent(at=now, from_status=before, to_status=to, actor_id=getattr(actor, "id", None),
                        note=note[:255])
    ticket.events.append(event)
    if ticket.id is not None:
        sla.sync_clock(ticket)
    if notify:
        notify_status(ticket, note)
    return event


def start(ticket: Ticket, actor=None) -> StatusEvent:
    """The first timeline event of a new ticket (status ``submitted``)."""
    ticket.status = S.SUBMITTED
    event = StatusEvent(at=clock.now(), from_status=None, to_status=S.SUBMITTED,
                        actor_id=getattr(actor, "id", None))
    ticket.events.append(event)
    return event
