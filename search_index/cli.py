"""``flask search reindex`` and ``flask search verify``."""

from __future__ import annotations

import time
from collections.abc import Iterator

import click
from flask.cli import AppGroup

from core.extensions import db
from search_index import indexing, service
from search_index.documents import SOURCES, SearchDocument, fingerprint

cli = AppGroup("search", help="Build and check the full-text search index.")
BATCH = 500


def _keys() -> dict[str, list[str]]:
    return {name: [str(key) for key in source.all_keys()] for name, source in SOURCES.get().items()}


def public_documents(keys: dict[str, list[str]]) -> Iterator[SearchDocument]:
    """Every public document of every registered source, read in batches."""
    registered = SOURCES.get()
    for name, wanted in keys.items():
        for start in range(0, len(wanted), BATCH):
            for document in registered[name].load(wanted[start:start + BATCH]):
                if document.public:
                    yield document
            db.session.expunge_all()  # a batch's objects are not needed any more


@cli.command("reindex")
def reindex() -> None:
    """Rebuild the whole index from the database; searches keep working meanwhile."""
    keys = _keys()
    started = time.monotonic()
    backend = service.backend()
    with click.progressbar(length=sum(map(len, keys.values())), label="Indexing") as bar:
        written = backend.rebuild(public_documents(keys), progress=lambda n: bar.update(n - bar.pos))
    click.echo(f"Indexed {written} documents in {time.monotonic() - started:.1f} s.")


def compare_index() -> tuple[int, list, list, list]:
    """(documents expected, missing from the index, extra in it, out of date in it)."""
    expected = {(d.source, d.key): d for d in public_documents(_keys())}
    backend = service.backend()
    stored = backend.keys()
    missing = sorted(set(expected) - stored)
    extra = sorted(stored - set(expected))
    stale = []
    if hasattr(backend, "fingerprints"):
        fingerprints = backend.fingerprints()
        stale = sorted(pair for pair in set(expected) & stored
                       if fingerprints.get(pair) != fingerprint(expected[pair]))
    return len(expected), missing, extra, stale


def rebuild_and_verify() -> str:
    """After a restore (``core.backup.AFTER_RESTORE``): rebuild the index from the restored rows, then
    check it as ``flask search verify`` does; raises when they still differ."""
    written = service.backend().rebuild(public_documents(_keys()))
    expected, missing, extra, stale = compare_index()
    if missing or extra or stale:
        raise RuntimeError(f"the rebuilt index differs from the database: {len(missing)} missing, "
                           f"{len(extra)} extra, {len(stale)} out of date")
    return f"{written} documents indexed; the index matches the database ({expected} documents)"


@cli.command("verify")
def verify() -> None:
    """Compare the index with the database and list failed updates; exit status 1 when anything is wrong."""
    waiting = indexing.pending()
    for row in waiting:
        click.echo(f"update failed {row['attempts']} time(s), retried by the sweep: {row['source']} {row['key']}: "
                   f"{row['last_error']}")
    expected_count, missing, extra, stale = compare_index()
    for label, pairs in (("missing from the index", missing), ("in the index but not public", extra),
                         ("out of date in the index", stale)):
        for source, key in pairs:
            click.echo(f"{label}: {source} {key}")
    if waiting:
        click.echo(f"{len(waiting)} index update(s) failed and wait for a retry (`flask sweep` retries now).")
    if missing or extra or stale:
        click.echo(f"The index differs from the database: {len(missing)} missing, {len(extra)} extra, "
                   f"{len(stale)} out of date. Run `flask search reindex`.")
        raise SystemExit(1)
    if waiting:
        raise SystemExit(1)
    click.echo(f"The index matches the database ({expected_count} documents).")
