"""How the search index plugs into the application (called by ``create_app``)."""

from __future__ import annotations

RETRY_SECONDS = 60


def init_app(app) -> None:
    from flask_babel import lazy_gettext as _l

    from core import sweeps
    from core.backup import AFTER_RESTORE
    from core.health import READINESS_CHECKS
    from core.navigation import PAGE_SCRIPTS, NavLink, PageScript, register_link
    from search_index import indexing, models, service  # noqa: F401 - models: the PostgreSQL backend's tables
    from search_index.cli import cli, rebuild_and_verify
    from search_index.views import api, bp

    service.install(app)
    READINESS_CHECKS.register(app, ("search", service.check_ready))
    AFTER_RESTORE.register(app, ("search index rebuilt and verified", rebuild_and_verify))
    app.cli.add_command(cli)
    app.register_blueprint(bp)
    app.register_blueprint(api)
    sweeps.register(app, "search_index.retry-updates", indexing.retry_pending, interval=RETRY_SECONDS)
    register_link(app, NavLink("admin", _l("Search index"), "search.status",
                               _l("Index updates that failed and wait for a retry."), order=90))
    PAGE_SCRIPTS.register(app, PageScript("search.page", "search.static", "search-suggest.js"))
