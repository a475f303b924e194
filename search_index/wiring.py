"""How the search index plugs into the application (called by ``create_app``)."""

from __future__ import annotations


def init_app(app) -> None:
    from core.backup import AFTER_RESTORE
    from core.health import READINESS_CHECKS
    from search_index import models, service  # noqa: F401 - models: the PostgreSQL backend's tables
    from search_index.cli import cli, rebuild_and_verify
    from search_index.views import api, bp

    service.install(app)
    READINESS_CHECKS.register(app, ("search", service.check_ready))
    AFTER_RESTORE.register(app, ("search index rebuilt and verified", rebuild_and_verify))
    app.cli.add_command(cli)
    app.register_blueprint(bp)
    app.register_blueprint(api)
