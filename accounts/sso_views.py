"""Single sign-on pages: start, callback, link confirmation (routes on the accounts blueprint)."""

from __future__ import annotations

import requests
from flask import abort, redirect, render_template, request, session, url_for
from flask_babel import gettext as _

from accounts import second_step, sso
from accounts.views import bp
from core.extensions import db, limiter
from core.urls import is_safe_redirect

PENDING_LINK = "sso_pending_link"


def _provider_or_404(name: str) -> sso.Provider:
    provider = sso.providers().get(name)
    if provider is None:
        abort(404)
    return provider


def _problem(error: sso.SSOError):
    db.session.rollback()
    return render_template("accounts/sso_problem.html", message=error.message), error.status


@bp.get("/login/sso/<name>")
@limiter.limit("30/minute")
def sso_start(name: str):
    _provider_or_404(name)
    target = request.args.get("next")
    session["sso_next"] = target if is_safe_redirect(target) else None
    try:
        return sso.client_for(name).authorize_redirect(url_for("accounts.sso_callback", name=name, _external=True))
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
        claims = sso.claims_from_userinfo(provider, token.get("userinfo") or {})
        user = sso.sign_in(provider, claims)
    except sso.SSOError as exc:
        return _problem(exc)
    if user is None:
        session[PENDING_LINK] = {"provider": name, "claims": claims.as_dict(), "id_token": token.get("id_token", "")}
        return redirect(url_for("accounts.sso_link"))
    return _finish(user, provider, token.get("id_token", ""))


@bp.route("/login/sso/link", methods=["GET", "POST"])
def sso_link():
    pending = session.get(PENDING_LINK)
    if not pending:
        return render_template("accounts/sso_problem.html",
                               message=_("There is no sign-in waiting to be linked. Start again.")), 400
    provider = _provider_or_404(pending["provider"])
    if request.method == "GET":
        return render_template("accounts/sso_link.html", provider=provider, email=pending["claims"]["email"])
    claims = sso.Claims(**{**pending["claims"], "groups": tuple(pending["claims"]["groups"])})
    session.pop(PENDING_LINK, None)
    if request.form.get("decision") != "link":
        return redirect(url_for("accounts.login"))
    try:
        user = sso.link_and_sign_in(provider, claims)
    except sso.SSOError as exc:
        return _problem(exc)
    return _finish(user, provider, pending.get("id_token", ""))
