"""Fixtures of the subscription tests: catalog items, many followers made fast, the release of an item."""

from __future__ import annotations

import secrets

import pytest
import sqlalchemy as sa

from accounts.models import Role, User, UserRole
from core import clock
from core.extensions import db
from subscriptions.models import Frequency, Subscription, Target
from tests.catalog.conftest import ItemMaker


@pytest.fixture
def items(app):
    return ItemMaker(app)


def bulk_users(count: int, prefix: str, locale: str = "id") -> list[int]:
    """``count`` consumers inserted in one statement each for users and roles (no password: no hashing)."""
    now = clock.now()
    rows = [{"email": f"{prefix}{i}@example.org", "full_name": f"Follower {i}", "active": True, "locale": locale,
             "session_token": secrets.token_hex(16), "created_at": now, "updated_at": now,
             "email_verified_at": now} for i in range(count)]
    db.session.execute(sa.insert(User), rows)
    ids = list(db.session.scalars(sa.select(User.id).where(User.email.like(f"{prefix}%")).order_by(User.id)))
    db.session.execute(sa.insert(UserRole), [{"user_id": i, "role": Role.CONSUMER} for i in ids])
    db.session.commit()
    return ids


def bulk_follow(rows: list[tuple[int, Target, str, Frequency, bool, bool, str]]) -> None:
    """(user id, target, value, frequency, by e-mail, in site, language) subscriptions in one statement."""
    from subscriptions.models import new_nonce

    db.session.execute(sa.insert(Subscription), [
        {"user_id": user_id, "target": target, "value": value, "label": value[:300], "frequency": frequency,
         "by_email": by_email, "in_site": in_site, "language": language, "token_nonce": new_nonce(),
         "created_at": clock.now()} for user_id, target, value, frequency, by_email, in_site, language in rows])
    db.session.commit()


@pytest.fixture
def editor(app, users):
    """An administrator who releases items (as the catalog's manage pages do)."""
    email = users.make("admin")

    def get():
        return db.session.scalar(sa.select(User).where(User.email == email))

    return get
