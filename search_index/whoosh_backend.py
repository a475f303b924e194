"""The Whoosh backend: a local index directory, shared by the processes of one host.

Three modules make it up, each read on its own:

- ``whoosh_schema``: the fields and analysers, and a document's field values;
- ``whoosh_store``: the directory, its generations, the atomic swap, the writers' lock and the changes log;
- ``whoosh_engine``: the query engine (bitsets cached per searcher generation).

This module joins them: it writes through the store and keeps one open
generation per process, reopened when another process writes or swaps.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable

from search_index import whoosh_engine, whoosh_segments
from search_index.backend import SearchRequest, SearchResult, chunked
from search_index.documents import SearchDocument, decode, fingerprint
from search_index.whoosh_engine import Generation
from search_index.whoosh_schema import index_fields
from search_index.whoosh_store import IndexDirectory

READ_ATTEMPTS = 5
REBUILD_PROCESSES = min(4, os.cpu_count() or 1)  # analysis is pure Python: one writer process per core
BATCH = 2_000
MERGE_AT = 12  # segments: from this many on, a live write merges the small ones


class WhooshBackend:
    def __init__(self, directory: str):
        self.directory = os.path.abspath(directory)
        self.store = IndexDirectory(self.directory)
        self._lock = threading.Lock()
        self._generation: Generation | None = None
        self._generation_name: str | None = None

    # -- writing -------------------------------------------------------------------------------------

    def apply(self, documents: list[SearchDocument], removed: list[tuple[str, str]]) -> None:
        """Write what changed; a call that changes nothing in the index (a draft saved, a document
        stored as it already is) commits nothing, so no new generation opens and no cache goes cold."""
        if not documents and not removed:
            return
        store = self.store
        store.live_index()  # creates the first generation when there is none yet
        with store.writers_lock():
            ix = store.open(store.current_name())  # read under the lock: a rebuild may have swapped generations
            documents, removed = self._changes(ix, documents, removed)
            if not documents and not removed:
                return
            writer = store.writer(ix)
            try:
                for source, key in removed:
                    writer.delete_by_term("uid", f"{source}:{key}")
                for document in documents:
                    writer.update_document(**index_fields(document))
            except BaseException:
                writer.cancel()
                raise
            # no merge on a live write while segments are few: a merge makes a new segment whose cached
            # bitsets are all cold (the first queries after the write would pay for them)
            writer.commit(merge=len(ix._segments()) >= MERGE_AT)
            name = store.current_name()
            whoosh_segments.remove_stale(os.path.join(self.directory, name),
                                         {segment.segment_id() for segment in store.open(name)._segments()})
            store.log([f"D {s}:{k}" for s, k in removed] + [f"U {d.source}:{d.key}" for d in documents])

    @staticmethod
    def _changes(ix, documents, removed):
        """The documents that differ from their stored version and the removals of stored documents."""
        with ix.searcher() as searcher:
            def stored(source: str, key: str):
                return searcher.document(uid=f"{source}:{key}")

            changed = []
            for document in documents:
                found = stored(document.source, document.key)
                if found is None or fingerprint(decode(found["document"])) != fingerprint(document):
                    changed.append(document)
            gone = [(source, key) for source, key in removed if stored(source, key) is not None]
        return changed, gone

    def rebuild(self, documents: Iterable[SearchDocument], progress: Callable[[int], None] | None = None) -> int:
        store = self.store
        os.makedirs(self.directory, exist_ok=True)
        started_at = store.log_size()
        name, ix = store.new_generation()
        written = 0
        procs = REBUILD_PROCESSES
        writer = ix.writer(procs=procs, limitmb=256, multisegment=True) if procs > 1 else ix.writer(limitmb=256)
        try:
            for batch in chunked(documents, BATCH):
                for document in batch:
                    writer.add_document(**index_fields(document))
                written += len(batch)
                if progress:
                    progress(written)
        except BaseException:
            writer.cancel()
            store.discard(name)
            raise
        writer.commit()
        with store.writers_lock():  # replay what live writers changed meanwhile, then swap
            store.replay(ix, started_at)
            previous = store.current_name()
            store.set_current(name)
            store.truncate_log()
        store.remove_old(keep={name, previous})
        return written

    # -- reading -------------------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResult:
        return self._retrying(lambda generation: whoosh_engine.search(generation, request))

    def keys(self) -> set[tuple[str, str]]:
        def read(generation: Generation) -> set[tuple[str, str]]:
            return {tuple(stored["uid"].split(":", 1)) for stored in generation.searcher.all_stored_fields()}

        return self._retrying(read)

    def fingerprints(self) -> dict[tuple[str, str], str]:
        """The content of every stored document (for ``flask search verify``)."""
        def read(generation: Generation) -> dict[tuple[str, str], str]:
            documents = (decode(stored["document"]) for stored in generation.searcher.all_stored_fields())
            return {(d.source, d.key): fingerprint(d) for d in documents}

        return self._retrying(read)

    def _current(self) -> Generation:
        """This process's open generation, reopened when CURRENT names another or a writer committed."""
        name = self.store.current_name()
        with self._lock:
            generation = self._generation
            if generation is None or name != self._generation_name:
                ix = self.store.live_index() if name is None else self.store.open(name)
                generation = Generation(ix.searcher(), os.path.join(self.directory, name or ""))
                self._generation_name = name or self.store.current_name()
            elif not generation.searcher.up_to_date():  # Searcher.refresh() can miss deletions: reopen
                # the stale searcher is left to the garbage collector: another thread may still be reading it
                generation = Generation(self.store.open(name).searcher(), os.path.join(self.directory, name))
            self._generation = generation
        return generation

    def _retrying(self, read):
        """Run ``read(generation)``; a writer of another process may delete the files of the generation it
        opened (segment merges), so on a missing file it reopens the newest generation and tries again."""
        for attempt in range(READ_ATTEMPTS):
            try:
                return read(self._current())
            except FileNotFoundError:
                if attempt == READ_ATTEMPTS - 1:
                    raise
                with self._lock:
                    self._generation = None
                time.sleep(0.01 * (attempt + 1))
        raise AssertionError("unreachable")
