"""How the accounts package plugs into the application (called by ``create_app``)."""

from __future__ import annotations


def init_app(app) -> None:
    from accounts import demo, sso_views  # noqa: F401 - sso_views adds its routes to bp
    from accounts.cli import cli
    from accounts.login import forget_stale_throttles
    from accounts.second_step import guard
    from accounts.sso import init_sso
    from accounts.two_factor_views import bp as two_factor_bp
    from accounts.views import bp
    from core import sweeps
    from core.cli import register_demo_loader

    init_sso(app)
    app.register_blueprint(bp)
    app.register_blueprint(two_factor_bp)
    app.before_request(guard)
    app.cli.add_command(cli)
    register_demo_loader(app, "accounts", demo.load)
    sweeps.register(app, "accounts.login-throttles", forget_stale_throttles)
