"""Privacy self-service (Indonesia's personal data protection law, UU 27/2022): consent, a copy, closing.

- Registration records which privacy notice (``NOTICE_VERSION``) the person agreed to and when.
- ``request_export`` asks for a copy of one's data; the ``accounts.privacy-exports`` sweep builds it in the
  background as a ZIP of JSON files plus the person's own files, stores it, and e-mails a link that works for
  ``STATDESK_PRIVACY_EXPORT_DAYS`` days and only for that signed-in person.  What goes in comes from
  ``PERSONAL_DATA``: each package above accounts adds its part (orders, consultations, ...).
- ``close_account`` erases or anonymises the personal fields (name, e-mail, phone, tax number, institution,
  password, second factor, sign-in links) and each package's ``ERASERS``; invoices, payments, orders and
  the audit log stay, as tax and archive law require, tied to an anonymous account that can no longer sign in.
- ``apply_retention`` is the sweep that deletes what is kept only for a while: sent e-mails and login
  throttling counters older than ``STATDESK_RETENTION_DAYS``, and export files past their link's expiry.
"""

from __future__ import annotations

import hashlib
import io
import json
import secrets
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from accounts.models import (
    ApiToken,
    ExternalIdentity,
    LoginThrottle,
    RecoveryCode,
    SecondFactor,
    User,
    new_session_token,
)
from accounts.passwords import verify_password
from accounts.privacy_models import PrivacyKind, PrivacyRequest, PrivacyStatus
from core import audit, clock, registry
from core.errors import Forbidden, Gone, Invalid, NotFound
from core.extensions import db
from core.locks import locked
from core.models import OutboxMessage, OutboxStatus
from core.outbox import queue_email
from core.storage import get_storage

NOTICE_VERSION = "2026-12"
EXPORT_PATH = "/account/data-export"  # the download page (privacy_views); e-mails are written outside requests
CLOSED_NAME = "-"  # what staff pages show for a closed account (the real name is gone)


@dataclass
class PersonalData:
    """One package's part of a person's data: ``records`` become ``<name>.json``; ``files`` are
    ``(path inside the ZIP, storage key)`` pairs of files the person gave or received."""

    name: str
    records: Any
    files: list[tuple[str, str]] = field(default_factory=list)


PERSONAL_DATA: registry.ListSlot[Callable[[User], PersonalData]] = registry.ListSlot(
    "accounts.personal_data",
    "callable(user) -> PersonalData: what a package holds about the person, for their data export; it must "
    "return only rows and files of that user.")

ERASERS: registry.ListSlot[Callable[[User], None]] = registry.ListSlot(
    "accounts.erasers",
    "callable(user): erase what a package keeps about a person whose account is being closed (in the "
    "closing transaction; no commit); records the law requires (invoices, payments, audit) are kept.")


def _json(value: Any) -> Any:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if hasattr(value, "value") and not isinstance(value, (int, float, str)):
        return value.value
    return str(value)


def _profile(user: User) -> PersonalData:
    profile = user.profile
    return PersonalData("profile", {
        "id": user.id, "email": user.email, "full_name": user.full_name, "unit": user.unit,
        "language": user.locale, "roles": user.role_names(), "created_at": user.created_at,
        "email_verified_at": user.email_verified_at, "last_login_at": user.last_login_at,
        "privacy_notice_version": user.privacy_notice_version, "privacy_consent_at": user.privacy_consent_at,
        "segment": profile.segment.value if profile else None, "institution": profile.institution if profile else "",
        "phone": profile.phone if profile else "", "npwp": profile.npwp if profile else "",
        "second_factor": db.session.scalar(sa.select(SecondFactor.confirmed_at)
                                           .where(SecondFactor.user_id == user.id)) is not None,
        "single_sign_on": [{"provider": link.provider, "email": link.email} for link in db.session.scalars(
            sa.select(ExternalIdentity).where(ExternalIdentity.user_id == user.id))],
    })


