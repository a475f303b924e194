"""The Whoosh backend's query engine: bitsets over one searcher generation, cached per segment.

The documents of every query term and filter value are kept as Python
integers (one bit per document), so totals and filters are a few integer
operations whatever the number of hits; facet counts are one ``bincount`` per
segment over each document's stored value codes.

**Caches that survive a write** (``whoosh_segments``).  A Whoosh segment never
changes once written (only its deletion list grows), so a term's bitset is
computed once per *segment* and kept in ``SEGMENTS``, a process-wide cache
bounded in bytes; the facet codes and tie-break keys of a segment are written
beside it once and memory-mapped by every process.  A new generation (after a
write) assembles its bitsets from the cached ones of the segments it shares
with the previous generation, shifted to their document offsets, and reads
postings only from the new, small segment; deletions are applied with one
bitset per generation.  So the first query after a write costs about what a
warm one does.

**Ranking** (``_ranked``) is BM25F-like: per query group, the fields a document
matches (title 3, keywords 1.5, abstract 0.6; the title normalised by its
length, bucketed in the index as ``title_len``) combined and saturated
(``K1``), times the group's idf, a little more (``AS_TYPED``) where the word
stands as typed rather than only by its stem or a thesaurus synonym; then a gentle boost for the newest reference
year and for items people order (``popularity``).  Documents with the same
score come in the order of ``order_key`` (newest year, then source and key),
so the order is the same after every reindex.  All of it is computed on
bitset partitions: documents that match the same fields, fall in the same
length bucket, year class and popularity bucket share one score.

``search(generation, request)`` is the whole query path; it never writes and
never touches the index directory (``whoosh_backend`` opens the generation).
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Iterable
from functools import reduce

import numpy as np
from whoosh import query as wq
from whoosh.idsets import DocIdSet
from whoosh.searching import Searcher

from search_index import analysis, highlight, spelling, thesaurus
from search_index.backend import Hit, SearchRequest, SearchResult, hit_for
from search_index.documents import decode
from search_index.query import Phrase, Prefix, Query, Word, unparse
from search_index.whoosh_schema import FACET_FIELDS, LANGUAGE_FIELDS, POPULARITY_BOOST, TITLE_BUCKETS
from search_index.whoosh_segments import SEGMENTS, Leaf, bitset, members

__all__ = ["SEGMENTS", "Generation", "search"]

GENERATION_TERMS = 4_096  # per generation: assembled bitsets kept
FIELD_WEIGHTS = (3.0, 1.5, 0.6)  # title, keywords, abstract
K1 = 1.2
B = 0.75
AVERAGE_TITLE = 8.0
AS_TYPED = 1.15  # a group matched by a word as the consumer wrote it, not only by its stem or a synonym
YEAR_BOOST = (1.06, 1.03)  # the newest reference year in the index, the year before


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
        yield from (int(d) for d in members(int.from_bytes(self.data, "little")))

    def __len__(self) -> int:
        return int.from_bytes(self.data, "little").bit_count()


class Generation:
    """One open searcher and the bitsets assembled from its segments (safe to share between threads)."""

    def __init__(self, searcher, index_path: str = ""):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.lock = threading.Lock()
        self.terms: OrderedDict[tuple, int] = OrderedDict()
        self.facets: dict[str, dict[str, int]] = {}
        self.leaves = [Leaf(reader, offset, index_path) for reader, offset in self.reader.leaf_readers()]
        self.offsets = np.array([leaf.offset for leaf in self.leaves], dtype=np.int64)
        alive = 0
        for leaf in self.leaves:
            full = (1 << leaf.count) - 1
            if leaf.reader.has_deletions():
                full &= ~bitset(leaf.reader.segment().deleted_docs())
            alive |= full << leaf.offset
        self.all = alive
        self.size = self.all.bit_count()

    def _assembled(self, key: tuple, per_segment) -> int:
        found = self.terms.get(key)
        if found is None:
            found = 0
            for leaf in self.leaves:
                local = leaf.cached(key, lambda leaf=leaf: _costed(per_segment(leaf)))
                if local:
                    found |= local << leaf.offset
            found &= self.all
            with self.lock:
                self.terms[key] = found
                while len(self.terms) > GENERATION_TERMS:
                    self.terms.popitem(last=False)
        return found

    def term(self, field: str, text: str) -> int:
        def read(leaf: Leaf) -> int:
            reader = leaf.reader
            if (field, text) not in reader:
                return 0
            return bitset(reader.postings(field, text).all_ids())

        return self._assembled((field, text), read)

    def phrase(self, element) -> int:
        """Documents where the words of ``element`` stand next to each other in one field."""
        def read(leaf: Leaf) -> int:
            return bitset(_whoosh(element).docs(Searcher(leaf.reader, fromindex=None)))

        return self._assembled(("phrase", element), read)

    def facet(self, field: str) -> dict[str, int]:
        found = self.facets.get(field)
        if found is None:
            found = {}
            for raw in self.reader.lexicon(field):
                text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
                found[text] = self.term(field, text)
            self.facets[field] = found
        return found

    def by_leaf(self, docnums: np.ndarray) -> list[tuple[Leaf, np.ndarray]]:
        """``docnums`` (ascending) cut by segment, as each segment's own document numbers."""
        bounds = [*np.searchsorted(docnums, self.offsets).tolist(), len(docnums)]
        return [(leaf, docnums[bounds[n]:bounds[n + 1]] - leaf.offset) for n, leaf in enumerate(self.leaves)
                if bounds[n + 1] > bounds[n]]


