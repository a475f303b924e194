"""Single sign-on pages: start, callback, linking with proof (blueprint ``accounts_sso``)."""

from __future__ import annotations

import requests
from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from accounts import second_step, sso, sso_linking
from core.errors import DomainError, TooMany, Unauthenticated
from core.extensions import limiter
from core.urls import is_safe_redirect

bp = Blueprint("accounts_sso", __name__, template_folder="templates")

PENDING_LINK = "sso_pending_link"


def _provider_or_404(name: str) -> sso.Provider:
    provider = sso.providers().get(name)
    if provider is None:
        abort(404)
    return provider


def _problem(error: DomainError):
    return render_template("accounts/sso_problem.html", message=error.message), error.status


@bp.get("/login/sso/<name>")
@limiter.limit("30/minute")
def sso_start(name: str):
    _provider_or_404(name)
    target = request.args.get("next")
    session["sso_next"] = target if is_safe_redirect(target) else None
    try:
        return sso.client_for(name).authorize_redirect(url_for("accounts_sso.sso_callback", name=name, _external=True))
    except (requests.RequestException, ValueError):
        return render_template("accounts/sso_problem.html",
                               message=_("The identity provider cannot be reached now. Try again later.")), 502


def _finish(user, provider: sso.Provider, id_token: str):
    target = session.get("sso_next")
    # The sign-in goes through the second step (two-factor) like a password sign-in.
    return second_step.sign_in(user, remember=False, target=target if is_safe_redirect(target) else url_for(
        "accounts.home"), keep={sso.SESSION_KEY: {"provider": provider.name, "id_token": id_token}})


@bp.get("/login/sso/<name>/callback")
@limiter.limit("30/minute")
def sso_callback(name: str):
    provider = _provider_or_404(name)
    try:
        token = sso.client_for(name).authorize_access_token()
    except requests.RequestException:
        return render_template("accounts/sso_problem.html",
                               message=_("The identity provider cannot be reached now. Try again later.")), 502
    except Exception as exc:  # every validation failure of Authlib/joserfc becomes a clear 400
        return _problem(sso.explain(exc))
    try:
        claims = sso.claims_from_userinfo(provider, sso.collect_claims(provider, token))
        user = sso.sign_in(provider, claims)
    except requests.RequestException:
        return render_template("accounts/sso_problem.html",
                               message=_("The identity provider cannot be reached now. Try again later.")), 502
    except sso.SSOError as exc:
        return _problem(exc)
    if user is None:
        session[PENDING_LINK] = {"provider": name, "claims": claims.as_dict(), "id_token": token.get("id_token", "")}
        return redirect(url_for("accounts_sso.sso_link"))
    return _finish(user, provider, token.get("id_token", ""))


def _pending() -> tuple[sso.Provider, sso.Claims] | None:
    pending = session.get(PENDING_LINK)
    if not pending or pending.get("provider") not in sso.providers():
        return None
    claims = sso.Claims(**{**pending["claims"], "groups": tuple(pending["claims"]["groups"])})
    return sso.providers()[pending["provider"]], claims


def _link_page(provider, claims, error: str | None = None, status: int = 200, sent: bool = False):
    user = sso_linking.account_for(claims)
    return render_template("accounts/sso_link.html", provider=provider, email=claims.email, error=error,
                           sent=sent, proofs=sso_linking.proofs(user)), status


@bp.route("/login/sso/link", methods=["GET", "POST"])
@limiter.limit("30/minute", methods=["POST"])
def sso_link():
    """Ask for proof of the existing account: its password, or a link e-mailed to it."""
    pending = _pending()
    if pending is None:
        return render_template("accounts/sso_problem.html",
                               message=_("There is no sign-in waiting to be linked. Start again.")), 400
    provider, claims = pending
    decision = request.form.get("decision") if request.method == "POST" else None
    try:
        if decision is None:
            return _link_page(provider, claims)
        if decision == "password":
            user = sso_linking.link_with_password(provider, claims, request.form.get("password", ""),
                                                  request.remote_addr or "")
            id_token = session.pop(PENDING_LINK, {}).get("id_token", "")
            return _finish(user, provider, id_token)
        if decision == "email":
            sso_linking.send_link_email(provider, claims)
            return _link_page(provider, claims, sent=True)
    except DomainError as exc:
        if isinstance(exc, (Unauthenticated, TooMany)):  # the person may try again, or use the other proof
            return _link_page(provider, claims, error=exc.message, status=exc.status)
        return _problem(exc)
    session.pop(PENDING_LINK, None)
    return redirect(url_for("accounts.login"))


@bp.get("/login/sso/link/<token>")
@limiter.limit("30/minute")
def sso_link_confirm(token: str):
    """The e-mailed link: links the identity, and signs in when this browser started the sign-in."""
    pending = _pending()
    try:
        user, provider, signed_in = sso_linking.link_from_email(token, pending[1] if pending else None)
    except DomainError as exc:
        return _problem(exc)
    if not signed_in:
        return render_template("accounts/sso_linked.html", provider=provider)
    id_token = session.pop(PENDING_LINK, {}).get("id_token", "")
    return _finish(user, provider, id_token)