def export_zip(user: User) -> bytes:
    """The ZIP of everything the site holds about ``user``: one JSON file per part, then their files."""
    buffer = io.BytesIO()
    storage = get_storage()
    parts = [_profile(user)] + [contribute(user) for contribute in PERSONAL_DATA.get()]
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", _readme(user, parts))
        for part in parts:
            archive.writestr(f"{part.name}.json", json.dumps(part.records, default=_json, ensure_ascii=False,
                                                              indent=2))
            for path, key in part.files:
                if not storage.exists(key):
                    continue
                with storage.open(key) as stream:
                    archive.writestr(f"files/{part.name}/{path}", stream.read())
    return buffer.getvalue()


def _readme(user: User, parts: list[PersonalData]) -> str:
    from flask_babel import force_locale, gettext

    with force_locale(user.locale):
        return "\n".join([
            gettext("A copy of the personal data %(site)s holds about you, made on %(date)s.",
                    site=current_app.config["STATDESK_SITE_NAME"], date=clock.now().date().isoformat()),
            gettext("Each JSON file is one part of it; the folder files/ holds the files you sent or received."),
            "", *[f"- {part.name}.json" for part in parts], ""])


def _active_export(user: User) -> PrivacyRequest | None:
    return db.session.scalar(sa.select(PrivacyRequest).where(
        PrivacyRequest.user_id == user.id, PrivacyRequest.kind == PrivacyKind.EXPORT,
        PrivacyRequest.status == PrivacyStatus.PENDING))


def request_export(user: User) -> PrivacyRequest:
    """Ask for a copy of one's data; a second request while one is being prepared is the same request."""
    existing = _active_export(user)
    if existing is not None:
        return existing
    request = PrivacyRequest(user_id=user.id, kind=PrivacyKind.EXPORT, status=PrivacyStatus.PENDING,
                             requested_at=clock.now())
    db.session.add(request)
    db.session.flush()
    audit.record("privacy.export_requested", request, actor=user)
    db.session.commit()
    return request


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def prepare_exports() -> int:
    """The sweep: build each pending export, store it and e-mail its link; expire old ones.  Idempotent:
    a request is claimed under a row lock and only a pending one is built."""
    done = 0
    expire_exports()
    for request_id in db.session.scalars(sa.select(PrivacyRequest.id).where(
            PrivacyRequest.kind == PrivacyKind.EXPORT, PrivacyRequest.status == PrivacyStatus.PENDING)
            .order_by(PrivacyRequest.id).limit(20)).all():
        request = db.session.scalar(locked(sa.select(PrivacyRequest).where(PrivacyRequest.id == request_id),
                                           skip_locked=True, of=PrivacyRequest))
        if request is None or request.status is not PrivacyStatus.PENDING:
            db.session.rollback()
            continue
        user = request.user
        data = export_zip(user)
        stored = get_storage().save(io.BytesIO(data), prefix="privacy")
        token = secrets.token_urlsafe(32)
        request.file_key, request.file_size, request.token_hash = stored.key, stored.size, _token_hash(token)
        request.status, request.completed_at = PrivacyStatus.READY, clock.now()
        request.expires_at = clock.now() + timedelta(days=current_app.config["STATDESK_PRIVACY_EXPORT_DAYS"])
        if user.email:
            queue_email(user.email, "accounts/email/data_export", locale=user.locale, user=user,
                        request=request, link=f"{EXPORT_PATH}/{token}")
        audit.record("privacy.export_ready", request, size=stored.size)
        db.session.commit()
        done += 1
    return done


def expire_exports() -> int:
    rows = db.session.scalars(sa.select(PrivacyRequest).where(
        PrivacyRequest.status == PrivacyStatus.READY, PrivacyRequest.expires_at <= clock.now())).all()
    for request in rows:
        if request.file_key:
            get_storage().delete(request.file_key)
        request.file_key, request.status = None, PrivacyStatus.EXPIRED  # the link stays known: it says "expired"
    db.session.commit()
    return len(rows)


