"""Users, their roles and consumer profile, login throttling counters and second factors."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.extensions import db
from core.models import TimestampMixin, UTCDateTime, enum_column


class Role(enum.Enum):
    CONSUMER = "consumer"
    OPERATOR = "operator"
    PRODUCER = "producer"
    SUPERVISOR = "supervisor"
    FINANCE = "finance"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return str(ROLE_LABELS[self])


ROLE_LABELS = {
    Role.CONSUMER: _l("Data consumer"),
    Role.OPERATOR: _l("Service operator"),
    Role.PRODUCER: _l("Data producer"),
    Role.SUPERVISOR: _l("Supervisor"),
    Role.FINANCE: _l("Finance"),
    Role.ADMIN: _l("Administrator"),
}

STAFF_ROLES = frozenset({Role.OPERATOR, Role.PRODUCER, Role.SUPERVISOR, Role.FINANCE, Role.ADMIN})


class Segment(enum.Enum):
    """Consumer segment: decides pricing rules and reporting groups."""

    PUBLIC = "public"
    GOVERNMENT = "government"
    PRIVATE = "private"
    ACADEMIC = "academic"
    INTERNATIONAL = "international"
    INTERNAL = "internal"

    @property
    def label(self) -> str:
        return str(SEGMENT_LABELS[self])


SEGMENT_LABELS = {
    Segment.PUBLIC: _l("Public / individual"),
    Segment.GOVERNMENT: _l("Government agency"),
    Segment.PRIVATE: _l("Private company"),
    Segment.ACADEMIC: _l("Academic / educational institution"),
    Segment.INTERNATIONAL: _l("International or foreign institution"),
    Segment.INTERNAL: _l("Internal unit of the office"),
}


def new_session_token() -> str:
    return secrets.token_urlsafe(32)


class User(UserMixin, TimestampMixin, db.Model):
    """A person who signs in, or whose requests staff recorded for them.

    ``session_token`` is the id Flask-Login keeps in the session cookie: rotating
    it (at logout and password change) invalidates every copy of old cookies.
    """

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str | None] = mapped_column(sa.String(255), unique=True)
    full_name: Mapped[str] = mapped_column(sa.String(160), nullable=False)
    password_hash: Mapped[str | None] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True, nullable=False)
    email_verified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    session_token: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False,
                                               default=new_session_token)
    locale: Mapped[str] = mapped_column(sa.String(8), default="id", nullable=False)
    unit: Mapped[str] = mapped_column(sa.String(120), default="", nullable=False)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Privacy (UU 27/2022): which notice the person agreed to and when; when the account was closed.
    privacy_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    privacy_notice_version: Mapped[str] = mapped_column(sa.String(20), default="", nullable=False)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    roles: Mapped[list[UserRole]] = relationship(back_populates="user", cascade="all, delete-orphan",
                                                 lazy="selectin")
    profile: Mapped[ConsumerProfile | None] = relationship(back_populates="user", uselist=False,
                                                           cascade="all, delete-orphan", lazy="selectin")

    @property
    def is_active(self) -> bool:
        return self.active

    def get_id(self) -> str:
        return self.session_token

    def role_names(self) -> list[str]:
        return sorted(r.role.value for r in self.roles)

    def has_role(self, role: Role | str) -> bool:
        value = role.value if isinstance(role, Role) else role
        return any(r.role.value == value for r in self.roles)

    @property
    def is_staff(self) -> bool:
        return any(r.role in STAFF_ROLES for r in self.roles)

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    @property
    def segment(self) -> Segment | None:
        return self.profile.segment if self.profile else None

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class UserRole(db.Model):
    __tablename__ = "user_role"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False)
    role: Mapped[Role] = mapped_column(enum_column(Role), nullable=False)

    user: Mapped[User] = relationship(back_populates="roles")

    __table_args__ = (sa.UniqueConstraint("user_id", "role"),)


class ConsumerProfile(TimestampMixin, db.Model):
    __tablename__ = "consumer_profile"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"),
                                         unique=True, nullable=False)
    segment: Mapped[Segment] = mapped_column(enum_column(Segment), default=Segment.PUBLIC, nullable=False)
    institution: Mapped[str] = mapped_column(sa.String(200), default="", nullable=False)
    phone: Mapped[str] = mapped_column(sa.String(32), default="", nullable=False, index=True)
    npwp: Mapped[str] = mapped_column(sa.String(32), default="", nullable=False)

    user: Mapped[User] = relationship(back_populates="profile")


class ThrottleScope(enum.Enum):
    ACCOUNT = "account"
    ADDRESS = "address"
    SECOND_FACTOR = "second_factor"  # wrong codes at the second step, keyed by user id

    @property
    def label(self) -> str:
        return str(THROTTLE_SCOPE_LABELS[self])


THROTTLE_SCOPE_LABELS = {
    ThrottleScope.ACCOUNT: _l("Per account"),
    ThrottleScope.ADDRESS: _l("Per address"),
    ThrottleScope.SECOND_FACTOR: _l("Per second factor"),
}


class LoginThrottle(db.Model):
    """Failed sign-ins counted per account e-mail and per client address."""

    __tablename__ = "login_throttle"

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[ThrottleScope] = mapped_column(enum_column(ThrottleScope), nullable=False)
    key: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    failures: Mapped[int] = mapped_column(default=0, nullable=False)
    window_started_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)

    __table_args__ = (sa.UniqueConstraint("scope", "key"),)


class ExternalIdentity(TimestampMixin, db.Model):
    """A single sign-on identity (provider + subject) linked to a local user."""

    __tablename__ = "external_identity"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False,
                                         index=True)
    provider: Mapped[str] = mapped_column(sa.String(40), nullable=False)
    subject: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    email: Mapped[str] = mapped_column(sa.String(255), default="", nullable=False)
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    __table_args__ = (sa.UniqueConstraint("provider", "subject"),)


class SecondFactor(TimestampMixin, db.Model):
    """A user's TOTP authenticator (RFC 6238), from enrolment on.

    ``secret`` is set while enrolling and kept once ``confirmed_at`` is set by a
    first valid code; only a confirmed factor is asked for at sign-in.
    ``last_step`` is the time step of the last accepted code: a code of that step
    or an earlier one is refused, so a code works once.  ``enrol_required`` is set
    when an administrator reset the factor: the user must enrol again at the next
    sign-in whatever their roles.
    """

    __tablename__ = "second_factor"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"),
                                         unique=True, nullable=False)
    secret: Mapped[str | None] = mapped_column(sa.String(64))
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    enrol_required: Mapped[bool] = mapped_column(default=False, nullable=False)

    @property
    def confirmed(self) -> bool:
        return self.confirmed_at is not None and bool(self.secret)


class RecoveryCode(db.Model):
    """A single-use code that replaces the authenticator once; only its hash is kept."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False,
                                         index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(255), nullable=False)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiToken(TimestampMixin, db.Model):
    """A personal access token for the API (``accounts/api_tokens.py``); only its SHA-256 is kept.

    ``prefix`` is the token's public start, shown in lists so that a person can tell tokens apart;
    ``scopes`` is a space-separated subset of ``api_tokens.SCOPES``.
    """

    __tablename__ = "api_token"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), nullable=False,
                                         index=True)
    name: Mapped[str] = mapped_column(sa.String(80), nullable=False)
    prefix: Mapped[str] = mapped_column(sa.String(16), nullable=False)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True, nullable=False)
    scopes: Mapped[str] = mapped_column(sa.String(200), nullable=False)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime, nullable=False)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_from: Mapped[str] = mapped_column(sa.String(64), default="", nullable=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @property
    def scope_list(self) -> list[str]:
        return self.scopes.split()
