"""The PostgreSQL backend: the index lives in the database, so every web host shares it.

Stemming is done in Python by ``search_index.analysis``, exactly as for Whoosh;
PostgreSQL only stores and matches the stemmed terms.  Each document's
``tsvector`` holds three kinds of lexemes, told apart by a prefix:
``i:`` Indonesian stems of the Indonesian fields, ``e:`` English stems of the
English fields, ``w:`` every word as written (for ``prefix*`` queries), with
weights A (title), B (keywords), C (abstract) and D (the plain words, which do
not count for ranking).  Fields sit 100 positions apart so a phrase never
spans two fields.

A search is two statements: the total and every facet count in one (the hits
are read once into a materialised CTE), then the page, ranked by ``ts_rank``
over ``rank_terms`` (the stems of titles and keywords only, small enough to
stay inside the row, so ranking tens of thousands of hits never reads their
TOASTed full ``terms``) with field weights and length normalisation, a floor
for a match in the abstract alone, a gentle boost for the newest reference
year and for ordered items, and the same deterministic tie-break as the
Whoosh backend (newest year, then source and key).  Writes go in batches of
``BATCH`` documents, each its own transaction, so no statement carries more
than a bounded number of parameters.

Writers take a transaction-level advisory lock, so concurrent ``apply`` calls
from several processes or hosts run one after the other and the vocabulary
counts stay exact; readers are never blocked (a rebuild deletes and inserts in
one transaction, so they keep seeing the old rows until it commits).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

from search_index import analysis, highlight, spelling, thesaurus
from search_index.backend import SearchRequest, SearchResult, chunked, hit_for
from search_index.documents import SearchDocument, decode, encode, fingerprint
from search_index.models import search_document, search_vocabulary
from search_index.query import Prefix, Query, Word, unparse

WRITE_LOCK = 0x5EA7C4  # pg_advisory_xact_lock key of index writers
FIELD_GAP = 100
MAX_POSITION = 16383  # PostgreSQL's largest tsvector position
RANK_WEIGHTS = sa.literal_column("'{0.0, 0.2, 0.5, 1.0}'::real[]")  # weights of D, C, B, A
RANK_NORMALISATION = 1  # ts_rank divides by 1 + log(document length)
ABSTRACT_ONLY = 0.01  # the score of a hit whose titles and keywords do not match (its abstract does)
AS_TYPED = 1.15  # as Whoosh: the words as the consumer wrote them
YEAR_BOOST = (1.06, 1.03)
POPULARITY_BOOST = ((100, 1.06), (10, 1.04), (1, 1.02))
BATCH = 1_000  # documents per write transaction (and pairs per IN list)
FACET_COLUMNS = {"kind": "kind", "access": "access", "year": "year"}
PATH_FACETS = {"subject": "subject_path", "region": "region_path"}


def _tsvectors(document: SearchDocument) -> tuple[str, str]:
    """The document's ``terms`` and its ``rank_terms`` (the stems of titles and keywords, weights A and B)."""
    positions: dict[str, list[str]] = {}
    ranked: dict[str, list[str]] = {}
    position = 1
    keywords = " ; ".join(document.keywords)
    fields = [("i", "A", document.title_id), ("i", "B", keywords), ("i", "C", document.abstract_id),
              ("e", "A", document.title_en), ("e", "B", keywords), ("e", "C", document.abstract_en)]
    for prefix, weight, text in fields:
        language = "id" if prefix == "i" else "en"
        for word in analysis.words(text):
            position += 1
            if word in analysis.STOP_WORDS:
                continue
            at = min(position, MAX_POSITION)
            lexeme = f"{prefix}:{analysis.stem(word, language)}"
            positions.setdefault(lexeme, []).append(f"{at}{weight}")
            positions.setdefault(f"w:{word}", []).append(f"{at}D")
            if weight != "C":
                ranked.setdefault(lexeme, []).append(f"{at}{weight}")
                ranked.setdefault(f"w:{word}", []).append(f"{at}D")
        position += FIELD_GAP
    return _written(positions), _written(ranked)


