"""User administration: search, create, edit roles, deactivate.

Only administrators call these (the views check the role; the functions check
that an administrator does not lock themselves out).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, url_for
from flask_babel import gettext as _

from accounts.models import ConsumerProfile, Role, Segment, User, UserRole, new_session_token
from accounts.passwords import hash_password, password_problems
from accounts.services import RESET, AccountError, find_by_email, normalise_email, reset_state
from accounts.signals import account_deactivated
from accounts.tokens import make_token
from core import audit, clock, unit_of_work
from core.errors import Conflict
from core.extensions import db
from core.outbox import queue_email


def search_users(text: str = "", role: str = "", page: int = 1, per_page: int = 20):
    """A page of users matching ``text`` (name, e-mail, institution) and ``role``."""
    query = sa.select(User).outerjoin(ConsumerProfile).order_by(User.full_name, User.id)
    text = (text or "").strip()
    if text:
        like = f"%{text.lower()}%"
        query = query.where(sa.or_(sa.func.lower(User.full_name).like(like), User.email.like(like),
                                   sa.func.lower(ConsumerProfile.institution).like(like)))
    if role in {r.value for r in Role}:
        query = query.where(User.roles.any(UserRole.role == Role(role)))
    return db.paginate(query, page=page, per_page=per_page, error_out=False)


def _set_roles(user: User, roles: set[Role]) -> None:
    current = {r.role for r in user.roles}
    for link in list(user.roles):
        if link.role not in roles:
            user.roles.remove(link)
    for role in roles - current:
        user.roles.append(UserRole(role=role))


def create_user(actor: User, email: str, full_name: str, roles: set[Role], unit: str = "",
                segment: Segment = Segment.PUBLIC, institution: str = "") -> User:
    """Create an account and e-mail its owner a link to choose a password."""
    email = normalise_email(email)
    if find_by_email(email) is not None:
        raise Conflict(_("An account with this e-mail address already exists."))
    if not roles:
        raise AccountError(_("Choose at least one role."))
    user = User(email=email, full_name=full_name.strip(), unit=unit.strip(), email_verified_at=None)
    user.profile = ConsumerProfile(segment=segment, institution=institution.strip())
    _set_roles(user, roles)
    db.session.add(user)
    db.session.flush()
    audit.record("account.created", user, actor=actor, roles=sorted(r.value for r in roles))
    token = make_token(RESET, user.id, reset_state(user))
    queue_email(user.email, "accounts/email/invite", locale=user.locale, user=user,
                link=url_for("accounts.reset_password", token=token),
                minutes=current_app.config["STATDESK_RESET_TOKEN_MINUTES"])
    db.session.commit()
    return user


def update_user(actor: User, user: User, full_name: str, roles: set[Role], unit: str, active: bool) -> None:
    """Change a user's name, unit, roles and whether they may sign in."""
    if not roles:
        raise AccountError(_("Choose at least one role."))
    if user.id == actor.id and (Role.ADMIN not in roles or not active):
        raise Conflict(_("You cannot remove your own administrator role or deactivate yourself."))
    before = {"roles": user.role_names(), "active": user.active, "unit": user.unit}
    user.full_name, user.unit = full_name.strip(), unit.strip()
    _set_roles(user, roles)
    if user.active and not active:
        user.session_token = new_session_token()
        unit_of_work.send_after_commit(account_deactivated, user_id=user.id)
    user.active = active
    db.session.flush()
    audit.record("account.updated", user, actor=actor, before=before,
                 after={"roles": user.role_names(), "active": user.active, "unit": user.unit})
    db.session.commit()


def create_admin(email: str, full_name: str, password: str) -> User:
    """The first administrator, from the command line; verified at once."""
    email = normalise_email(email)
    problems = password_problems(password, email, full_name)
    if problems:
        raise AccountError(" ".join(problems))
    user = find_by_email(email)
    if user is None:
        user = User(email=email, full_name=full_name)
        db.session.add(user)
    user.password_hash = hash_password(password)
    user.email_verified_at = user.email_verified_at or clock.now()
    user.active = True
    if not user.has_role(Role.ADMIN):
        user.roles.append(UserRole(role=Role.ADMIN))
    db.session.flush()
    audit.record("account.admin_created", user)
    db.session.commit()
    return user
