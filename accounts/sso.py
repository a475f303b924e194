"""Single sign-on with OpenID Connect, through Authlib's Flask client.

Providers come from ``STATDESK_OIDC_PROVIDERS``.  Authlib handles discovery, the
authorization code flow with PKCE (S256), ``state`` (kept once in the session) and
``nonce``, and validates the ID token (signature against the provider's JWKS,
issuer, audience, expiry, nonce).  Standard providers often put only ``sub`` in the
ID token and the rest in the userinfo endpoint; ``collect_claims`` asks userinfo
for what the ID token lacks.  This module turns the claims into a local account:
it signs in a known identity or creates a user for a new e-mail; linking to an
existing account with the same e-mail needs proof of that account
(``accounts.sso_linking``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import requests
import sqlalchemy as sa
from authlib.integrations.base_client.errors import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import url_for
from flask_babel import gettext as _
from joserfc import errors as jose_errors

from accounts.models import ConsumerProfile, ExternalIdentity, Role, User, UserRole
from accounts.services import AccountError, find_by_email, normalise_email
from core import audit, clock, registry
from core.errors import Conflict, Forbidden
from core.extensions import db

DEFAULT_SCOPE = "openid email profile"
# Claims Statdesk reads; when the ID token lacks any of them, userinfo is asked.
WANTED_CLAIMS = ("email", "email_verified", "name")
SESSION_KEY = "sso"  # {"provider": name, "id_token": …} while signed in through SSO

SSO = registry.Slot(
    "accounts.sso", "(Authlib OAuth registry, provider name -> Provider) of the configured OpenID providers; "
    "set by ``init_sso``.")


@dataclass(frozen=True)
class Provider:
    name: str
    label: str
    discovery_url: str
    client_id: str
    client_secret: str
    roles_claim: str = "groups"
    role_map: dict[str, str] = field(default_factory=dict)
    scope: str = DEFAULT_SCOPE

    @property
    def grantable_roles(self) -> set[Role]:
        return {Role(value) for value in self.role_map.values()}


@dataclass(frozen=True)
class Claims:
    """What Statdesk takes from a validated ID token."""

    subject: str
    email: str
    email_verified: bool
    name: str
    groups: tuple[str, ...]

    def as_dict(self) -> dict:
        return {"subject": self.subject, "email": self.email, "email_verified": self.email_verified,
                "name": self.name, "groups": list(self.groups)}


def _scope(entry: dict) -> str:
    """The configured scopes (a string or a list), which must ask for ``openid``."""
    scope = entry.get("scopes") or DEFAULT_SCOPE
    words = scope.split() if isinstance(scope, str) else [str(word) for word in scope]
    if "openid" not in words:
        raise ValueError("scopes must include openid")
    return " ".join(dict.fromkeys(words))


def _provider_from_config(entry: dict) -> Provider:
    try:
        role_map = {str(k): Role(v).value for k, v in (entry.get("role_map") or {}).items()}
        return Provider(name=str(entry["name"]), label=str(entry.get("label") or entry["name"]),
                        discovery_url=str(entry["discovery_url"]), client_id=str(entry["client_id"]),
                        client_secret=str(entry.get("client_secret", "")),
                        roles_claim=str(entry.get("roles_claim") or "groups"), role_map=role_map,
                        scope=_scope(entry))
    except (KeyError, ValueError, TypeError, AttributeError) as exc:
        raise ValueError(f"STATDESK_OIDC_PROVIDERS entry {entry!r} is invalid: {exc}") from exc


def init_sso(app) -> None:
    """Register one Authlib client per configured provider on this application."""
    providers = {}
    for entry in app.config["STATDESK_OIDC_PROVIDERS"]:
        provider = _provider_from_config(entry)
        providers[provider.name] = provider
    oauth = OAuth(app)
    for provider in providers.values():
        oauth.register(provider.name, client_id=provider.client_id, client_secret=provider.client_secret,
                       server_metadata_url=provider.discovery_url,
                       client_kwargs={"scope": provider.scope, "code_challenge_method": "S256"})
    SSO.register(app, (oauth, providers))


def providers() -> dict[str, Provider]:
    return SSO.get()[1]


def client_for(name: str):
    """The Authlib client of a configured provider, or ``None``."""
    oauth, configured = SSO.get()
    return oauth.create_client(name) if name in configured else None


class SSOError(AccountError):
    pass


def explain(exc: Exception) -> SSOError:
    """A message a person can act on, for every way a sign-in answer can fail."""
    if isinstance(exc, MismatchingStateError):
        return SSOError(_("This sign-in could not be matched to one you started here. Start again from the sign-in "
                          "page."))
    if isinstance(exc, jose_errors.ExpiredTokenError):
        return SSOError(_("The identity provider's answer has expired. Start the sign-in again."))
    if isinstance(exc, jose_errors.InvalidClaimError) and exc.claim == "nonce":
        return SSOError(_("The identity provider's answer belongs to another sign-in. Start the sign-in again."))
    if isinstance(exc, (jose_errors.InvalidClaimError, jose_errors.MissingClaimError)) and \
            getattr(exc, "claim", "") in {"iss", "aud", "azp"}:
        return SSOError(_("The identity provider's answer was meant for another site."))
    if isinstance(exc, (jose_errors.BadSignatureError, jose_errors.InvalidKeyIdError, jose_errors.DecodeError)):
        return SSOError(_("The identity provider's answer is not signed by that provider."))
    if isinstance(exc, OAuthError):
        return SSOError(_("The identity provider refused the sign-in (%(reason)s).",
                          reason=exc.description or exc.error))
    return SSOError(_("The identity provider's answer could not be verified. Start the sign-in again."))


def collect_claims(provider: Provider, token: dict) -> dict:
    """The ID token's validated claims, completed from the userinfo endpoint.

    Userinfo is asked only when a claim Statdesk reads is missing from the ID token;
    its answer must be about the same ``sub``, and never overrides what the signed ID
    token says.  Raises ``requests.RequestException`` when the provider cannot be
    reached and ``SSOError`` when its answer cannot be used.
    """
    id_claims = dict(token.get("userinfo") or {})
    if not id_claims.get("sub"):
        raise SSOError(_("The identity provider's answer could not be verified. Start the sign-in again."))
    missing = [name for name in (*WANTED_CLAIMS, provider.roles_claim) if name not in id_claims]
    if not missing or not token.get("access_token"):
        return id_claims
    client = client_for(provider.name)
    if not client.load_server_metadata().get("userinfo_endpoint"):
        return id_claims
    try:
        info = client.userinfo(token=token)
    except requests.HTTPError as exc:
        raise SSOError(_("The identity provider refused to tell who you are. Start the sign-in again.")) from exc
    except (ValueError, TypeError) as exc:  # not a JSON object
        raise SSOError(_("The identity provider's answer could not be verified. Start the sign-in again.")) from exc
    if str(info.get("sub") or "") != str(id_claims["sub"]):
        raise SSOError(_("The identity provider's answers about who you are do not agree. Start the sign-in "
                         "again."))
    return {**info, **id_claims}


def claims_from_userinfo(provider: Provider, userinfo: dict) -> Claims:
    """Claims from the ID token and userinfo → ``Claims``; a verified e-mail is required."""
    if not userinfo or not userinfo.get("sub"):
        raise SSOError(_("The identity provider's answer could not be verified. Start the sign-in again."))
    if userinfo.get("email") and "email_verified" not in userinfo:
        raise Forbidden(_("Your identity provider does not say whether it has confirmed your e-mail address, so "
                         "it cannot be used to sign in here. Ask its administrator to release the "
                         "email_verified claim."))
    if not userinfo.get("email") or userinfo.get("email_verified") is not True:
        raise Forbidden(_("Your identity provider has not confirmed your e-mail address, so it cannot be used to "
                         "sign in here."))
    groups = userinfo.get(provider.roles_claim) or []
    if isinstance(groups, str):
        groups = groups.split()
    return Claims(subject=str(userinfo["sub"]), email=normalise_email(userinfo["email"]), email_verified=True,
                  name=str(userinfo.get("name") or userinfo["email"]), groups=tuple(str(g) for g in groups))


def mapped_roles(provider: Provider, claims: Claims) -> set[Role]:
    return {Role(provider.role_map[group]) for group in claims.groups if group in provider.role_map}


def _sync_roles(user: User, provider: Provider, claims: Claims) -> None:
    """Roles the provider can grant follow its claim; other roles are left alone."""
    wanted = mapped_roles(provider, claims)
    for link in list(user.roles):
        if link.role in provider.grantable_roles and link.role not in wanted:
            user.roles.remove(link)
    held = {link.role for link in user.roles}
    for role in wanted - held:
        user.roles.append(UserRole(role=role))
    if not user.roles:
        user.roles.append(UserRole(role=Role.CONSUMER))


def _identity(provider: Provider, subject: str) -> ExternalIdentity | None:
    return db.session.scalar(sa.select(ExternalIdentity).where(ExternalIdentity.provider == provider.name,
                                                               ExternalIdentity.subject == subject))


def _signed_in(user: User, identity: ExternalIdentity, provider: Provider, claims: Claims, action: str) -> User:
    if not user.active:
        db.session.rollback()
        raise Forbidden(_("This account has been deactivated. Contact the service desk."))
    _sync_roles(user, provider, claims)
    now = clock.now()
    identity.last_login_at = user.last_login_at = now
    if user.email_verified_at is None:
        user.email_verified_at = now
    db.session.flush()
    audit.record(action, user, actor=user, provider=provider.name, roles=user.role_names())
    db.session.commit()
    return user


def sign_in(provider: Provider, claims: Claims) -> User | None:
    """The user for these claims, or ``None`` when linking to an existing account needs confirming."""
    identity = _identity(provider, claims.subject)
    if identity is not None:
        return _signed_in(identity.user, identity, provider, claims, "account.sso_login")
    if find_by_email(claims.email) is not None:
        return None
    user = User(email=claims.email, full_name=claims.name[:160], email_verified_at=clock.now(), active=True)
    user.profile = ConsumerProfile()
    db.session.add(user)
    identity = ExternalIdentity(user=user, provider=provider.name, subject=claims.subject, email=claims.email)
    db.session.add(identity)
    return _signed_in(user, identity, provider, claims, "account.sso_created")


def link_and_sign_in(user: User, provider: Provider, claims: Claims) -> User:
    """Link the identity to ``user`` and sign in; the caller has checked proof of the account."""
    identity = _identity(provider, claims.subject)
    if identity is not None and identity.user_id != user.id:
        raise Conflict(_("This identity is already linked to another account."))
    if identity is None:
        identity = add_identity(user, provider, claims.subject, claims.email)
    return _signed_in(user, identity, provider, claims, "account.sso_linked")


def add_identity(user: User, provider: Provider, subject: str, email: str) -> ExternalIdentity:
    identity = ExternalIdentity(user=user, provider=provider.name, subject=subject, email=email)
    db.session.add(identity)
    return identity


def identity_of(provider: Provider, subject: str) -> ExternalIdentity | None:
    return _identity(provider, subject)


def provider_logout_url(sso_session: dict | None) -> str | None:
    """Where to send the browser to end the provider's session too, if it supports that."""
    client = client_for((sso_session or {}).get("provider", ""))
    if client is None:
        return None
    try:
        if not client.load_server_metadata().get("end_session_endpoint"):
            return None
        return client.create_logout_url(post_logout_redirect_uri=url_for("core.index", _external=True),
                                        id_token_hint=sso_session.get("id_token") or None)["url"]
    except (requests.RequestException, RuntimeError):
        return None
