"""The Whoosh backend's index directory: generations, the swap and the writers' lock.

Layout of the directory::

    CURRENT           name of the live index generation (replaced atomically)
    gen-<stamp>/      a Whoosh index; the one CURRENT names is live
    writers.lock      flock held while writing, so a rebuild can catch up
    changes.log       uid and operation of every write, for a rebuild to replay

Several processes of one host share the directory: every write happens under
``writers_lock``; a rebuild fills a new generation without the lock, then, under
it, replays the writes logged meanwhile and swaps ``CURRENT``.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import threading
import time
from contextlib import contextmanager

from whoosh import index
from whoosh.index import LockError

from search_index.documents import decode
from search_index.whoosh_schema import index_fields, schema

WRITE_TIMEOUT = 120.0  # seconds a writer waits for another process's write lock


class IndexDirectory:
    def __init__(self, path: str):
        self.path = os.path.abspath(path)
        self.log_path = os.path.join(self.path, "changes.log")

    # -- the live generation -------------------------------------------------------------------------

    def current_name(self) -> str | None:
        """The live generation's name, or None before the first write."""
        try:
            with open(os.path.join(self.path, "CURRENT"), encoding="ascii") as handle:
                return handle.read().strip() or None
        except FileNotFoundError:
            return None

    def set_current(self, name: str) -> None:
        """Make ``name`` live in one atomic rename (readers see the old or the new name, never half)."""
        temporary = os.path.join(self.path, f"CURRENT.{os.getpid()}.{threading.get_ident()}")
        with open(temporary, "w", encoding="ascii") as handle:
            handle.write(name)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, os.path.join(self.path, "CURRENT"))

    def open(self, name: str) -> index.FileIndex:
        return index.open_dir(os.path.join(self.path, name))

    def new_generation(self) -> tuple[str, index.FileIndex]:
        """A new, empty generation (not live until ``set_current``)."""
        name = f"gen-{time.time_ns()}-{os.getpid()}"
        path = os.path.join(self.path, name)
        os.makedirs(path)
        return name, index.create_in(path, schema())

    def live_index(self) -> index.FileIndex:
        """The live index, created empty the first time (under the writers' lock)."""
        name = self.current_name()
        if name is None:
            with self.writers_lock():
                name = self.current_name()
                if name is None:
                    name, _created = self.new_generation()
                    self.set_current(name)
        return self.open(name)

    def remove_old(self, keep: set) -> None:
        for entry in os.listdir(self.path):
            if entry.startswith("gen-") and entry not in keep:
                shutil.rmtree(os.path.join(self.path, entry), ignore_errors=True)

    def discard(self, name: str) -> None:
        shutil.rmtree(os.path.join(self.path, name), ignore_errors=True)

    # -- writers -------------------------------------------------------------------------------------

    @contextmanager
    def writers_lock(self):
        """Held by every write and by a rebuild's swap, across the processes of this host."""
        os.makedirs(self.path, exist_ok=True)
        with open(os.path.join(self.path, "writers.lock"), "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    @staticmethod
    def writer(ix):
        """Whoosh's own segment lock, waited for up to ``WRITE_TIMEOUT``."""
        deadline = time.monotonic() + WRITE_TIMEOUT
        while True:
            try:
                return ix.writer(timeout=5.0, delay=0.02)
            except LockError:
                if time.monotonic() > deadline:
                    raise

    # -- the changes log -----------------------------------------------------------------------------

    def log_size(self) -> int:
        return os.path.getsize(self.log_path) if os.path.exists(self.log_path) else 0

    def log(self, entries: list[str]) -> None:
        with open(self.log_path, "a", encoding="utf-8") as handle:
            handle.write("".join(entry + "\n" for entry in entries))

    def truncate_log(self) -> None:
        if os.path.exists(self.log_path):
            os.truncate(self.log_path, 0)

    def replay(self, ix, started_at: int) -> None:
        """Copy into ``ix`` what live writers changed since the log had ``started_at`` bytes.

        Called under the writers' lock: an update is copied from the live generation's stored document,
        a deletion deletes.
        """
        if self.log_size() <= started_at:
            return
        with open(self.log_path, encoding="utf-8") as handle:
            handle.seek(started_at)
            entries = [line.rstrip("\n").split(" ", 1) for line in handle if line.strip()]
        live_name = self.current_name()
        writer = ix.writer()
        if live_name is None:
            for _operation, uid in entries:
                writer.delete_by_term("uid", uid)
        else:
            with self.open(live_name).searcher() as searcher:
                for operation, uid in entries:
                    writer.delete_by_term("uid", uid)
                    stored = searcher.document(uid=uid) if operation == "U" else None
                    if stored:
                        writer.add_document(**index_fields(decode(stored["document"])))
        writer.commit()
