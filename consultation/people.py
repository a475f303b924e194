"""Finding or recording the person an operator serves, without making them register.

Someone who phoned or walked in is found by e-mail or phone number; when not
found, a consumer record without a password is created.  They can claim it later
by registering with the same e-mail and verifying it
(``accounts.services.register_consumer`` does that).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import sqlalchemy as sa
from flask_babel import gettext as _

from accounts.models import ConsumerProfile, Role, Segment, User, UserRole
from accounts.services import AccountError, normalise_email
from core import audit
from core.errors import Invalid
from core.extensions import db

_PHONE_JUNK = re.compile(r"[\s\-().]")


class PersonError(Invalid):
    """Contact details that cannot be used for a person."""


@dataclass
class PersonData:
    full_name: str
    email: str = ""
    phone: str = ""
    segment: Segment = Segment.PUBLIC
    institution: str = ""


def normalise_phone(phone: str) -> str:
    """Digits with an optional leading +; Indonesian 08… numbers become +628…."""
    phone = _PHONE_JUNK.sub("", phone or "")
    if phone.startswith("0"):
        phone = "+62" + phone[1:]
    if phone and not re.fullmatch(r"\+?\d{6,15}", phone):
        raise PersonError(_("Enter a phone number of digits only, e.g. 0812 3456 7890."))
    return phone


def find_or_create(data: PersonData, operator, by_post: bool = False) -> User:
    """The person with this e-mail (first) or phone; a new passwordless consumer record otherwise.

    ``by_post``: the request came in a letter with a postal address, so someone with neither e-mail nor
    phone is recorded too (a new record each time: there is nothing to recognise them by).
    """
    try:
        email = normalise_email(data.email) if data.email.strip() else ""
    except AccountError as exc:
        raise PersonError(exc.message) from exc
    phone = normalise_phone(data.phone)
    if not email and not phone and not by_post:
        raise PersonError(_("Give the person's e-mail address or phone number (or, for a letter, the postal "
                            "address)."))
    person = None
    if email:
        person = db.session.scalar(sa.select(User).where(User.email == email))
    if person is None and phone:
        person = db.session.scalar(sa.select(User).join(ConsumerProfile).where(ConsumerProfile.phone == phone)
                                   .order_by(User.id).limit(1))
    if person is not None:
        return person
    if not 2 <= len(data.full_name.strip()) <= 160:
        raise PersonError(_("Give the person's name."))
    person = User(email=email or None, full_name=data.full_name.strip(), password_hash=None)
    person.roles.append(UserRole(role=Role.CONSUMER))
    person.profile = ConsumerProfile(segment=data.segment, institution=data.institution.strip()[:200], phone=phone)
    db.session.add(person)
    db.session.flush()
    audit.record("account.recorded_by_staff", person, operator, email=email, phone=phone)
    return person
