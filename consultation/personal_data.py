"""The consultations' part of a person's data export: their requests, the messages and the files."""

from __future__ import annotations

import sqlalchemy as sa

from consultation.models import Ticket
from core.extensions import db


def personal_data(user):
    from accounts.privacy import PersonalData

    records, files = [], []
    for ticket in db.session.scalars(sa.select(Ticket).where(Ticket.requester_id == user.id).order_by(Ticket.id)):
        records.append({
            "number": ticket.number, "kind": ticket.kind.value, "status": ticket.status.value,
            "subject": ticket.subject, "question": ticket.question, "submitted_at": ticket.submitted_at,
            "resolved_at": ticket.resolved_at,
            # Staff replies are part of the person's case; the staff's names are not the person's data.
            "messages": [{"from_staff": m.from_staff, "body": m.body, "at": m.created_at} for m in ticket.messages],
        })
        for attachment in ticket.attachments:
            files.append((f"{ticket.number or ticket.id}/{attachment.id}-{attachment.filename}",
                          attachment.storage_key))
    return PersonalData("consultations", records, files)
