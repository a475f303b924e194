"""The sign-in session around the second step.

After the first factor (a password, or a single sign-on answer) a user who has
a confirmed factor, or whose roles require one, is not signed in: the session
only *holds* the sign-in (``PENDING``) until the code step or the enrolment is
done, and every page but those steps redirects there.  Only then is the user
signed in, and only then is a remember-me cookie issued.

A signed-in session carries ``PASSED`` (``"passed"`` or ``"none"`` when no
second step was due).  ``guard`` runs before every request: a signed-in session
without that mark (restored from a remember-me cookie, or opened before the rule
existed) or whose roles now require a factor is put back on hold, so
remember-me never skips the second factor.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app, g, redirect, request, session, url_for
from flask_login import current_user, login_user, logout_user

from accounts import two_factor
from accounts.models import User
from accounts.tokens import fingerprint
from accounts.two_factor import REQUIRED_ROLES, Step
from core import clock
from core.extensions import db
from core.urls import is_safe_redirect

PENDING = "second_step"
PASSED = "second_factor"
HOLD_SECONDS = 600
# The step pages, and what a held session may still use.
OPEN_ENDPOINTS = frozenset({"two_factor.verify", "two_factor.setup", "two_factor.qr", "two_factor.cancel",
                            "core.set_language"})


def start_session(user: User, remember: bool, keep: dict | None = None, passed: str = "none") -> None:
    """Sign ``user`` in on a fresh session: nothing planted before sign-in survives it
    except the language and the entries in ``keep``."""
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    session.update(keep or {})
    login_user(user, remember=remember)
    session[PASSED] = passed


def _hold(user: User, step: Step, remember: bool, target: str, keep: dict | None) -> None:
    language = session.get("lang")
    session.clear()
    if language:
        session["lang"] = language
    session[PENDING] = {"user": user.id, "token": fingerprint(user.session_token), "step": step.value,
                        "remember": bool(remember), "next": target, "since": int(clock.now().timestamp()),
                        "keep": keep or {}}


def _step_url(step: Step) -> str:
    return url_for("two_factor.verify" if step is Step.VERIFY else "two_factor.setup")


def sign_in(user: User, remember: bool, target: str, keep: dict | None = None):
    """The response after a first factor: signed in and sent to ``target``, or held for the second step.

    ``keep`` holds session entries the caller wants on the signed-in session
    (single sign-on keeps its provider session this way).
    """
    step = two_factor.step_for(user)
    if step is Step.NONE:
        start_session(user, remember, keep)
        return redirect(target)
    _hold(user, step, remember, target, keep)
    return redirect(_step_url(step))


def held() -> tuple[User, Step] | None:
    """The user whose sign-in waits for the second step, and that step; ``None`` when nothing
    (still) waits: a hold expires, and dies with a password change or a deactivation."""
    pending = session.get(PENDING)
    if not isinstance(pending, dict) or clock.now().timestamp() - pending.get("since", 0) > HOLD_SECONDS:
        return None
    user = db.session.scalar(sa.select(User).where(User.id == pending.get("user"), User.active.is_(True)))
    if user is None or fingerprint(user.session_token) != pending.get("token"):
        return None
    return user, Step(pending["step"])


def complete(user: User) -> str:
    """Sign in the held user after their second step; returns where the sign-in was going."""
    pending = session.get(PENDING) or {}
    start_session(user, pending.get("remember", False), pending.get("keep"), passed="passed")
    return pending.get("next") or url_for("accounts.home")


def mark_passed() -> None:
    """Record on a signed-in session that its user just proved the second factor (enrolment)."""
    session[PASSED] = "passed"


def cancel() -> None:
    """Drop a held sign-in, and the remember-me cookie that may have led to it."""
    session.pop(PENDING, None)
    session["_remember"] = "clear"


def _is_static(endpoint: str) -> bool:
    return endpoint == "static" or endpoint.endswith(".static")


def guard():
    """Before every request: held sessions only reach the step pages; signed-in ones need their mark."""
    endpoint = request.endpoint or ""
    if not endpoint or _is_static(endpoint):
        return None
    if PENDING in session:
        waiting = held()
        if waiting is not None:
            return None if endpoint in OPEN_ENDPOINTS else redirect(_step_url(waiting[1]))
        session.pop(PENDING, None)
    if endpoint in OPEN_ENDPOINTS or not current_user.is_authenticated:
        return None
    if getattr(g, "api_token", None) is not None:
        return None  # a personal access token, made by a session that passed its steps (accounts.api_tokens)
    return _check_signed_in(current_user._get_current_object())


def _check_signed_in(user: User):
    mark = session.get(PASSED)
    if mark == "passed" or (mark == "none" and not any(link.role in REQUIRED_ROLES for link in user.roles)):
        return None
    step = two_factor.step_for(user)
    if step is Step.NONE:
        session[PASSED] = "none"
        return None
    remember = current_app.config.get("REMEMBER_COOKIE_NAME", "remember_token") in request.cookies
    target = request.full_path.rstrip("?")
    if request.method != "GET" or not is_safe_redirect(target):
        target = url_for("accounts.home")
    keep = {k: v for k, v in session.items() if not k.startswith("_") and k not in {PASSED, "lang", "csrf_token"}}
    logout_user()
    _hold(user, step, remember, target, keep)
    return redirect(_step_url(step))
