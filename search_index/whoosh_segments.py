"""What the Whoosh query engine keeps per segment: in memory, and on disk beside the segment.

A Whoosh segment never changes once written (only its deletion list grows), so
whatever is derived from it stays true for its whole life and belongs to the
segment, not to a searcher generation: a write then costs only its new, small
segment.

- **In memory** (``SEGMENTS``): term and phrase bitsets (Python integers, one
  bit per document), bounded in bytes per process, least recently used out first.
- **On disk** (``<generation>/cache/<segment>.<name>.npy``): the arrays that
  every search needs whatever its words - each facet field's value per
  document and the documents' tie-break order - and the bitsets that are
  costly to read from postings (phrases, frequent terms).  The first process that needs
  one computes it from the segment and writes it atomically; every other
  process (the other web workers, a restarted one) memory-maps the same file,
  so the operating system holds one copy for all of them and a new process
  starts warm.  Files of segments that no longer exist are removed after a
  write (``remove_stale``); a reader still holding one keeps its mapping.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import threading
from collections import OrderedDict
from collections.abc import Iterable

import numpy as np

CACHE_BYTES = 96 * 2**20  # per process: the segments' term bitsets
CACHE_DIR = "cache"
STORED_BITS_FROM = 512  # documents: a term this frequent has its bitset written beside the segment
NO_VALUE = -1


def bitset(docnums: Iterable[int]) -> int:
    """The integer whose bit ``n`` is set for every ``n`` in ``docnums``."""
    positions = docnums if isinstance(docnums, np.ndarray) else np.fromiter(docnums, dtype=np.int64)
    if not len(positions):
        return 0
    flags = np.zeros(int(positions.max()) + 1, dtype=np.uint8)
    flags[positions] = 1
    return int.from_bytes(np.packbits(flags, bitorder="little").tobytes(), "little")


def members(bits: int) -> np.ndarray:
    """The docnums set in ``bits``, ascending."""
    if not bits:
        return np.zeros(0, dtype=np.int64)
    raw = np.frombuffer(bits.to_bytes((bits.bit_length() + 7) // 8, "little"), dtype=np.uint8)
    return np.flatnonzero(np.unpackbits(raw, bitorder="little"))


class SegmentCache:
    """Term bitsets of immutable segments, bounded in bytes, least recently used out first."""

    def __init__(self, limit: int = CACHE_BYTES):
        self.limit = limit
        self.size = 0
        self.lock = threading.Lock()
        self.entries: OrderedDict[tuple, tuple[object, int]] = OrderedDict()

    def get(self, key: tuple, compute):
        with self.lock:
            found = self.entries.get(key)
            if found is not None:
                self.entries.move_to_end(key)
                return found[0]
        value, cost = compute()
        with self.lock:
            if key not in self.entries:
                self.entries[key] = (value, cost)
                self.size += cost
                while self.size > self.limit and len(self.entries) > 1:
                    _key, (_value, freed) = self.entries.popitem(last=False)
                    self.size -= freed
        return value

    def clear(self) -> None:
        with self.lock:
            self.entries.clear()
            self.size = 0


SEGMENTS = SegmentCache()
MAPPED_ARRAYS = 1_024  # per process: arrays kept mapped (a few per segment)
_MAPPED: OrderedDict[str, np.ndarray] = OrderedDict()  # path -> the array mapped from it (files never change)
_MAPPED_LOCK = threading.Lock()


class Leaf:
    """One segment of a generation: its reader, where its documents start and its caches."""

    def __init__(self, reader, offset: int, index_path: str):
        self.reader = reader
        self.offset = offset
        segment = reader.segment()
        self.segment_id = segment.segment_id() if segment is not None else None
        self.index_path = index_path
        self.uid = (index_path, self.segment_id) if segment is not None and index_path else None
        self.count = reader.doc_count_all()
        self._values: dict[str, list[str]] = {}

    def cached(self, what: tuple, compute):
        """A bitset of this segment (a term's, a phrase's) from the process's cache, else from its file, else
        ``compute()`` ((value, bytes)); a phrase or a frequent term, costly to read from postings, is then
        written to a file for the other processes."""
        if self.uid is None:
            return compute()[0]
        return SEGMENTS.get((*self.uid, *what), lambda: self._stored_bits(what, compute))

    def _stored_bits(self, what: tuple, compute) -> tuple[int, int]:
        digest = hashlib.blake2b(repr(what).encode("utf-8"), digest_size=12).hexdigest()
        path = os.path.join(self.index_path, CACHE_DIR, f"{self.segment_id}.bits-{digest}.npy")
        try:
            value = int.from_bytes(np.load(path).tobytes(), "little")
            return value, (value.bit_length() + 7) // 8 + 64
        except (FileNotFoundError, ValueError):
            value, cost = compute()
        if what[0] == "phrase" or value.bit_count() >= STORED_BITS_FROM:
            _write(path, np.frombuffer(value.to_bytes((value.bit_length() + 7) // 8, "little"), dtype=np.uint8))
        return value, cost

    def stored_array(self, name: str, compute) -> np.ndarray:
        """The array ``name`` of this segment, mapped from its file (written by ``compute()`` when missing)."""
        if self.uid is None:
            return compute()
        path = os.path.join(self.index_path, CACHE_DIR, f"{self.segment_id}.{name}.npy")
        found = _MAPPED.get(path)
        if found is not None:
            return found
        try:
            found = np.load(path, mmap_mode="r")
        except (FileNotFoundError, ValueError):
            found = compute()
            _write(path, found)
        with _MAPPED_LOCK:
            _MAPPED[path] = found
            while len(_MAPPED) > MAPPED_ARRAYS:
                _MAPPED.popitem(last=False)
        return found

    def facet_codes(self, field: str) -> tuple[list[str], np.ndarray]:
        """The values of ``field`` in this segment and, per level, each document's value (``NO_VALUE``: none).

        A document holds several values of a path field (province and regency): level ``n`` has its ``n``-th.
        """
        values = self._values.get(field)
        if values is None:
            stored = self.stored_array(f"{field}.values", lambda: np.array(self._lexicon(field), dtype=str))
            values = self._values[field] = [str(v) for v in stored]

        def compute() -> np.ndarray:
            codes = np.full((4, self.count), NO_VALUE, dtype=np.int32)
            filled = np.zeros(self.count, dtype=np.int64)
            for code, value in enumerate(values):
                docs = np.fromiter(self.reader.postings(field, value).all_ids(), dtype=np.int64)
                if filled[docs].max(initial=0) >= len(codes):
                    codes = np.vstack([codes, np.full_like(codes, NO_VALUE)])
                codes[filled[docs], docs] = code
                filled[docs] += 1
            return codes[:max(1, int(filled.max(initial=0)))]

        return values, self.stored_array(f"{field}.codes", compute)

    def _lexicon(self, field: str) -> list[str]:
        return sorted(raw.decode("utf-8") if isinstance(raw, bytes) else raw for raw in self.reader.lexicon(field))

    def order_keys(self) -> np.ndarray:
        """The ``order_key`` of every document of this segment, as bytes that compare as the keys do."""
        def compute() -> np.ndarray:
            column = self.reader.column_reader("order_key")
            keys = [column[n] for n in range(self.count)]
            keys = [k if isinstance(k, bytes) else k.encode("utf-8") for k in keys]
            return np.array(keys or [b""], dtype=bytes)[:self.count]

        return self.stored_array("order_key", compute)

    def order_years(self) -> np.ndarray:
        """The leading number of every ``order_key`` of this segment (it orders the newest year first)."""
        return self.stored_array("order_year", lambda: np.array([int(key[:4] or 0) for key in self.order_keys()],
                                                               dtype=np.int32))


def _write(path: str, array: np.ndarray) -> None:
    """Write ``array`` to ``path`` whole or not at all (readers of other processes never see half a file)."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    temporary = f"{path}.{os.getpid()}.{threading.get_ident()}.tmp"
    try:
        with open(temporary, "wb") as handle:
            np.save(handle, array, allow_pickle=False)
        os.replace(temporary, path)
    except OSError:  # a full or read-only disk: the array still serves this process from memory
        if os.path.exists(temporary):
            os.remove(temporary)


def remove_stale(index_path: str, segment_ids: set[str]) -> None:
    """Delete the cached arrays of segments that are no longer part of the index at ``index_path``."""
    directory = os.path.join(index_path, CACHE_DIR)
    try:
        names = os.listdir(directory)
    except FileNotFoundError:
        return
    for name in names:
        if name.split(".", 1)[0] not in segment_ids:
            path = os.path.join(directory, name)
            with _MAPPED_LOCK:
                _MAPPED.pop(path, None)
            with contextlib.suppress(FileNotFoundError):
                os.remove(path)
