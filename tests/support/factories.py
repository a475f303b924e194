"""Test data builders."""

from __future__ import annotations

import itertools

import pyotp

from accounts.models import ConsumerProfile, Role, SecondFactor, Segment, User, UserRole
from accounts.passwords import hash_password
from accounts.two_factor import DRIFT_STEPS, REQUIRED_ROLES
from core import clock
from core.extensions import db

_counter = itertools.count(1)


class UserMaker:
    PASSWORD = "Correct-Horse-42"
    TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # the authenticator of every user made with a factor

    def __init__(self, app):
        self.app = app

    def make(self, *roles: str, email: str | None = None, verified: bool = True, active: bool = True,
             segment: Segment = Segment.PUBLIC, institution: str = "", unit: str = "", full_name: str = "",
             locale: str = "id", second_factor: bool | None = None) -> str:
        """Create a user holding ``roles`` (consumer when none) and return the e-mail.

        ``second_factor`` (default: when a role requires one) gives the user a confirmed
        authenticator with ``TOTP_SECRET``; ``code(email)`` reads it.
        """
        n = next(_counter)
        email = email or f"user{n}@example.org"
        with self.app.app_context():
            user = User(email=email, full_name=full_name or f"Test User {n}", active=active, unit=unit,
                        password_hash=hash_password(self.PASSWORD), locale=locale,
                        email_verified_at=clock.now() if verified else None)
            user.roles = [UserRole(role=Role(r)) for r in (roles or ("consumer",))]
            user.profile = ConsumerProfile(segment=segment, institution=institution)
            db.session.add(user)
            if second_factor or (second_factor is None and {Role(r) for r in roles} & REQUIRED_ROLES):
                db.session.flush()
                db.session.add(SecondFactor(user_id=user.id, secret=self.TOTP_SECRET, confirmed_at=clock.now()))
            db.session.commit()
        return email

    def code(self, email: str) -> str:
        """A code of the user's authenticator that the site accepts now and has not used:
        the current step's, or the next one's (accepted as drift) for a second sign-in in
        the same step.  Never the previous step's, which the clock may leave at any moment."""
        import sqlalchemy as sa

        totp = pyotp.TOTP(self.TOTP_SECRET)
        with self.app.app_context():
            factor = db.session.scalar(sa.select(SecondFactor).join(User).where(User.email == email))
            last = factor.last_step if factor and factor.last_step is not None else -1
            now = totp.timecode(clock.now())
        steps = [step for step in range(now, now + DRIFT_STEPS + 1) if step > last]
        assert steps, f"{email} used every code of this time step: move the clock on"
        return totp.generate_otp(steps[0])

    def pass_second_step(self, client, response, email: str, **extra):
        """Answer the second step if ``response`` (to a sign-in) asked for it; returns the last response."""
        if response.status_code == 302 and response.headers["Location"].startswith("/login/two-factor"):
            response = client.post("/login/two-factor", data={"code": self.code(email), **extra})
            assert response.status_code == 302, response.get_data(as_text=True)[:500]
        return response

    def get(self, email: str) -> User:
        """A detached copy of the user, for assertions."""
        import sqlalchemy as sa

        with self.app.app_context():
            user = db.session.scalar(sa.select(User).where(User.email == email))
            db.session.expunge_all()
            return user
