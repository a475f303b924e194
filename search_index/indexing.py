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

A bulk import (``flask catalog import``) marks nothing row by row: once it has committed it hands its
new keys to ``index_now``, which indexes them in one pass of bounded batches, a failed batch kept for
the retry sweep as a failed after-commit update is.

The indexer is whatever ``set_indexer(app, indexer)`` installed: an object with
``apply(documents, removed)`` where ``documents`` are the public
``SearchDocument``s to (re)index and ``removed`` the ``(source, key)`` pairs to
drop.  With no indexer installed, marks are simply discarded after the commit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from itertools import islice
from typing import Protocol

import sqlalchemy as sa
from flask import current_app

from core import clock, registry, unit_of_work
from core.extensions import db
from search_index.documents import SOURCES, SearchDocument
from search_index.models import search_pending

BATCH = 1_000
MAX_ERROR = 2_000  # characters of an error kept for the report


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
    """The after-commit effect: load the committed documents and hand them to the indexer, batch by batch."""
    app = current_app._get_current_object()
    indexer = INDEXER.get(app)
    if indexer is None:
        return
    pairs = sorted(set(pairs))
    failed: list[tuple[str, str]] = []
    error: BaseException | None = None
    for start in range(0, len(pairs), BATCH):
        batch = pairs[start:start + BATCH]
        try:
            indexer.apply(*load_documents(app, batch))
        except Exception as exc:  # noqa: BLE001 - kept for the retry and reported, never swallowed
            app.logger.exception("search: index update of %d document(s) failed; kept for retry", len(batch))
            db.session.rollback()
            failed.extend(batch)
            error = exc
    if failed:
        _keep(failed, error)


def index_now(source: str, keys: Iterable, progress: Callable[[int], None] | None = None,
              batch: int | None = None) -> int:
    """Index the committed documents ``keys`` of ``source`` now, in one pass of ``batch`` documents at a time:
    a bulk import's update after its commit, instead of one mark per row.  A batch that fails is kept in
    ``search_pending`` for the retry sweep, as a failed after-commit update is; returns how many failed.
    ``progress`` is told the size of each batch done (``batch`` defaults to ``BATCH``)."""
    app = current_app._get_current_object()
    batch = batch or BATCH
    indexer = INDEXER.get(app)
    failed = 0
    keys = iter(keys)
    while pairs := [(source, str(key)) for key in islice(keys, batch)]:
        if indexer is not None:
            try:
                indexer.apply(*load_documents(app, pairs))
            except Exception as exc:  # noqa: BLE001 - kept for the retry and reported, never swallowed
                app.logger.exception("search: index update of %d document(s) failed; kept for retry", len(pairs))
                db.session.rollback()
                _keep(pairs, exc)
                failed += len(pairs)
        db.session.expunge_all()  # the batch's objects are not needed any more
        if progress:
            progress(len(pairs))
    return failed


def _keep(pairs: list[tuple[str, str]], error: BaseException | None) -> None:
    """Record ``pairs`` as pending (or count one more attempt), in a transaction of their own."""
    message = f"{type(error).__name__}: {error}"[:MAX_ERROR] if error else ""
    now = clock.now()
    t = search_pending
    for start in range(0, len(pairs), BATCH):
        batch = pairs[start:start + BATCH]
        known = {(s, k) for s, k in db.session.execute(
            sa.select(t.c.source, t.c.key).where(sa.tuple_(t.c.source, t.c.key).in_(batch)))}
        new = [{"source": s, "key": k, "attempts": 1, "last_error": message, "failed_at": now}
               for s, k in batch if (s, k) not in known]
        if new:
            db.session.execute(t.insert(), new)
        if known:
            db.session.execute(t.update().where(sa.tuple_(t.c.source, t.c.key).in_(sorted(known)))
                               .values(attempts=t.c.attempts + 1, last_error=message, failed_at=now))
    db.session.commit()


def pending(limit: int | None = None) -> list[dict]:
    """The index updates waiting for a retry, oldest first (source, key, attempts, last_error, failed_at)."""
    t = search_pending
    query = sa.select(t).order_by(t.c.failed_at, t.c.source, t.c.key)
    if limit is not None:
        query = query.limit(limit)
    return [dict(row._mapping) for row in db.session.execute(query)]


def pending_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(search_pending)) or 0


def retry_pending() -> int:
    """The sweep: apply the pending updates again, batch by batch; returns how many reached the index."""
    app = current_app._get_current_object()
    indexer = INDEXER.get(app)
    if indexer is None:
        return 0
    t = search_pending
    done = 0
    after: tuple[str, str] = ("", "")
    while True:
        batch = [(s, k) for s, k in db.session.execute(
            sa.select(t.c.source, t.c.key).where(sa.tuple_(t.c.source, t.c.key) > after)
            .order_by(t.c.source, t.c.key).limit(BATCH))]
        if not batch:
            return done
        after = batch[-1]
        try:
            indexer.apply(*load_documents(app, batch))
        except Exception as exc:  # noqa: BLE001 - counted as one more attempt and reported
            app.logger.exception("search: retry of %d index update(s) failed", len(batch))
            db.session.rollback()
            _keep(batch, exc)
            continue
        db.session.execute(t.delete().where(sa.tuple_(t.c.source, t.c.key).in_(batch)))
        db.session.commit()
        done += len(batch)
