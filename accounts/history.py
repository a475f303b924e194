"""Consumers brought over from another system (``legacy``): accounts without a password, in bulk.

``insert_consumers`` creates the accounts with their consumer profile and role in
three bulk inserts; no password is hashed (there is none), no e-mail is sent.
``invite`` e-mails the owners the link that lets them choose a password (the same
invitation and one-time link as an account an administrator creates), so that an
imported consumer claims the account and finds their history in it.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, url_for

from accounts.models import ConsumerProfile, Role, User, UserRole
from accounts.services import RESET, reset_state
from accounts.tokens import make_token
from core import audit
from core.bulk import insert_returning_ids
from core.extensions import db
from core.outbox import queue_email

USER_FIELDS = ("email", "full_name", "created_at", "active")
PROFILE_FIELDS = ("segment", "institution", "phone")


def insert_consumers(rows: list[dict]) -> list[int]:
    """Create one passwordless consumer per row (``USER_FIELDS`` + ``PROFILE_FIELDS``); return the user ids."""
    if not rows:
        return []
    users = [{key: row[key] for key in USER_FIELDS if key in row} | {"updated_at": row["created_at"]}
             for row in rows]
    ids = insert_returning_ids(User, users)
    db.session.execute(sa.insert(ConsumerProfile), [
        {"user_id": user_id, **{key: row[key] for key in PROFILE_FIELDS if key in row}}
        for user_id, row in zip(ids, rows, strict=True)])
    db.session.execute(sa.insert(UserRole), [{"user_id": user_id, "role": Role.CONSUMER} for user_id in ids])
    return ids


def update_consumers(rows: list[dict]) -> None:
    """Rewrite the imported fields of accounts (rows carry ``id``); a password someone chose is never touched."""
    if not rows:
        return
    db.session.execute(sa.update(User), [{"id": row["id"], **{key: row[key] for key in ("email", "full_name")
                                                               if key in row}} for row in rows])
    for row in rows:
        db.session.execute(sa.update(ConsumerProfile).where(ConsumerProfile.user_id == row["id"])
                           .values({key: row[key] for key in PROFILE_FIELDS if key in row}))


def fill_blanks(user_id: int, row: dict) -> None:
    """Merge a duplicate's details into an account: only fields still empty there are filled."""
    profile = db.session.scalar(sa.select(ConsumerProfile).where(ConsumerProfile.user_id == user_id))
    if profile is None:
        return
    for key in ("institution", "phone"):
        if not getattr(profile, key) and row.get(key):
            setattr(profile, key, row[key])


def invite(user_ids: list[int]) -> int:
    """E-mail each passwordless, active account among ``user_ids`` its invitation; return how many were sent."""
    sent = 0
    for user in db.session.scalars(sa.select(User).where(User.id.in_(user_ids))):
        if user.password_hash or not user.active or not user.email:
            continue
        token = make_token(RESET, user.id, reset_state(user))
        queue_email(user.email, "accounts/email/invite", locale=user.locale, user=user,
                    link=url_for("accounts.reset_password", token=token),
                    minutes=current_app.config["STATDESK_RESET_TOKEN_MINUTES"])
        audit.record("account.invited", user)
        sent += 1
    return sent
