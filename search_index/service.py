"""The application's search backend, chosen by ``STATDESK_SEARCH_BACKEND``."""

from __future__ import annotations

from core import registry
from search_index.backend import SearchBackend

BACKENDS = ("whoosh", "postgresql")


class UnknownBackend(RuntimeError):
    pass


def create(app) -> SearchBackend:
    name = app.config.get("STATDESK_SEARCH_BACKEND", "whoosh")
    if name == "whoosh":
        from search_index.whoosh_backend import WhooshBackend

        return WhooshBackend(app.config["STATDESK_SEARCH_DIR"])
    if name == "postgresql":
        from search_index.postgres_backend import PostgresBackend

        with app.app_context():
            from core.extensions import db

            return PostgresBackend(db.engine)
    raise UnknownBackend(f"STATDESK_SEARCH_BACKEND must be one of {', '.join(BACKENDS)}, not {name!r}")


BACKEND: registry.Slot[SearchBackend] = registry.Slot(
    "search_index.backend", "The app's SearchBackend, made by ``create`` (STATDESK_SEARCH_BACKEND) on first use.",
    default=create)


def backend(app=None) -> SearchBackend:
    """The backend of ``app`` (default: the current one), created on first use."""
    return BACKEND.get(app)


def check_ready() -> None:
    """``/readyz``'s search check: the backend answers a one-hit query (raises when it cannot)."""
    from search_index.backend import SearchRequest

    backend().search(SearchRequest(facets=(), per_page=1))


class _LazyIndexer:
    """Hands committed changes to the app's backend, creating it only when there is something to write."""

    def __init__(self, app):
        self.app = app

    def apply(self, documents, removed) -> None:
        backend(self.app).apply(documents, removed)


def install(app) -> None:
    """Let committed changes flow into the app's backend (called by ``search_index.wiring``)."""
    from search_index.indexing import set_indexer

    set_indexer(app, _LazyIndexer(app))
