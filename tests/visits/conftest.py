"""Shared builders for the visit tests."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from accounts.models import User
from core.extensions import db
from tests.support.roster import RosterMaker


@pytest.fixture
def office(app, users):
    """Two counters and operators on duty Monday to Friday 08:00-16:00 for every counter service."""

    class Office:
        def __init__(self):
            self.roster = RosterMaker(app, users)

        def operator(self, email, kinds="data,metadata,visit_pickup"):
            shifts = [(day, "08:00", "16:00", kinds) for day in range(5)]
            self.roster.operator(shifts=shifts, email=email, name=email.split("@")[0].title())
            return email

        def user(self, email) -> User:
            return db.session.scalar(sa.select(User).where(User.email == email))

        def counter(self, name):
            from visits import counters

            with app.app_context():
                return counters.add_counter(self.roster.supervisor(), name).id

    return Office()
