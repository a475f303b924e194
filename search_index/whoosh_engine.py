"""The Whoosh backend's query engine: bitsets over one searcher generation.

The documents of every facet value and of every query term are kept as Python
integers (one bit per document), cached per generation, so totals, filters and
facet counts are a few integer operations whatever the number of hits; Whoosh
scores only the page asked for, inside the filtered set.

``search(generation, request)`` is the whole query path; it never writes and
never touches the index directory (``whoosh_backend`` opens the generation).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from functools import reduce

from whoosh import query as wq
from whoosh.idsets import DocIdSet

from search_index import analysis, highlight, spelling
from search_index.backend import Hit, SearchRequest, SearchResult, hit_for
from search_index.documents import decode
from search_index.query import Phrase, Prefix, Query, Word, unparse
from search_index.whoosh_schema import FACET_FIELDS, LANGUAGE_FIELDS


def bitset(docnums: Iterable[int]) -> int:
    """The integer whose bit ``n`` is set for every ``n`` in ``docnums``."""
    buffer = bytearray()
    for docnum in docnums:
        byte = docnum >> 3
        if byte >= len(buffer):
            buffer.extend(bytes(byte - len(buffer) + 1 + 1024))
        buffer[byte] |= 1 << (docnum & 7)
    return int.from_bytes(buffer, "little")


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


class Generation:
    """One open searcher and the bitsets computed from it (safe to share between threads)."""

    def __init__(self, searcher):
        self.searcher = searcher
        self.reader = searcher.reader()
        self.lock = threading.Lock()
        self.terms: dict[tuple, int] = {}
        self.facets: dict[str, dict[str, int]] = {}
        self.all = bitset(self.reader.all_doc_ids())

    def term(self, field: str, text: str) -> int:
        key = (field, text)
        found = self.terms.get(key)
        if found is None:
            if (field, text) in self.reader:
                found = bitset(self.reader.postings(field, text).all_ids()) & self.all
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
            found = bitset(whoosh_query().docs(self.searcher)) & self.all
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


def search(generation: Generation, request: SearchRequest) -> SearchResult:
    """Filters and query as bitsets, facet counts over their intersection, then one page of hits."""
    query = request.query
    bits = _filter_bits(generation, request) & _query_bits(generation, query)
    total = bits.bit_count()
    facets = _facet_counts(generation, bits, request.facets)
    start = (request.page - 1) * request.per_page
    hits: list[Hit] = []
    if total and start < total:
        hits = _page(generation, request, bits, start)
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
        adjacent = generation.phrase(element, lambda: _whoosh(element))
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


def _page(generation: Generation, request: SearchRequest, bits: int, start: int) -> list[Hit]:
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
        for score, members in _tiers(generation, request.query, bits):
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


def _tiers(generation: Generation, query: Query, bits: int) -> list[tuple[int, int]]:
    """The hits grouped by score, best first: a group scores 4 for a title match, 2 for keywords and 1 for
    the abstract (summed); the score of a document is the sum over the query's groups."""
    scores = {0: bits}
    for group in query.required:
        title = keywords = abstract = 0
        for element in group:
            t, k, a = _element_fields(generation, element)
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
