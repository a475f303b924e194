"""The Statdesk application factory and the WSGI ``app``.

``create_app(config)`` builds the application from environment settings,
overridden by ``config`` (tests pass their own).  This module is the only place
that knows every package: it registers their blueprints, commands and demo data.
"""

from __future__ import annotations

import importlib
import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from core import settings
from core.errors import register_error_handlers
from core.extensions import babel, bootstrap, csrf, db, limiter, login_manager, migrate
from core.sweeps import start_timer
from core.web import init_web, select_locale

HERE = os.path.dirname(os.path.abspath(__file__))

# Packages in layer order.  Each may ship ``wiring.py`` (``init_app(app)``: blueprints,
# commands, demo loaders, signal receivers) and a ``translations/`` catalog.
PACKAGES = ("core", "accounts", "search_index", "catalog", "roster", "consultation", "orders", "helpdesk",
            "subscriptions", "visits", "legacy", "api")


def create_app(config: dict | None = None) -> Flask:
    """Build a configured application; refuses unsafe production settings."""
    app = Flask(__name__, instance_relative_config=True)
    os.makedirs(app.instance_path, exist_ok=True)
    loaded = settings.load_settings(instance_path=app.instance_path)
    loaded.update(config or {})
    app.config.update(loaded)
    settings.refuse_unsafe_production(app.config)
    app.config.update({k: v for k, v in settings.derived_flask_config(app.config).items() if k not in (config or {})})
    app.config["BABEL_TRANSLATION_DIRECTORIES"] = ";".join(
        os.path.join(HERE, package, "translations") for package in PACKAGES
        if os.path.isdir(os.path.join(HERE, package, "translations")))
    _trust_proxies(app)
    _init_extensions(app)
    _register_packages(app)
    if app.config["STATDESK_BACKGROUND_SWEEPS"]:
        start_timer(app)  # the dev server's periodic jobs (core.sweeps)
    return app


def _trust_proxies(app: Flask) -> None:
    """Believe the ``X-Forwarded-*`` headers of ``STATDESK_TRUSTED_PROXIES`` proxies, so that rate limits,
    lockouts and the audit log see the client's address, and links the scheme and host it used."""
    hops = app.config["STATDESK_TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=os.path.join(HERE, "migrations"), compare_type=True, render_as_batch=True)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"  # the message itself is set by core.web
    login_manager.session_protection = "strong"
    csrf.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    bootstrap.init_app(app)
    limiter.init_app(app)
    init_web(app)
    register_error_handlers(app)


def _register_packages(app: Flask) -> None:
    """Call ``<package>.wiring.init_app(app)`` for every package that has one, in layer order."""
    for package in PACKAGES:
        if os.path.exists(os.path.join(HERE, package, "wiring.py")):
            importlib.import_module(f"{package}.wiring").init_app(app)


_wsgi_app: Flask | None = None


def __getattr__(name: str):
    """``app.app`` is the WSGI application, built on first use (PEP 562).

    Lazy, so that importing this module (as tests and tools do) has no side effects.
    """
    global _wsgi_app
    if name == "app":
        if _wsgi_app is None:
            _wsgi_app = create_app()
        return _wsgi_app
    raise AttributeError(name)
