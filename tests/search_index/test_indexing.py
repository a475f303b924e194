"""Index updates follow the commit: a rolled-back change never reaches the index."""

from __future__ import annotations

import pytest

from core.extensions import db
from search_index.documents import SOURCES, DocumentSource, SearchDocument
from search_index.indexing import mark_changed, set_indexer


class RecordingIndexer:
    def __init__(self):
        self.calls = []

    def apply(self, documents, removed):
        self.calls.append(([doc.key for doc in documents], removed))


@pytest.fixture
def books(app):
    shelf = {"1": SearchDocument("book", "1", "publication", "/b/1", "Statistik Indonesia 2026"),
             "2": SearchDocument("book", "2", "publication", "/b/2", "Draf", public=False)}
    SOURCES.register(app, "book", DocumentSource("book", lambda keys: [shelf[k] for k in keys if k in shelf],
                                                 lambda: list(shelf)))
    indexer = RecordingIndexer()
    set_indexer(app, indexer)
    return indexer


def test_a_commit_hands_the_changed_documents_to_the_indexer(app, books):
    with app.app_context():
        mark_changed("book", 1)
        db.session.commit()
    assert books.calls == [(["1"], [])]


def test_a_rollback_never_reaches_the_indexer(app, books):
    with app.app_context():
        mark_changed("book", 1)
        db.session.rollback()
        db.session.commit()
    assert books.calls == []


def test_hidden_and_vanished_documents_are_removed(app, books):
    with app.app_context():
        mark_changed("book", "2")
        mark_changed("book", "99")
        db.session.commit()
    assert books.calls == [([], [("book", "2"), ("book", "99")])]


def test_a_failing_indexer_does_not_undo_the_commit_and_the_update_is_kept(app, books, caplog):
    from search_index import indexing

    def broken(documents, removed):
        raise OSError("index directory is read-only")

    books.apply = broken
    with app.app_context():
        mark_changed("book", 1)
        db.session.commit()
        assert [(row["source"], row["key"]) for row in indexing.pending()] == [("book", "1")]
    assert "search: index update of 1 document(s) failed; kept for retry" in caplog.text


def test_a_savepoint_is_not_the_commit_and_its_rollback_drops_only_its_marks(app, books):
    with app.app_context():
        mark_changed("book", 1)
        with db.session.begin_nested():
            mark_changed("book", 2)
        failed = db.session.begin_nested()
        mark_changed("book", 99)
        failed.rollback()
        assert books.calls == []  # released savepoints reach the index only with the outer commit
        db.session.commit()
    assert books.calls == [(["1"], [("book", "2")])]