def export_for_download(token: str, user: User) -> PrivacyRequest:
    """The ready export behind ``token``, if it is the signed-in ``user``'s own."""
    request = db.session.scalar(sa.select(PrivacyRequest).where(PrivacyRequest.token_hash == _token_hash(token)))
    if request is None or request.user_id != user.id:
        raise NotFound()
    if request.status is not PrivacyStatus.READY or request.expires_at <= clock.now():
        raise Gone(_("This link has expired. Ask for a new copy of your data on your account page."))
    return request


def close_account(user: User, password: str, confirmation: bool) -> PrivacyRequest:
    """Erase or anonymise ``user``'s personal data and make sign-in impossible; keep the legal records."""
    if not confirmation:
        raise Invalid(errors={"confirm": [_("Tick the box to confirm that you want to close your account.")]})
    if user.password_hash and not verify_password(user.password_hash, password):
        raise Invalid(errors={"password": [_("The password is not correct.")]})
    if user.is_staff:
        raise Forbidden(_("Staff accounts are closed by an administrator."))
    email, locale = user.email, user.locale
    request = PrivacyRequest(user_id=user.id, kind=PrivacyKind.CLOSURE, status=PrivacyStatus.DONE,
                             requested_at=clock.now(), completed_at=clock.now())
    db.session.add(request)
    for part in (SecondFactor, RecoveryCode, ExternalIdentity):
        db.session.execute(sa.delete(part).where(part.user_id == user.id))
    if email:
        db.session.execute(sa.delete(LoginThrottle).where(LoginThrottle.key == email))
    # tokens stay as a record of API use, revoked by their owner's closing (``find`` refuses them anyway)
    db.session.execute(sa.update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                       .values(revoked_at=clock.now(), revoked_by_id=user.id))
    for erase in ERASERS.get():
        erase(user)
    for export in db.session.scalars(sa.select(PrivacyRequest).where(
            PrivacyRequest.user_id == user.id, PrivacyRequest.kind == PrivacyKind.EXPORT)):
        if export.file_key:
            get_storage().delete(export.file_key)
        export.file_key, export.token_hash, export.status = None, None, PrivacyStatus.EXPIRED
    user.email, user.full_name, user.unit, user.password_hash = None, CLOSED_NAME, "", None
    user.active, user.closed_at, user.session_token = False, clock.now(), new_session_token()
    user.email_verified_at = None
    if user.profile is not None:
        user.profile.institution, user.profile.phone, user.profile.npwp = "", "", ""
    db.session.flush()
    audit.record("account.closed", user, actor=user)
    if email:
        queue_email(email, "accounts/email/account_closed", locale=locale, kept=KEPT)  # rendered in ``locale``
    db.session.commit()
    return request


# What stays after closing, and why: shown before closing and in the confirmation e-mail.
KEPT = (
    _l("Invoices, payments and receipts: tax law requires us to keep them for ten years."),
    _l("Your orders and the data-use agreements you accepted: they are the record of what was delivered and "
       "under which conditions."),
    _l("Your consultations, without your name and e-mail address: they count in the service statistics."),
    _l("The audit log: who changed what and when, kept for security; it names your account by number only."),
)


def requests_page_query():
    return sa.select(PrivacyRequest).order_by(PrivacyRequest.id.desc())


def apply_retention() -> dict[str, int]:
    """The sweep: delete data past its retention period (sent e-mails, login counters, expired exports)."""
    cutoff = clock.now() - timedelta(days=current_app.config["STATDESK_RETENTION_DAYS"])
    mails = db.session.execute(sa.delete(OutboxMessage).where(
        OutboxMessage.status.in_([OutboxStatus.SENT, OutboxStatus.FAILED]),
        OutboxMessage.created_at < cutoff)).rowcount
    throttles = db.session.execute(sa.delete(LoginThrottle).where(
        sa.or_(LoginThrottle.locked_until.is_(None), LoginThrottle.locked_until < cutoff),
        sa.or_(LoginThrottle.window_started_at.is_(None), LoginThrottle.window_started_at < cutoff))).rowcount
    db.session.commit()
    return {"emails": mails, "throttles": throttles, "exports": expire_exports()}
