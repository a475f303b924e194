"""Index updates that follow the database transaction that caused them.

A package calls ``mark_changed(source, key)`` while it changes an object; nothing
reaches the index yet.  The mark is an after-commit effect of ``core.unit_of_work``:
once the outermost transaction commits, the marked documents are loaded from their
sources (so the index gets the committed state) and handed to the application's
indexer, in one call for the whole transaction.  A rollback, also of a savepoint
the mark was made in, discards the marks, so a change that never happened never
reaches the index.  A failed update is logged as "search: index update after
commit failed" and does not undo the commit; ``flask search verify`` finds what the
index missed and ``flask search reindex`` repairs it.

The indexer is whatever ``set_indexer(app, indexer)`` installed: an object with
``apply(documents, removed)`` where ``documents`` are the public
``SearchDocument``s to (re)index and ``removed`` the ``(source, key)`` pairs to
drop.  With no indexer installed, marks are simply discarded after the commit.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Protocol

from flask import current_app

from core import registry, unit_of_work
from search_index.documents import SOURCES, SearchDocument


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
    unit_of_work.collect_after_commit(_update_index, (source, str(key)), name="search: index update")


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


def _update_index(pairs: list[tuple[str, str]]) -> None:
    """The after-commit effect: load the committed documents and hand them to the indexer."""
    app = current_app._get_current_object()
    indexer = INDEXER.get(app)
    if indexer is None:
        return
    indexer.apply(*load_documents(app, pairs))
