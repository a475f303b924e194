"""The PostgreSQL backend: the index lives in the database, so every web host shares it.

Stemming is done in Python by ``search_index.analysis``, exactly as for Whoosh;
PostgreSQL only stores and matches the stemmed terms.  Each document's
``tsvector`` holds three kinds of lexemes, told apart by a prefix:
``i:`` Indonesian stems of the Indonesian fields, ``e:`` English stems of the
English fields, ``w:`` every word as written (for ``prefix*`` queries), with
weights A (title), B (keywords), C (abstract) and D (the plain words, which do
not count for ranking).  Fields sit 100 positions apart so a phrase never
spans two fields.

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

from search_index import analysis, highlight, spelling
from search_index.backend import SearchRequest, SearchResult, chunked, hit_for
from search_index.documents import SearchDocument, decode, encode, fingerprint
from search_index.models import search_document, search_vocabulary
from search_index.query import Prefix, Query, Word, unparse

WRITE_LOCK = 0x5EA7C4  # pg_advisory_xact_lock key of index writers
FIELD_GAP = 100
MAX_POSITION = 16383  # PostgreSQL's largest tsvector position
RANK_WEIGHTS = sa.literal_column("'{0.0, 0.2, 0.4, 1.0}'::real[]")  # weights of D, C, B, A
BATCH = 1_000
FACET_COLUMNS = {"kind": "kind", "access": "access", "year": "year"}
PATH_FACETS = {"subject": "subject_path", "region": "region_path"}


def _tsvector(document: SearchDocument) -> str:
    positions: dict[str, list[str]] = {}
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
            positions.setdefault(f"{prefix}:{analysis.stem(word, language)}", []).append(f"{at}{weight}")
            positions.setdefault(f"w:{word}", []).append(f"{at}D")
        position += FIELD_GAP
    return " ".join(f"'{lexeme}':{','.join(places[:256])}" for lexeme, places in positions.items())


def _words(document: SearchDocument) -> list[str]:
    text = " ".join((document.title_id, document.title_en, " ".join(document.keywords), document.abstract_id,
                     document.abstract_en))
    return sorted({w for w in analysis.words(text) if len(w) <= 120})


def _row(document: SearchDocument) -> dict:
    return {"source": document.source, "key": document.key, "kind": document.kind, "access": document.access,
            "subject_path": list(document.subject_path), "region_path": list(document.region_path),
            "year": document.year, "price": document.price, "released_at": document.released_at,
            "sort_title_id": (document.title_id or document.title_en).lower(),
            "sort_title_en": (document.title_en or document.title_id).lower(),
            "words": _words(document), "terms": _tsvector(document), "document": encode(document)}


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
    parts = ["(" + " | ".join(_element(e) for e in group) + ")" for group in query.required]
    parts += ["!" + _element(e) for e in query.excluded]
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
        text = tsquery(request.query)
        match = sa.cast(sa.literal(text), postgresql.TSQUERY) if text else None
        where = sa.and_(sa.true(), *self._conditions(request, match))
        with self.engine.connect() as connection:
            total = connection.scalar(sa.select(sa.func.count()).select_from(search_document).where(where))
            facets = self._facets(connection, where, request.facets)
            sort = request.sort
            if request.query.empty and sort == "relevance":
                sort = "newest"
            score = sa.func.ts_rank_cd(RANK_WEIGHTS, c.terms, match) if match is not None \
                else sa.literal(0.0)
            order = {"relevance": [score.desc(), c.released_at.desc().nulls_last()],
                     "newest": [c.released_at.desc().nulls_last()],
                     "title": [getattr(c, f"sort_title_{request.language}")]}[sort] + [c.id]
            rows = connection.execute(sa.select(c.document, score).where(where).order_by(*order)
                                      .limit(request.per_page).offset((request.page - 1) * request.per_page)).all()
            suggestion = None
            if not request.query.empty:
                suggestion = spelling.suggest(unparse(request.query), request.query, _Vocabulary(connection))
        matcher = highlight.Matcher.for_query(request.query)
        scored = sort == "relevance"
        hits = [hit_for(decode(document), value if scored else 0.0, matcher, request.language)
                for document, value in rows]
        return SearchResult(hits=hits, total=total, facets=facets, suggestion=suggestion, page=request.page,
                            per_page=request.per_page)

    @staticmethod
    def _facets(connection, where, wanted) -> dict[str, list[tuple[str, int]]]:
        found = {}
        for facet in wanted:
            if facet in FACET_COLUMNS:
                column = getattr(search_document.c, FACET_COLUMNS[facet])
                rows = connection.execute(sa.select(column, sa.func.count()).where(where, column.isnot(None))
                                          .group_by(column)).all()
            elif facet in PATH_FACETS:
                value = sa.func.unnest(getattr(search_document.c, PATH_FACETS[facet])).label("value")
                inner = sa.select(value).where(where).subquery()
                rows = connection.execute(sa.select(inner.c.value, sa.func.count()).group_by(inner.c.value)).all()
            else:
                continue
            values = [(str(v), n) for v, n in rows if v is not None and str(v) != ""]
            values.sort(key=lambda pair: (-pair[1], pair[0]))
            found[facet] = values
        return found


class _Vocabulary:
    def __init__(self, connection):
        self.connection = connection

    def frequency(self, word: str) -> int:
        return self.connection.scalar(sa.select(search_vocabulary.c.documents)
                                      .where(search_vocabulary.c.word == word)) or 0

    def candidates(self, word: str):
        v = search_vocabulary.c
        return self.connection.execute(sa.select(v.word, v.documents).where(
            v.word.startswith(word[0], autoescape=True),
            sa.func.length(v.word).between(len(word) - 2, len(word) + 2))).all()
