"""How the search index plugs into the application (called by ``create_app``)."""

from __future__ import annotations


def init_app(app) -> None:
    from search_index import indexing
    from search_index.views import api, bp

    indexing.listen()
    app.register_blueprint(bp)
    app.register_blueprint(api)