def _written(positions: dict[str, list[str]]) -> str:
    return " ".join(f"'{lexeme}':{','.join(places[:256])}" for lexeme, places in positions.items())


def _words(document: SearchDocument) -> list[str]:
    text = " ".join((document.title_id, document.title_en, " ".join(document.keywords), document.abstract_id,
                     document.abstract_en))
    return sorted({w for w in analysis.words(text) if len(w) <= 120})


def _row(document: SearchDocument) -> dict:
    terms, rank_terms = _tsvectors(document)
    return {"source": document.source, "key": document.key, "kind": document.kind, "access": document.access,
            "subject_path": list(document.subject_path), "region_path": list(document.region_path),
            "year": document.year, "price": document.price, "released_at": document.released_at,
            "sort_title_id": (document.title_id or document.title_en).lower(),
            "sort_title_en": (document.title_en or document.title_id).lower(),
            "popularity": document.popularity, "words": _words(document), "terms": terms, "rank_terms": rank_terms,
            "document": encode(document)}


def _lexeme(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _element(element) -> str:
    if isinstance(element, Prefix):
        return _lexeme(f"w:{element.text}") + ":*"
    words = (element.text,) if isinstance(element, Word) else element.words
    alternatives = []
    for prefix, language in (("i", "id"), ("e", "en")):
        alternatives.append(" <-> ".join(_lexeme(f"{prefix}:{analysis.stem(w, language)}") for w in words))
    return "(" + " | ".join(f"({a})" for a in alternatives) + ")"


def _holds(column, value: str):
    """``column`` (a text array) contains ``value``: answered by the column's GIN index."""
    return column.op("@>")(sa.bindparam(None, [value], type_=postgresql.ARRAY(sa.String)))


def tsquery(query: Query) -> str | None:
    if query.empty:
        return None
    parts = ["(" + " | ".join(dict.fromkeys(_element(e) for e in group)) + ")" for group in query.required]
    parts += ["!" + _element(e) for e in dict.fromkeys(query.excluded)]
    return " & ".join(parts)


class PostgresBackend:
    def __init__(self, engine: sa.Engine):
        self.engine = engine

    # -- writing -------------------------------------------------------------------------------------

    @staticmethod
    def _lock(connection) -> None:
        connection.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK})

    @staticmethod
    def _count_words(connection, delta: Counter) -> None:
        changes = [{"word": word, "n": n} for word, n in delta.items() if n]
        if not changes:
            return
        connection.execute(sa.text(
            "INSERT INTO search_vocabulary (word, documents) VALUES (:word, :n) "
            "ON CONFLICT (word) DO UPDATE SET documents = search_vocabulary.documents + EXCLUDED.documents"),
            changes)
        connection.execute(sa.text("DELETE FROM search_vocabulary WHERE documents <= 0"))

    def apply(self, documents: list[SearchDocument], removed: list[tuple[str, str]]) -> None:
        """Write in batches of ``BATCH``, each one transaction (a batch that fails leaves the earlier ones)."""
        for start in range(0, len(documents), BATCH):
            self._apply(documents[start:start + BATCH], [])
        for start in range(0, len(removed), BATCH):
            self._apply([], removed[start:start + BATCH])

    def _apply(self, documents: list[SearchDocument], removed: list[tuple[str, str]]) -> None:
        if not documents and not removed:
            return
        rows = {(d.source, d.key): _row(d) for d in documents}
        pairs = set(rows) | set(removed)
        with self.engine.begin() as connection:
            self._lock(connection)
            delta: Counter = Counter()
            old = connection.execute(
                sa.select(search_document.c.source, search_document.c.key, search_document.c.words)
                .where(sa.tuple_(search_document.c.source, search_document.c.key).in_(sorted(pairs)))).all()
            for _source, _key, words in old:
                delta.subtract(words)
            connection.execute(search_document.delete().where(
                sa.tuple_(search_document.c.source, search_document.c.key).in_(sorted(pairs))))
            if rows:
                connection.execute(search_document.insert(), list(rows.values()))
                for row in rows.values():
                    delta.update(row["words"])
            self._count_words(connection, delta)

    def rebuild(self, documents: Iterable[SearchDocument], progress: Callable[[int], None] | None = None) -> int:
        written = 0
        vocabulary: Counter = Counter()
        with self.engine.begin() as connection:
            self._lock(connection)
            connection.execute(search_document.delete())
            connection.execute(search_vocabulary.delete())
            for batch in chunked(documents, BATCH):
                rows = {(d.source, d.key): _row(d) for d in batch}
                connection.execute(search_document.insert(), list(rows.values()))
                for row in rows.values():
                    vocabulary.update(row["words"])
                written += len(rows)
                if progress:
                    progress(written)
            self._count_words(connection, vocabulary)
        return written

    # -- reading -------------------------------------------------------------------------------------

    def keys(self) -> set[tuple[str, str]]:
        with self.engine.connect() as connection:
            return {(s, k) for s, k in connection.execute(sa.select(search_document.c.source,
                                                                    search_document.c.key))}

    def fingerprints(self) -> dict[tuple[str, str], str]:
        with self.engine.connect() as connection:
            return {(s, k): fingerprint(decode(d)) for s, k, d in connection.execute(
                sa.select(search_document.c.source, search_document.c.key, search_document.c.document))}

    @staticmethod
    def _conditions(request: SearchRequest, match) -> list:
        c, f = search_document.c, request.filters
        found = [] if match is None else [c.terms.op("@@")(match)]
        if f.kinds:
            found.append(c.kind.in_(f.kinds))
        if f.sources:
            found.append(c.source.in_(f.sources))
        if f.access:
            found.append(c.access.in_(f.access))
        if f.subject:
            found.append(_holds(c.subject_path, f.subject))
        if f.region:
            found.append(_holds(c.region_path, f.region))
        if f.year_from is not None:
            found.append(c.year >= f.year_from)
        if f.year_to is not None:
            found.append(c.year <= f.year_to)
        if f.max_price is not None:
            found.append(c.price <= f.max_price)
        return found

    def search(self, request: SearchRequest) -> SearchResult:
        c = search_document.c
        matching = thesaurus.expand(request.query)
        text = tsquery(matching)
        match = sa.cast(sa.literal(text), postgresql.TSQUERY) if text else None
        where = sa.and_(sa.true(), *self._conditions(request, match))
        sort = request.sort
        if request.query.empty and sort == "relevance":
            sort = "newest"
        score = self._score(request.query, match) if match is not None else sa.literal(0.0)
        key_order = [c.source, sa.func.length(c.key), c.key]
        order = {"relevance": [score.desc(), c.year.desc().nulls_last(), *key_order],
                 "newest": [c.released_at.desc().nulls_last(), *key_order],
                 "title": [getattr(c, f"sort_title_{request.language}"), *key_order]}[sort]
        with self.engine.begin() as connection:
            if match is not None:
                # the planner cannot see that reading every row's tsvector (kept out of line, TOASTed) costs far
                # more than the GIN index: without this it scans the table for queries of a few hundred hits
                connection.execute(sa.text("SET LOCAL enable_seqscan = off"))
            total, facets = self._counts(connection, where, request.facets)
            rows = []
            if total > (request.page - 1) * request.per_page:
                rows = connection.execute(sa.select(c.document, score).where(where).order_by(*order)
                                          .limit(request.per_page)
                                          .offset((request.page - 1) * request.per_page)).all()
            suggestion = None
            if not request.query.empty:
                vocabulary = _Vocabulary(connection, request.query.positive_words())
                suggestion = spelling.suggest(unparse(request.query), request.query, vocabulary)
        matcher = highlight.Matcher.for_query(matching)
        scored = sort == "relevance"
        hits = [hit_for(decode(document), float(value) if scored else 0.0, matcher, request.language)
                for document, value in rows]
        return SearchResult(hits=hits, total=total, facets=facets, suggestion=suggestion, page=request.page,
                            per_page=request.per_page)

    @staticmethod
    def _score(query: Query, match):
        """ts_rank of the titles and keywords (weights, title length normalisation) plus a floor for a match in
        the abstract alone, boosted as the Whoosh backend boosts.  Only ``rank_terms`` is read: ranking
        tens of thousands of hits never reads their full, TOASTed ``terms``."""
        c = search_document.c
        score = sa.func.ts_rank(RANK_WEIGHTS, c.rank_terms, match, RANK_NORMALISATION) + ABSTRACT_ONLY
        typed = list(dict.fromkeys(query.positive_words()))
        if typed:
            as_typed = sa.cast(sa.literal(" & ".join(_lexeme(f"w:{w}") for w in typed)), postgresql.TSQUERY)
            score = score * sa.case((c.rank_terms.op("@@")(as_typed), AS_TYPED), else_=1.0)
        newest = sa.select(sa.func.max(search_document.c.year)).scalar_subquery()
        score = score * sa.case((c.year == newest, YEAR_BOOST[0]), (c.year == newest - 1, YEAR_BOOST[1]), else_=1.0)
        orders = c.popularity
        score = score * sa.case(*((orders >= least, boost) for least, boost in POPULARITY_BOOST), else_=1.0)
        return sa.func.round(sa.cast(score, sa.Numeric), 6)

    @staticmethod
    def _counts(connection, where, wanted) -> tuple[int, dict[str, list[tuple[str, int]]]]:
        """The total and the facet counts, in one statement over the hits read once."""
        c = search_document.c
        hits = sa.select(c.kind, c.access, c.year, c.subject_path, c.region_path).where(where) \
            .cte("hits").prefix_with("MATERIALIZED")
        parts = [sa.select(sa.literal("total").label("facet"), sa.literal(None, sa.Text).label("value"),
                           sa.func.count().label("n")).select_from(hits)]
        for facet in wanted:
            if facet in FACET_COLUMNS:
                column = getattr(hits.c, FACET_COLUMNS[facet])
                parts.append(sa.select(sa.literal(facet), sa.cast(column, sa.Text), sa.func.count())
                             .select_from(hits).where(column.isnot(None)).group_by(column))
            elif facet in PATH_FACETS:
                values = sa.func.unnest(getattr(hits.c, PATH_FACETS[facet])).table_valued("value") \
                    .render_derived().lateral()
                parts.append(sa.select(sa.literal(facet), sa.cast(values.c.value, sa.Text), sa.func.count())
                             .select_from(hits.join(values, sa.true())).group_by(values.c.value))
        total = 0
        found: dict[str, list[tuple[str, int]]] = {f: [] for f in wanted if f in FACET_COLUMNS or f in PATH_FACETS}
        for facet, value, n in connection.execute(sa.union_all(*parts)):
            if facet == "total":
                total = n
            elif value is not None and value != "":
                found[facet].append((value, n))
        for values in found.values():
            values.sort(key=lambda pair: (-pair[1], pair[0]))
        return total, found


class _Vocabulary:
    """The vocabulary as spelling asks for it: the query's words read in one statement up front."""

    def __init__(self, connection, words: list[str]):
        self.connection = connection
        v = search_vocabulary.c
        wanted = sorted({w for w in words if len(w) <= 120})
        self.known = dict(connection.execute(sa.select(v.word, v.documents).where(v.word.in_(wanted))).all()) \
            if wanted else {}

    def frequency(self, word: str) -> int:
        return self.known.get(word, 0)

    def candidates(self, word: str):
        v = search_vocabulary.c
        return self.connection.execute(sa.select(v.word, v.documents).where(
            v.word.startswith(word[0], autoescape=True),
            sa.func.length(v.word).between(len(word) - 2, len(word) + 2))).all()