def _costed(value: int) -> tuple[int, int]:
    return value, (value.bit_length() + 7) // 8 + 64


def search(generation: Generation, request: SearchRequest) -> SearchResult:
    """Filters and query as bitsets, facet counts over their intersection, then one page of hits."""
    query = request.query
    matching = thesaurus.expand(query)
    bits = _filter_bits(generation, request) & _query_bits(generation, matching)
    total = bits.bit_count()
    facets = _facet_counts(generation, bits, request.facets)
    start = (request.page - 1) * request.per_page
    hits: list[Hit] = []
    if total and start < total:
        hits = _page(generation, request, matching, bits, start)
    suggestion = spelling.suggest(unparse(query), query, _Vocabulary(generation)) if not query.empty else None
    return SearchResult(hits=hits, total=total, facets=facets, suggestion=suggestion, page=request.page,
                        per_page=request.per_page)


def _filter_bits(generation: Generation, request: SearchRequest) -> int:
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


def _query_bits(generation: Generation, query: Query) -> int:
    if query.empty:
        return generation.all
    bits = generation.all
    for group in query.required:
        bits &= reduce(lambda acc, element: acc | _element_bits(generation, element), group, 0)
    for element in query.excluded:
        bits &= ~_element_bits(generation, element)
    return bits


def _element_bits(generation: Generation, element) -> int:
    title, keywords, abstract = _element_fields(generation, element)
    return title | keywords | abstract


def _element_fields(generation: Generation, element) -> tuple[int, int, int]:
    """The documents ``element`` matches in their titles, keywords and abstracts (either language)."""
    if isinstance(element, Prefix):  # written words, not stems: counts as an abstract match
        words = reduce(lambda acc, word: acc | generation.term("words", word),
                       _expand(generation, element.text), 0)
        return 0, 0, words
    words = (element.text,) if isinstance(element, Word) else element.words
    found = [0, 0, 0]
    for language, names in LANGUAGE_FIELDS.items():
        stems = [analysis.stem(word, language) for word in words]
        for slot, name in enumerate(names):
            found[slot] |= reduce(lambda acc, stem, n=name: acc & generation.term(n, stem), stems,
                                  generation.all)
    if isinstance(element, Phrase) and any(found):  # the words are all there; Whoosh checks adjacency
        adjacent = generation.phrase(element)
        found = [bits & adjacent for bits in found]
    return found[0], found[1], found[2]


