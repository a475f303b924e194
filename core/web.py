"""Request-level behaviour that core installs on the application.

Locale selection, template filters and globals, security headers, the caching of pages and static
files (``core.http_cache``, ``core.static_assets``), the client address for the audit log, and the
refusal of control characters in request text (``core.input_guard``).
"""

from __future__ import annotations

from flask import current_app, g, has_request_context, request, session
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from core.extensions import login_manager
from core.input_guard import refuse_control_characters
from core.money import format_rupiah
from core.navigation import ACCOUNT_PAGES, footer_links, header_counters, links_for, page_scripts
from core.timefmt import format_local

LOCALES = ("id", "en")

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'"
)


def select_locale() -> str:
    """Explicit ``?lang=``, then the session's choice, then the user's, then ``Accept-Language``, then the default."""
    if not has_request_context():  # CLI commands and sweeps speak the default language
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    requested = request.args.get("lang")
    if request.path.startswith("/api/"):
        # An API client names its language per request (``?lang=``, ``Accept-Language``); nothing is stored.
        if requested in LOCALES:
            return requested
        named = request.accept_languages.best_match(LOCALES)
        if named:
            return named
    elif requested in LOCALES:
        session["lang"] = requested
        return requested
    if session.get("lang") in LOCALES:
        return session["lang"]
    user_locale = getattr(current_user, "locale", None) if current_user else None
    if user_locale in LOCALES:
        return user_locale
    # API clients (and browsers) that name a language get it; nothing named keeps Indonesian.
    return accepted_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]


def accepted_locale() -> str | None:
    """The first of our languages in ``Accept-Language``, by quality, matching on the primary subtag.

    Werkzeug's ``best_match`` prefers an exact tag at any quality, so ``en-US,id;q=0.5`` (an English
    browser that also reads Indonesian) would get Indonesian; here ``en-US`` counts as ``en``.
    """
    for value, _quality in request.accept_languages:  # already sorted, best first
        primary = value.replace("_", "-").split("-", 1)[0].lower()
        if primary in LOCALES:
            return primary
    return None


def format_size(size: int | None) -> str:
    """A file size for people: ``850 B``, ``10,7 kB``, ``3,2 MB`` (decimal units, the locale's decimal mark)."""
    from flask_babel import format_decimal

    if size is None:
        return ""
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if size >= scale:
            return f"{format_decimal(size / scale, format='#,##0.#')} {unit}"
    return f"{size} B"


def _remember_origin() -> None:
    g.origin = (request.remote_addr or "")[:64]


def _security_headers(response):
    headers = response.headers
    headers.setdefault("Content-Security-Policy", CSP)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if current_app.config["SESSION_COOKIE_SECURE"]:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000")
    return response


def _template_context():
    # Outside a request (e-mails written by sweeps and commands) nobody is signed in.
    signed_in = has_request_context() and current_user.is_authenticated
    roles = set(current_user.role_names()) if signed_in else set()
    return {
        "current_locale": str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"]),
        "available_locales": LOCALES,
        "nav_links": links_for(roles),
        "header_counters": header_counters(current_user) if signed_in else [],
        "footer_links": footer_links(),
        "account_pages": ACCOUNT_PAGES.get(),
        "page_scripts": page_scripts(request.endpoint) if has_request_context() else [],
        "site_name": current_app.config["STATDESK_SITE_NAME"],
    }


def init_web(app) -> None:
    from core import http_cache, logs, metrics, static_assets

    # First, so that even a request the input guard refuses gets its id, its log line and its latency.
    logs.configure(app)
    metrics.init_app(app)
    login_manager.login_message = _l("Please sign in to open this page.")
    app.before_request(_remember_origin)
    app.before_request(refuse_control_characters)
    app.after_request(_security_headers)
    http_cache.init_app(app)
    static_assets.init_app(app)
    app.context_processor(_template_context)
    app.add_template_filter(format_rupiah, "rupiah")
    app.add_template_filter(format_size, "filesize")
    app.add_template_filter(format_local, "localtime")
    app.add_template_filter(lambda value: format_local(value, with_time=False), "localdate")
