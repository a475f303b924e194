"""Forum data for tests."""

import sqlalchemy as sa

from accounts.models import User
from core.extensions import db
from helpdesk import services
from helpdesk.models import ForumThread


def start(app, email: str, body: str = "Bagaimana menjawab ini?", ticket_number: str | None = None) -> int:
    from consultation.models import Ticket

    with app.app_context():
        author = db.session.scalar(sa.select(User).where(User.email == email))
        ticket_id = None
        if ticket_number:
            ticket_id = db.session.scalar(sa.select(Ticket.id).where(Ticket.number == ticket_number))
        return services.start_thread(author, "data", "Pertanyaan internal rahasia", body, ticket_id=ticket_id).id


def thread(thread_id: int) -> ForumThread:
    return db.session.get(ForumThread, thread_id)
