"""The Whoosh backend: a local index directory, shared by the processes of one host.

Layout of ``directory``::

    CURRENT           name of the live index generation (replaced atomically)
    gen-<stamp>/      a Whoosh index; the one CURRENT names is live
    writers.lock      flock held while writing, so a rebuild can catch up
    changes.log       uid and operation of every write, for a rebuild to replay

Speed comes from bitsets: the documents of every facet value and of every
query term are kept as Python integers (one bit per document), cached per
searcher generation, so totals, filters and facet counts are a few integer
operations whatever the number of hits; Whoosh scores only the page asked for,
inside the filtered set.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import threading
import time
from collections.abc import Callable, Iterable
from contextlib import contextmanager
from functools import reduce

from whoosh import analysis as wa
from whoosh import fields, index
from whoosh import query as wq
from whoosh.idsets import DocIdSet
from whoosh.index import LockError

from search_index import analysis, highlight, spelling
from search_index.backend import Hit, SearchRequest, SearchResult, chunked, hit_for
from search_index.documents import SearchDocument, decode, encode, fingerprint
from search_index.query import Phrase, Prefix, Query, Word, unparse

READ_ATTEMPTS = 5
REBUILD_PROCESSES = min(4, os.cpu_count() or 1)  # analysis is pure Python: one writer process per core
WRITE_TIMEOUT = 120.0  # seconds a writer waits for another process's write lock
BATCH = 2_000
LANGUAGE_FIELDS = {"id": ("title_id", "keywords_id", "abstract_id"), "en": ("title_en", "keywords_en", "abstract_en")}
FACET_FIELDS = {"kind": "kind", "subject": "subject_path", "region": "region_path", "year": "year",
                "access": "access"}


class _Stem(wa.Filter):
    def __init__(self, language: str):
        self.language = language

    def __eq__(self, other):
        return isinstance(other, _Stem) and other.language == self.language

    def __call__(self, tokens):
        for token in tokens:
            token.text = analysis.stem(token.text, self.language)
            yield token


def _analyzer(language: str | None):
    chain = wa.RegexTokenizer(analysis.TOKEN.pattern) | wa.LowercaseFilter()
    if language is None:  # the spelling and prefix field: every word as written
        return chain
    return chain | wa.StopFilter(stoplist=analysis.STOP_WORDS, minsize=1) | _Stem(language)


def schema() -> fields.Schema:
    text = {}
    for language, (title, keywords, abstract) in LANGUAGE_FIELDS.items():
        analyzer = _analyzer(language)
        text[title] = fields.TEXT(analyzer=analyzer, field_boost=4.0)
        text[keywords] = fields.TEXT(analyzer=analyzer, field_boost=2.0)
        text[abstract] = fields.TEXT(analyzer=analyzer)
    return fields.Schema(
        uid=fields.ID(unique=True, stored=True), source=fields.ID, kind=fields.ID, access=fields.ID,
        subject_path=fields.KEYWORD, region_path=fields.KEYWORD, year=fields.ID, price=fields.ID,
        released=fields.NUMERIC(bits=64, sortable=True), sort_title_id=fields.ID(sortable=True),
        sort_title_en=fields.ID(sortable=True), words=fields.TEXT(analyzer=_analyzer(None), phrase=False),
        document=fields.STORED, **text)


def _fields(document: SearchDocument) -> dict:
    keywords = " ; ".join(document.keywords)
    values = {
        "uid": f"{document.source}:{document.key}", "source": document.source, "kind": document.kind,
        "access": document.access, "subject_path": " ".join(document.subject_path),
        "region_path": " ".join(document.region_path), "year": str(document.year) if document.year else "",
        "price": str(document.price),
        "released": int(document.released_at.timestamp()) if document.released_at else 0,
        "sort_title_id": (document.title_id or document.title_en).lower(),
        "sort_title_en": (document.title_en or document.title_id).lower(),
        "title_id": document.title_id, "keywords_id": keywords, "abstract_id": document.abstract_id,
        "title_en": document.title_en, "keywords_en": keywords, "abstract_en": document.abstract_en,
        "words": " ".join((document.title_id, document.title_en, keywords, document.abstract_id,
                           document.abstract_en)),
        "document": encode(document),
    }
    return {name: value for name, value in values.items() if value != ""}


class _Bits(DocIdSet):
    """A read-only docnum set over the bytes of an integer bitset (what Whoosh's collector asks)."""

    def __init__(self, value: int):
        self.data = value.to_bytes((value.bit_length() + 7) // 8 or 1, "little")
        self.nonempty = value != 0

    def __bool__(self) -> bool:  # Whoosh's collector asks this once per candidate document
        return self.nonempty

    def __contains__(self, docnum: int) -> bool:
        byte = docnum >> 3
        return byte < len(self.data) and bool(self.data[byte] >> (docnum & 7) & 1)

    def __iter__(self):
        for byte_index, byte in enumerate(self.data):
            while byte:
                low = byte & -byte
                yield byte_index * 8 + low.bit_length() - 1
                byte ^= low

    def __len__(self) -> int:
        return int.from_bytes(self.data, "little").bit_count()


def _bitset(docnums: Iterable[int]) -> int:
    buffer = bytearray()
    for docnum in docnums:
        byte = docnum >> 3
        if byte >= len(buffer):
            buffer.extend(bytes(byte - len(buffer) + 1 + 1024))
        buffer[byte] |= 1 << (docnum & 7)
    return int.from_bytes(buffer, "little")


class _Generation:
    """One open searcher and the bitsets computed from it."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.lock = threading.Lock()
        self.terms: dict[tuple, int] = {}
        self.facets: dict[str, dict[str, int]] = {}
        live = self.reader.all_doc_ids()
        self.all = _bitset(live)

    def term(self, field: str, text: str) -> int:
        key = (field, text)
        found = self.terms.get(key)
        if found is None:
            if (field, text) in self.reader:
                found = _bitset(self.reader.postings(field, text).all_ids()) & self.all
            else:
                found = 0
            with self.lock:
                if len(self.terms) > 50_000:
                    self.terms.clear()
                self.terms[key] = found
        return found

    def phrase(self, element, whoosh_query: Callable) -> int:
        """Documents where the words of ``element`` stand next to each other in one field (cached)."""
        key = ("phrase", element)
        found = self.terms.get(key)
        if found is None:
            found = _bitset(whoosh_query().docs(self.searcher)) & self.all
            with self.lock:
                self.terms[key] = found
        return found

    def facet(self, field: str) -> dict[str, int]:
        found = self.facets.get(field)
        if found is None:
            found = {}
            for raw in self.reader.lexicon(field):
                text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                found[text] = self.term(field, text)
            self.facets[field] = found
        return found


class WhooshBackend:
    def __init__(self, directory: str):
        self.directory = os.path.abspath(directory)
        self._lock = threading.Lock()
        self._generation: _Generation | None = None
        self._generation_name: str | None = None

    # -- directory and locks -------------------------------------------------------------------------

    def _current_name(self) -> str | None:
        try:
            with open(os.path.join(self.directory, "CURRENT"), encoding="ascii") as handle:
                return handle.read().strip() or None
        except FileNotFoundError:
            return None

    def _set_current(self, name: str) -> None:
        temporary = os.path.join(self.directory, f"CURRENT.{os.getpid()}.{threading.get_ident()}")
        with open(temporary, "w", encoding="ascii") as handle:
            handle.write(name)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, os.path.join(self.directory, "CURRENT"))

    @contextmanager
    def _writers_lock(self):
        os.makedirs(self.directory, exist_ok=True)
        with open(os.path.join(self.directory, "writers.lock"), "a+b") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _new_generation(self) -> tuple[str, index.FileIndex]:
        name = f"gen-{time.time_ns()}-{os.getpid()}"
        path = os.path.join(self.directory, name)
        os.makedirs(path)
        return name, index.create_in(path, schema())

    def _live_index(self) -> index.FileIndex:
        """The live index, created empty the first time (under the writers' lock)."""
        name = self._current_name()
        if name is None:
            with self._writers_lock():
                name = self._current_name()
                if name is None:
                    name, _created = self._new_generation()
                    self._set_current(name)
        return index.open_dir(os.path.join(self.directory, name))

    def _log(self, entries: list[str]) -> None:
        with open(os.path.join(self.directory, "changes.log"), "a", encoding="utf-8") as handle:
            handle.write("".join(entry + "\n" for entry in entries))

    @staticmethod
    def _writer(ix):
        deadline = time.monotonic() + WRITE_TIMEOUT
        while True:
            try:
                return ix.writer(timeout=5.0, delay=0.02)
            except LockError:
                if time.monotonic() > deadline:
                    raise

    # -- writing -------------------------------------------------------------------------------------

    def apply(self, documents: list[SearchDocument], removed: list[tuple[str, str]]) -> None:
        if not documents and not removed:
            return
        self._live_index()  # creates the first generation when there is none yet
        with self._writers_lock():
            name = self._current_name()  # read under the lock: a rebuild may have swapped generations
            ix = index.open_dir(os.path.join(self.directory, name))
            writer = self._writer(ix)
            try:
                for source, key in removed:
                    writer.delete_by_term("uid", f"{source}:{key}")
                for document in documents:
                    writer.update_document(**_fields(document))
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
            self._log([f"D {s}:{k}" for s, k in removed] + [f"U {d.source}:{d.key}" for d in documents])

    def rebuild(self, documents: Iterable[SearchDocument], progress: Callable[[int], None] | None = None) -> int:
        os.makedirs(self.directory, exist_ok=True)
        log = os.path.join(self.directory, "changes.log")
        started_at = os.path.getsize(log) if os.path.exists(log) else 0
        name, ix = self._new_generation()
        written = 0
        procs = REBUILD_PROCESSES
        writer = ix.writer(procs=procs, limitmb=256, multisegment=True) if procs > 1 else ix.writer(limitmb=256)
        try:
            for batch in chunked(documents, BATCH):
                for document in batch:
                    writer.add_document(**_fields(document))
                written += len(batch)
                if progress:
                    progress(written)
        except BaseException:
            writer.cancel()
            shutil.rmtree(os.path.join(self.directory, name), ignore_errors=True)
            raise
        writer.commit()
        with self._writers_lock():  # replay what live writers changed meanwhile, then swap
            self._replay(ix, started_at)
            previous = self._current_name()
            self._set_current(name)
            if os.path.exists(log):
                os.truncate(log, 0)
        self._remove_old(keep={name, previous})
        return written

    def _replay(self, ix, started_at: int) -> None:
        log = os.path.join(self.directory, "changes.log")
        if not os.path.exists(log) or os.path.getsize(log) <= started_at:
            return
        with open(log, encoding="utf-8") as handle:
            handle.seek(started_at)
            entries = [line.rstrip("\n").split(" ", 1) for line in handle if line.strip()]
        live_name = self._current_name()
        live = index.open_dir(os.path.join(self.directory, live_name)) if live_name else None
        writer = ix.writer()
        with live.searcher() if live else _nothing() as searcher:
            for operation, uid in entries:
                writer.delete_by_term("uid", uid)
                if operation == "U" and searcher is not None:
                    stored = searcher.document(uid=uid)
                    if stored:
                        writer.add_document(**_fields(decode(stored["document"])))
        writer.commit()

    def _remove_old(self, keep: set) -> None:
        for entry in os.listdir(self.directory):
            if entry.startswith("gen-") and entry not in keep:
                shutil.rmtree(os.path.join(self.directory, entry), ignore_errors=True)

    # -- reading -------------------------------------------------------------------------------------

    def _current(self) -> _Generation:
        name = self._current_name()
        with self._lock:
            generation = self._generation
            if generation is None or name != self._generation_name:
                ix = self._live_index() if name is None else index.open_dir(os.path.join(self.directory, name))
                generation = _Generation(ix.searcher())
                self._generation_name = name or self._current_name()
            elif not generation.searcher.up_to_date():  # Searcher.refresh() can miss deletions: reopen
                # the stale searcher is left to the garbage collector: another thread may still be reading it
                generation = _Generation(index.open_dir(os.path.join(self.directory, name)).searcher())
            self._generation = generation
        return generation

    def keys(self) -> set[tuple[str, str]]:
        def read(generation: _Generation) -> set[tuple[str, str]]:
            return {tuple(stored["uid"].split(":", 1)) for stored in generation.searcher.all_stored_fields()}

        return self._retrying(read)

    def fingerprints(self) -> dict[tuple[str, str], str]:
        """The content of every stored document (for ``flask search verify``)."""
        def read(generation: _Generation) -> dict[tuple[str, str], str]:
            documents = (decode(stored["document"]) for stored in generation.searcher.all_stored_fields())
            return {(d.source, d.key): fingerprint(d) for d in documents}

        return self._retrying(read)

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

    def search(self, request: SearchRequest) -> SearchResult:
        return self._retrying(lambda generation: self._search(generation, request))

    def _search(self, generation: _Generation, request: SearchRequest) -> SearchResult:
        query = request.query
        bits = self._filter_bits(generation, request) & self._query_bits(generation, query)
        total = bits.bit_count()
        facets = self._facet_counts(generation, bits, request.facets)
        start = (request.page - 1) * request.per_page
        hits: list[Hit] = []
        if total and start < total:
            hits = self._page(generation, request, bits, start)
        suggestion = spelling.suggest(unparse(query), query, _Vocabulary(generation)) if not query.empty else None
        return SearchResult(hits=hits, total=total, facets=facets, suggestion=suggestion, page=request.page,
                            per_page=request.per_page)

    def _filter_bits(self, generation: _Generation, request: SearchRequest) -> int:
        f = request.filters
        bits = generation.all

        def any_of(field: str, values: Iterable[str]) -> int:
            return reduce(lambda acc, value: acc | generation.term(field, value), values, 0)

        if f.kinds:
            bits &= any_of("kind", f.kinds)
        if f.sources:
            bits &= any_of("source", f.sources)
        if f.access:
            bits &= any_of("access", f.access)
        if f.subject:
            bits &= generation.term("subject_path", f.subject)
        if f.region:
            bits &= generation.term("region_path", f.region)
        if f.year_from is not None or f.year_to is not None:
            low, high = f.year_from or 0, f.year_to or 9999
            bits &= any_of("year", [y for y in generation.facet("year") if y.isdigit() and low <= int(y) <= high])
        if f.max_price is not None:
            bits &= any_of("price", [p for p in generation.facet("price") if p.isdigit() and int(p) <= f.max_price])
        return bits

    def _element_fields(self, generation: _Generation, element) -> tuple[int, int, int]:
        """The documents ``element`` matches in their titles, keywords and abstracts (either language)."""
        if isinstance(element, Prefix):  # written words, not stems: counts as an abstract match
            words = reduce(lambda acc, word: acc | generation.term("words", word),
                           self._expand(generation, element.text), 0)
            return 0, 0, words
        words = (element.text,) if isinstance(element, Word) else element.words
        found = [0, 0, 0]
        for language, names in LANGUAGE_FIELDS.items():
            stems = [analysis.stem(word, language) for word in words]
            for slot, name in enumerate(names):
                found[slot] |= reduce(lambda acc, stem, n=name: acc & generation.term(n, stem), stems,
                                      generation.all)
        if isinstance(element, Phrase) and any(found):  # the words are all there; Whoosh checks adjacency
            adjacent = generation.phrase(element, lambda: self._whoosh(element))
            found = [bits & adjacent for bits in found]
        return found[0], found[1], found[2]

    def _element_bits(self, generation: _Generation, element) -> int:
        title, keywords, abstract = self._element_fields(generation, element)
        return title | keywords | abstract

    @staticmethod
    def _expand(generation: _Generation, prefix: str, limit: int = 500) -> list[str]:
        found = []
        for raw in generation.reader.expand_prefix("words", prefix):
            found.append(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
            if len(found) >= limit:
                break
        return found

    def _query_bits(self, generation: _Generation, query: Query) -> int:
        if query.empty:
            return generation.all
        bits = generation.all
        for group in query.required:
            bits &= reduce(lambda acc, element: acc | self._element_bits(generation, element), group, 0)
        for element in query.excluded:
            bits &= ~self._element_bits(generation, element)
        return bits

    def _facet_counts(self, generation: _Generation, bits: int, wanted) -> dict[str, list[tuple[str, int]]]:
        counts = {}
        for facet in wanted:
            field = FACET_FIELDS.get(facet)
            if field is None:
                continue
            values = []
            for value, value_bits in generation.facet(field).items():
                count = (bits & value_bits).bit_count()
                if count:
                    values.append((value, count))
            values.sort(key=lambda pair: (-pair[1], pair[0]))
            counts[facet] = values
        return counts

    def _whoosh(self, element) -> wq.Query:
        """``element`` as a Whoosh query over the fields of both languages (for scoring and phrases)."""
        if isinstance(element, Prefix):
            return wq.Prefix("words", element.text)
        words = (element.text,) if isinstance(element, Word) else element.words
        alternatives = []
        for language, names in LANGUAGE_FIELDS.items():
            stems = [analysis.stem(word, language) for word in words]
            for name in names:
                alternatives.append(wq.Term(name, stems[0]) if len(stems) == 1 else wq.Phrase(name, stems))
        return wq.Or(alternatives)

    def _tiers(self, generation: _Generation, query: Query, bits: int) -> list[tuple[int, int]]:
        """The hits grouped by score, best first: a group scores 4 for a title match, 2 for keywords and 1 for
        the abstract (summed); the score of a document is the sum over the query's groups."""
        scores = {0: bits}
        for group in query.required:
            title = keywords = abstract = 0
            for element in group:
                t, k, a = self._element_fields(generation, element)
                title, keywords, abstract = title | t, keywords | k, abstract | a
            combined: dict[int, int] = {}
            for points in range(8):
                part = (title if points & 4 else ~title) & (keywords if points & 2 else ~keywords) & \
                    (abstract if points & 1 else ~abstract)
                for score, members in scores.items():
                    hit = members & part
                    if hit:
                        combined[score + points] = combined.get(score + points, 0) | hit
            scores = combined
        return sorted(scores.items(), reverse=True)

    def _page(self, generation: _Generation, request: SearchRequest, bits: int, start: int) -> list[Hit]:
        """One page of hits.  Relevance is ranked by score tiers from the bitsets (no per-document scoring);
        within a tier the most recently indexed document comes first (a rebuild indexes in the sources' order:
        the catalog's oldest items first)."""
        limit = start + request.per_page
        sort = request.sort
        if request.query.empty and sort == "relevance":
            sort = "newest"
        matcher = highlight.Matcher.for_query(request.query)
        searcher = generation.searcher
        if sort == "relevance":
            chosen: list[tuple[int, int]] = []
            for score, members in self._tiers(generation, request.query, bits):
                while members and len(chosen) < limit:
                    docnum = members.bit_length() - 1
                    chosen.append((docnum, score))
                    members ^= 1 << docnum
                if len(chosen) >= limit:
                    break
            return [hit_for(decode(searcher.stored_fields(docnum)["document"]), score, matcher, request.language)
                    for docnum, score in chosen[start:limit]]
        field = {"newest": "released", "title": f"sort_title_{request.language}"}[sort]
        results = searcher.search(wq.Every(), filter=_Bits(bits), limit=limit, sortedby=field,
                                  reverse=(sort == "newest"))
        return [hit_for(decode(results[i]["document"]), 0.0, matcher, request.language)
                for i in range(start, min(limit, results.scored_length()))]

class _Vocabulary:
    def __init__(self, generation: _Generation):
        self.reader = generation.reader

    def frequency(self, word: str) -> int:
        return self.reader.doc_frequency("words", word)

    def candidates(self, word: str):
        for raw in self.reader.expand_prefix("words", word[0]):
            text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            if abs(len(text) - len(word)) <= 2:
                yield text, self.reader.doc_frequency("words", text)


@contextmanager
def _nothing():
    yield None
