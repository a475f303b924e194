"""Who may see and act on which request.

A consumer sees only their own requests; an operator sees what is assigned to
them and the queue of the kinds they serve; supervisors see everything.  Anyone
else gets a 404, as if the request did not exist.
"""

from __future__ import annotations

import sqlalchemy as sa

from accounts.models import Role
from consultation.models import RequestKind, Status, Ticket
from roster.duty import kinds_served_by

QUEUED = (Status.SUBMITTED, Status.REOPENED)
KIND_VALUES = {kind.value for kind in RequestKind}


def is_supervisor(user) -> bool:
    return user.has_role(Role.SUPERVISOR)


def visible_filter(user):
    """A SQL condition on ``Ticket`` selecting what ``user`` may see."""
    if is_supervisor(user):
        return sa.true()
    mine = Ticket.requester_id == user.id
    if not user.has_role(Role.OPERATOR):
        return mine
    kinds = [RequestKind(kind) for kind in kinds_served_by(user.id) if kind in KIND_VALUES]
    queue = sa.and_(Ticket.assignee_id.is_(None), Ticket.status.in_(QUEUED),
                    Ticket.kind.in_(kinds)) if kinds else sa.false()
    return sa.or_(mine, Ticket.assignee_id == user.id, queue)


def can_view(user, ticket: Ticket) -> bool:
    if ticket.requester_id == user.id or is_supervisor(user):
        return True
    if not user.has_role(Role.OPERATOR):
        return False
    if ticket.assignee_id == user.id:
        return True
    return (ticket.assignee_id is None and ticket.status in QUEUED
            and ticket.kind.value in kinds_served_by(user.id))


def can_answer(user, ticket: Ticket) -> bool:
    """The operator handling it, or a supervisor (who may also answer from the queue)."""
    return ticket.assignee_id == user.id or is_supervisor(user)


def is_requester(user, ticket: Ticket) -> bool:
    return ticket.requester_id == user.id