def _expand(generation: Generation, prefix: str, limit: int = 500) -> list[str]:
    found = []
    for raw in generation.reader.expand_prefix("words", prefix):
        found.append(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
        if len(found) >= limit:
            break
    return found


def _whoosh(element) -> wq.Query:
    """``element`` as a Whoosh query over the fields of both languages (for phrases)."""
    if isinstance(element, Prefix):
        return wq.Prefix("words", element.text)
    words = (element.text,) if isinstance(element, Word) else element.words
    alternatives = []
    for language, names in LANGUAGE_FIELDS.items():
        stems = [analysis.stem(word, language) for word in words]
        for name in names:
            alternatives.append(wq.Term(name, stems[0]) if len(stems) == 1 else wq.Phrase(name, stems))
    return wq.Or(alternatives)


def _facet_counts(generation: Generation, bits: int, wanted) -> dict[str, list[tuple[str, int]]]:
    """Each facet's values among the documents of ``bits``: one ``bincount`` per segment over its stored codes."""
    fields = [(facet, FACET_FIELDS[facet]) for facet in wanted if facet in FACET_FIELDS]
    parts = generation.by_leaf(members(bits)) if fields and bits else []
    counts = {}
    for facet, field in fields:
        totals: dict[str, int] = {}
        for leaf, local in parts:
            values, codes = leaf.facet_codes(field)
            if not values:
                continue
            picked = codes[:, local].ravel()
            found = np.bincount(picked[picked >= 0], minlength=len(values))
            for code in np.flatnonzero(found).tolist():
                totals[values[code]] = totals.get(values[code], 0) + int(found[code])
        counts[facet] = sorted(totals.items(), key=lambda pair: (-pair[1], pair[0]))
    return counts


def _page(generation: Generation, request: SearchRequest, matching: Query, bits: int, start: int) -> list[Hit]:
    """One page of hits, scored only as far as the page needs."""
    limit = start + request.per_page
    sort = request.sort
    if request.query.empty and sort == "relevance":
        sort = "newest"
    matcher = highlight.Matcher.for_query(matching)
    searcher = generation.searcher
    if sort == "relevance":
        chosen = _ranked(generation, matching, bits, limit, typed=set(request.query.positive_words()))
        return [hit_for(decode(searcher.stored_fields(docnum)["document"]), score, matcher, request.language)
                for docnum, score in chosen[start:limit]]
    field = {"newest": "released", "title": f"sort_title_{request.language}"}[sort]
    results = searcher.search(wq.Every(), filter=_Bits(bits), limit=limit, sortedby=[field, "order_key"],
                              reverse=(sort == "newest"))
    return [hit_for(decode(results[i]["document"]), 0.0, matcher, request.language)
            for i in range(start, min(limit, results.scored_length()))]


def _split(parts: dict[tuple, int], by: list[tuple[object, int]]) -> dict[tuple, int]:
    """Each partition cut by the disjoint sets ``by`` ((label, bits) pairs; what none holds gets None)."""
    out: dict[tuple, int] = {}
    for key, part in parts.items():
        rest = part
        for label, bits in by:
            piece = rest & bits
            if piece:
                out[(*key, label)] = piece
                rest &= ~bits
        if rest:
            out[(*key, None)] = rest
    return out


def _exact(generation: Generation, group, typed: set[str]) -> int:
    """The documents holding, as written, a word or phrase of ``group`` that the consumer typed."""
    found = 0
    for element in group:
        words = (element.text,) if isinstance(element, Word) else element.words if isinstance(element, Phrase) \
            else ()
        if words and set(words) <= typed:
            found |= reduce(lambda acc, word: acc & generation.term("words", word), words, generation.all)
    return found


def _ranked(generation: Generation, query: Query, bits: int, limit: int,
            typed: set[str] = frozenset()) -> list[tuple[int, float]]:
    """The first ``limit`` (docnum, score) of ``bits`` by score, then ``order_key`` (see the module)."""
    size = max(generation.size, 1)
    parts: dict[tuple, int] = {(): bits}
    idfs = []
    for group in query.required:
        fields = [0, 0, 0]
        for element in group:
            for slot, found in enumerate(_element_fields(generation, element)):
                fields[slot] |= found
        matched = fields[0] | fields[1] | fields[2]
        exact = _exact(generation, group, typed)
        df = matched.bit_count()
        idfs.append(math.log(1 + (size - df + 0.5) / (df + 0.5)))
        out: dict[tuple, int] = {}
        for key, part in parts.items():
            for title in (True, False):
                tpart = part & (fields[0] if title else ~fields[0])
                for keywords in (True, False) if tpart else ():
                    kpart = tpart & (fields[1] if keywords else ~fields[1])
                    for abstract in (True, False) if kpart else ():
                        apart = kpart & (fields[2] if abstract else ~fields[2])
                        for as_typed in (True, False) if apart else ():
                            piece = apart & (exact if as_typed else ~exact)
                            if piece:
                                out[(*key, (title, keywords, abstract, as_typed))] = piece
        parts = out
    parts = _split(parts, [(n, generation.term("title_len", str(n))) for n in range(len(TITLE_BUCKETS))])
    years = sorted((int(y) for y in generation.facet("year") if y.isdigit()), reverse=True)
    newest = [(boost, generation.term("year", str(year))) for boost, year in zip(YEAR_BOOST, years, strict=False)]
    parts = _split(parts, newest)
    parts = _split(parts, [(boost, generation.term("popularity", str(n)))
                           for n, boost in enumerate(POPULARITY_BOOST) if n])
    scored: dict[float, int] = {}
    for key, part in parts.items():
        *matches, bucket, year_boost, popularity_boost = key
        score = 0.0
        for idf, (title, keywords, abstract, as_typed) in zip(idfs, matches, strict=True):
            length = TITLE_BUCKETS[bucket][1] if bucket is not None else AVERAGE_TITLE
            weight = (FIELD_WEIGHTS[0] * title / (1 - B + B * length / AVERAGE_TITLE)
                      + FIELD_WEIGHTS[1] * keywords + FIELD_WEIGHTS[2] * abstract)
            score += idf * weight * (K1 + 1) / (K1 + weight) * (AS_TYPED if as_typed else 1.0)
        score *= (year_boost or 1.0) * (popularity_boost or 1.0)
        score = round(score, 6)
        scored[score] = scored.get(score, 0) | part
    chosen: list[tuple[int, float]] = []
    for score in sorted(scored, reverse=True):
        needed = limit - len(chosen)
        if needed <= 0:
            break
        chosen.extend((docnum, score) for docnum in _first_in_order(generation, scored[score], needed))
    return chosen


def _first_in_order(generation: Generation, bits: int, needed: int) -> list[int]:
    """The ``needed`` documents of ``bits`` that come first by ``order_key``.

    The year that leads the key narrows the candidates with an integer partition first; only those of the
    deciding years have their whole keys compared."""
    keys, docnums = [], []
    for leaf, local in generation.by_leaf(members(bits)):
        if len(local) > needed:
            years = leaf.order_years()[local]
            local = local[years <= np.partition(years, needed - 1)[needed - 1]]
        leaf_keys = leaf.order_keys()[local]
        first = np.argsort(leaf_keys, kind="stable")[:needed]
        keys.append(leaf_keys[first])
        docnums.append(local[first] + leaf.offset)
    if not keys:
        return []
    keys_all, docnums_all = np.concatenate(keys), np.concatenate(docnums)
    return docnums_all[np.argsort(keys_all, kind="stable")[:needed]].tolist()


class _Vocabulary:
    """The words of a generation, as ``spelling.suggest`` asks for them."""

    def __init__(self, generation: Generation):
        self.reader = generation.reader

    def frequency(self, word: str) -> int:
        return self.reader.doc_frequency("words", word)

    def candidates(self, word: str):
        for raw in self.reader.expand_prefix("words", word[0]):
            text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
            if abs(len(text) - len(word)) <= 2:
                yield text, self.reader.doc_frequency("words", text)
