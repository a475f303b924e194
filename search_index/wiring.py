"""How the search index plugs into the application (called by ``create_app``)."""

from __future__ import annotations


def init_app(app) -> None:
    from search_index import models, service  # noqa: F401 - models: the PostgreSQL backend's tables
    from search_index.cli import cli
    from search_index.views import api, bp

    service.install(app)
    app.cli.add_command(cli)
    app.register_blueprint(bp)
    app.register_blueprint(api)
