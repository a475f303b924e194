"""SLA clocks in working time: first response and resolution deadlines per request kind.

The resolution clock pauses while a request waits for the consumer.  Policies
come from ``STATDESK_SLA`` (``data=1d/5d; …; complaint=4h/3d``): working
time to the first response and to resolution, ``h`` in working hours and ``d`` in
working days of eight working hours.  Reminders go out at 75 % of each clock.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from consultation.models import ITEM_TYPE, RequestKind, Status, Ticket
from core import registry
from roster import engine
from roster.calendar import parse_working_duration, working_calendar

WARNING_SHARE = 0.75


def _duration(text: str) -> timedelta:
    try:
        return parse_working_duration(text)
    except ValueError as exc:
        raise ValueError(f"SLA: {exc}") from exc


def parse_policies(text: str) -> dict[RequestKind, tuple[timedelta, timedelta]]:
    """``"data=1d/5d; complaint=4h/3d"`` → kind → (first response, resolution); every kind required."""
    policies = {}
    for part in filter(str.strip, text.split(";")):
        name, _, value = part.partition("=")
        try:
            kind = RequestKind(name.strip())
            response, resolution = value.split("/")
        except ValueError as exc:
            raise ValueError(f"SLA: cannot read {part.strip()!r}") from exc
        policies[kind] = (_duration(response), _duration(resolution))
    missing = [kind.value for kind in RequestKind if kind not in policies]
    if missing:
        raise ValueError(f"SLA: no policy for {', '.join(missing)}")
    return policies


POLICIES: registry.Slot[dict[RequestKind, tuple[timedelta, timedelta]]] = registry.Slot(
    "consultation.sla_policies", "kind -> (first response, resolution) working time, read once per app from "
    "STATDESK_SLA.", default=lambda app: parse_policies(app.config["STATDESK_SLA"]))


def policy(kind: RequestKind) -> tuple[timedelta, timedelta]:
    return POLICIES.get()[kind]


def start_clocks(ticket: Ticket, at: datetime) -> None:
    """Set the warning and due instants of both clocks, counted in working time from ``at``."""
    calendar = working_calendar()
    response, resolution = policy(ticket.kind)
    ticket.response_warn_at = calendar.add_working_time(at, response * WARNING_SHARE)
    ticket.response_due_at = calendar.add_working_time(at, response)
    ticket.resolution_warn_at = calendar.add_working_time(at, resolution * WARNING_SHARE)
    ticket.resolution_due_at = calendar.add_working_time(at, resolution)
    ticket.paused_at = None


def pause(ticket: Ticket, at: datetime) -> None:
    """The resolution clock stops while the request waits for the consumer."""
    ticket.paused_at = ticket.paused_at or at


def resume(ticket: Ticket, at: datetime) -> None:
    """Restart the resolution clock: its deadlines move by the working time spent waiting."""
    if ticket.paused_at is None:
        return
    calendar = working_calendar()
    waited = calendar.working_time_between(ticket.paused_at, at)
    if ticket.resolution_due_at is not None:
        ticket.resolution_warn_at = calendar.add_working_time(ticket.resolution_warn_at, waited)
        ticket.resolution_due_at = calendar.add_working_time(ticket.resolution_due_at, waited)
    ticket.paused_at = None


def current_clock(ticket: Ticket) -> tuple[datetime | None, datetime | None]:
    """The deadline running now and its warning: the first response until answered, then resolution;
    none while the request waits for the consumer or is finished."""
    if ticket.status in (Status.WAITING, Status.RESOLVED, Status.CLOSED):
        return None, None
    if ticket.first_response_at is None:
        return ticket.response_due_at, ticket.response_warn_at
    return ticket.resolution_due_at, ticket.resolution_warn_at


def sync_clock(ticket: Ticket) -> None:
    """Show the ticket's running deadline on its roster work item (the work lists sort and mark by it)."""
    due_at, warn_at = current_clock(ticket)
    engine.set_clock(ITEM_TYPE, ticket.id, due_at, warn_at)
