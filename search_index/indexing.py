"""Index updates that follow the database transaction that caused them.

A package calls ``mark_changed(source, key)`` while it changes an object; nothing
reaches the index yet.  Just before the session commits, the marked documents are
loaded from their sources (so the index gets exactly the state being committed);
right after the commit they are handed to the application's indexer.  A rollback
discards the marks, so a change that never happened never reaches the index.

The indexer is whatever ``set_indexer(app, indexer)`` installed: an object with
``apply(documents, removed)`` where ``documents`` are the public
``SearchDocument``s to (re)index and ``removed`` the ``(source, key)`` pairs to
drop.  With no indexer installed, marks are simply discarded after the commit.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Protocol

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Session

from core import registry
from core.extensions import db
from search_index.documents import SOURCES, SearchDocument

_MARKED = "search_index.marked"
_READY = "search_index.ready"


class Indexer(Protocol):
    def apply(self, documents: list[SearchDocument], removed: list[tuple[str, str]]) -> None:
        """Write ``documents`` and drop ``removed`` from the index."""


INDEXER: registry.Slot[Indexer | None] = registry.Slot(
    "search_index.indexer", "The Indexer that receives committed changes (``service.install`` puts in the "
    "app's backend; None: changes are not indexed).", default=lambda app: None)


def set_indexer(app, indexer: Indexer | None) -> None:
    """Send ``app``'s committed changes to ``indexer`` (the search backend, or a test's recorder)."""
    INDEXER.replace(app, indexer)


def mark_changed(source: str, key) -> None:
    """Re-index document ``key`` of ``source`` once the current transaction commits."""
    db.session.connection()  # the mark belongs to a transaction, so its rollback can discard it
    db.session.info.setdefault(_MARKED, set()).add((source, str(key)))


def load_documents(app, pairs) -> tuple[list[SearchDocument], list[tuple[str, str]]]:
    """The current public documents for ``pairs`` and the pairs that must leave the index."""
    by_source: dict[str, set[str]] = defaultdict(set)
    for source, key in pairs:
        by_source[source].add(key)
    documents, removed = [], []
    registered = SOURCES.get(app)
    for name, keys in by_source.items():
        source = registered.get(name)
        if source is None:
            app.logger.error("search: no document source named %r is registered", name)
            continue
        found = {doc.key: doc for doc in source.load(sorted(keys))}
        for key in sorted(keys):
            doc = found.get(key)
            if doc is not None and doc.public:
                documents.append(doc)
            else:
                removed.append((name, key))
    return documents, removed


def _before_commit(session: Session) -> None:
    marked = session.info.pop(_MARKED, None)
    if not marked or not has_app_context():
        return
    session.flush()
    session.info[_READY] = load_documents(current_app._get_current_object(), marked)


def _after_commit(session: Session) -> None:
    ready = session.info.pop(_READY, None)
    if not ready or not has_app_context():
        return
    indexer = INDEXER.get()
    if indexer is None:
        return
    try:
        indexer.apply(*ready)
    except Exception:  # the data is committed; `flask search verify` finds what the index missed
        current_app.logger.exception("search: index update after commit failed")


def _after_soft_rollback(session: Session, previous_transaction) -> None:
    if previous_transaction.nested:  # a savepoint: the outer transaction may still commit
        return
    session.info.pop(_MARKED, None)
    session.info.pop(_READY, None)


def listen() -> None:
    """Attach the transaction hooks (idempotent; called from ``search_index.wiring``)."""
    for name, hook in (("before_commit", _before_commit), ("after_commit", _after_commit),
                       ("after_soft_rollback", _after_soft_rollback)):
        if not sa.event.contains(Session, name, hook):
            sa.event.listen(Session, name, hook)
