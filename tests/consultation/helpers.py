"""Opening requests in tests."""

import sqlalchemy as sa

from accounts.models import User
from consultation import services
from consultation.models import RequestKind, Ticket
from core.extensions import db


def user(email: str) -> User:
    return db.session.scalar(sa.select(User).where(User.email == email))


def open_request(app, email: str, kind: RequestKind = RequestKind.DATA, **extra) -> str:
    """Open a request as ``email`` and return its number."""
    from consultation.models import ComplaintAbout

    with app.app_context():
        if kind is RequestKind.COMPLAINT:
            extra.setdefault("complaint_about", ComplaintAbout.SERVICE)
        data = services.RequestData(kind=kind, subject="Data kemiskinan", question="Berapa jumlah penduduk miskin?",
                                    **extra)
        return services.open_request(user(email), data).number


def ticket(number: str) -> Ticket:
    return db.session.scalar(sa.select(Ticket).where(Ticket.number == number))
