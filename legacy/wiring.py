"""How the legacy import plugs into the application (called by ``create_app``)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l


def init_app(app) -> None:
    from core.navigation import NavLink, register_link
    from legacy import models  # noqa: F401 (the tables)
    from legacy.claim_views import bp as claim_bp
    from legacy.cli import cli
    from legacy.views import bp

    app.register_blueprint(bp)
    app.register_blueprint(claim_bp)
    app.cli.add_command(cli)
    register_link(app, NavLink("admin", _l("Import from the previous system"), "legacy.start",
                               _l("Consumers, consultations, orders, invoices and payments of the old system"),
                               order=90))
