"""Test data builders."""

from __future__ import annotations

import itertools

from accounts.models import ConsumerProfile, Role, Segment, User, UserRole
from accounts.passwords import hash_password
from core import clock
from core.extensions import db

_counter = itertools.count(1)


class UserMaker:
    PASSWORD = "Correct-Horse-42"

    def __init__(self, app):
        self.app = app

    def make(self, *roles: str, email: str | None = None, verified: bool = True, active: bool = True,
             segment: Segment = Segment.PUBLIC, institution: str = "", unit: str = "", full_name: str = "",
             locale: str = "id") -> str:
        """Create a user holding ``roles`` (consumer when none) and return the e-mail."""
        n = next(_counter)
        email = email or f"user{n}@example.org"
        with self.app.app_context():
            user = User(email=email, full_name=full_name or f"Test User {n}", active=active, unit=unit,
                        password_hash=hash_password(self.PASSWORD), locale=locale,
                        email_verified_at=clock.now() if verified else None)
            user.roles = [UserRole(role=Role(r)) for r in (roles or ("consumer",))]
            user.profile = ConsumerProfile(segment=segment, institution=institution)
            db.session.add(user)
            db.session.commit()
        return email

    def get(self, email: str) -> User:
        """A detached copy of the user, for assertions."""
        import sqlalchemy as sa

        with self.app.app_context():
            user = db.session.scalar(sa.select(User).where(User.email == email))
            db.session.expunge_all()
            return user
