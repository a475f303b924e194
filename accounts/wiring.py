"""How the accounts package plugs into the application (called by ``create_app``)."""

from __future__ import annotations


def init_app(app) -> None:
    from accounts import api_tokens, demo, sso_views, token_views
    from accounts.cli import cli
    from accounts.login import forget_stale_throttles
    from accounts.second_step import guard
    from accounts.sso import init_sso
    from accounts.two_factor_views import bp as two_factor_bp
    from accounts.views import bp
    from core import sweeps
    from core.cli import DEMO_LOADERS
    from core.navigation import ACCOUNT_PAGES

    init_sso(app)
    app.register_blueprint(bp)
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
