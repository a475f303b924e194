"""Consultations and complaints brought over from another system (``legacy``), as closed history.

The tickets are written in bulk, already resolved or closed, with their original
dates and numbers: they are never routed (no work item is submitted to the roster),
carry no SLA deadline (so no reminder or escalation), and count in the reports of
the months they were submitted in.  Their messages keep their dates and authors.
"""

from __future__ import annotations

import sqlalchemy as sa

from consultation.models import Message, Status, Ticket
from core.bulk import insert_returning_ids
from core.extensions import db

FINISHED = (Status.RESOLVED, Status.CLOSED)


def _checked(rows: list[dict]) -> list[dict]:
    for row in rows:
        if row.get("status") not in FINISHED:
            raise ValueError(f"imported tickets are closed history, not {row.get('status')}")
        row.update(response_due_at=None, resolution_due_at=None, response_warn_at=None, resolution_warn_at=None,
                   assignee_id=None, updated_at=row.get("closed_at") or row["submitted_at"])
        row.setdefault("created_at", row["submitted_at"])
    return rows


def insert_tickets(rows: list[dict]) -> list[int]:
    """Insert closed tickets (``Ticket`` columns); return their ids."""
    if not rows:
        return []
    return insert_returning_ids(Ticket, _checked(rows))


def update_tickets(rows: list[dict]) -> None:
    if rows:
        db.session.execute(sa.update(Ticket), _checked(rows))


def insert_messages(rows: list[dict]) -> list[int]:
    if not rows:
        return []
    return insert_returning_ids(Message, rows)


def update_messages(rows: list[dict]) -> None:
    if rows:
        db.session.execute(sa.update(Message), rows)
