"""How the accounts package plugs into the application (called by ``create_app``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from accounts import api_tokens, demo, privacy, privacy_models, sso_views, token_views  # noqa: F401 - privacy tables: metadata
    from accounts.cli import cli
    from accounts.login import forget_stale_throttles
    from accounts.privacy_views import bp as privacy_bp
    from accounts.second_step import guard
    from accounts.services import remember_language
    from accounts.sso import init_sso
    from accounts.two_factor_views import bp as two_factor_bp
    from accounts.views import bp
    from core import sweeps
    from core.cli import DEMO_LOADERS
    from core.navigation import ACCOUNT_PAGES, FOOTER_LINKS, REMEMBER_LANGUAGE, FooterLink, NavLink, register_link

    init_sso(app)
    app.register_blueprint(bp)
    app.register_blueprint(privacy_bp)
    REMEMBER_LANGUAGE.register(app, remember_language)
    FOOTER_LINKS.register(app, FooterLink(_l("Privacy"), "privacy.notice", order=50))
    register_link(app, NavLink("admin", _l("Personal data requests"), "privacy.requests",
                               _l("Copies of personal data and closed accounts"), order=80))
    app.register_blueprint(two_factor_bp)
    app.before_request(api_tokens.authenticate_bearer)  # before the second-step guard reads current_user
    app.before_request(guard)
    app.register_blueprint(token_views.bp)
    app.add_template_global(api_tokens.tokens_of, "api_tokens_of")
    app.add_template_global(api_tokens.scopes_for, "token_scopes")
    app.add_template_global(api_tokens.EXPIRY_DAYS, "token_expiry_days")
    app.register_blueprint(sso_views.bp)
    for page, endpoint in (("home", "accounts.home"), ("profile", "accounts.profile"), ("login", "accounts.login"),
                           ("logout", "accounts.logout"), ("register", "accounts.register")):
        ACCOUNT_PAGES.register(app, page, endpoint)
    app.cli.add_command(cli)
    DEMO_LOADERS.register(app, ("accounts", demo.load))
    sweeps.register(app, "accounts.login-throttles", forget_stale_throttles)
    sweeps.register(app, "accounts.privacy-exports", privacy.prepare_exports)
    sweeps.register(app, "accounts.retention", privacy.apply_retention)
