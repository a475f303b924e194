"""What every search backend offers, and how the application picks one.

A backend stores ``SearchDocument``s (never models) and answers a
``SearchRequest`` with a ``SearchResult``: one page of hits with highlighted
snippets, the total, facet counts over every hit (not only the page) and a
spelling suggestion.  ``STATDESK_SEARCH_BACKEND`` chooses the backend:
``whoosh`` keeps a local index directory, ``postgresql`` keeps the index in the
database so several web hosts share it.

Facet semantics, the same in every backend: the counts are taken over all hits
of the query with every filter applied; hierarchical values count every level,
so the region facet has an entry for province ``52`` counting the documents of
its regencies as well, and the subject facet likewise for parent subjects.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from markupsafe import Markup

from search_index import highlight
from search_index.documents import SearchDocument
from search_index.query import Query

SORTS = ("relevance", "newest", "title")
FACETS = ("kind", "subject", "region", "year", "access")


@dataclass(frozen=True)
class Filters:
    kinds: tuple[str, ...] = ()  # any of these kinds ("faq" included)
    subject: str | None = None  # this subject code or any below it
    region: str | None = None  # this region code or any inside it
    year_from: int | None = None
    year_to: int | None = None
    access: tuple[str, ...] = ()  # any of free / paid / restricted
    max_price: int | None = None  # whole rupiah
    sources: tuple[str, ...] = ()  # only documents of these sources


@dataclass(frozen=True)
class SearchRequest:
    query: Query = field(default_factory=Query)  # an empty query lists every document
    filters: Filters = field(default_factory=Filters)
    facets: tuple[str, ...] = FACETS
    sort: str = "relevance"  # an empty query sorts by "newest" when asked for relevance
    page: int = 1
    per_page: int = 20
    language: str = "id"  # which title and snippet a hit shows (falls back to the other)


@dataclass(frozen=True)
class Hit:
    source: str
    key: str
    kind: str
    url: str
    title: str
    snippet: Markup  # escaped text, matched words wrapped in <mark>
    year: int | None
    region: str
    subject: str
    access: str
    price: int
    released_at: datetime | None
    score: float = 0.0


@dataclass(frozen=True)
class SearchResult:
    hits: list[Hit]
    total: int
    facets: dict[str, list[tuple[str, int]]]  # facet -> (value, count), most frequent first
    suggestion: str | None  # a corrected query text, when a word seems misspelt
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))


class SearchBackend(Protocol):
    def apply(self, documents: list[SearchDocument], removed: list[tuple[str, str]]) -> None:
        """Index ``documents`` (replacing earlier versions) and drop ``removed`` (source, key) pairs.

        Safe to call from several processes at once: no update is lost.
        """

    def search(self, request: SearchRequest) -> SearchResult:
        """Answer ``request``; only documents stored here can be hits."""

    def keys(self) -> set[tuple[str, str]]:
        """Every (source, key) stored, for ``flask search verify``."""

    def rebuild(self, documents: Iterable[SearchDocument], progress: Callable[[int], None] | None = None) -> int:
        """Replace the whole index by ``documents``; readers keep the old index until it is done.

        Calls ``progress(n)`` after each batch with the number of documents written
        so far; returns the number written.
        """


def chunked(documents: Iterable[SearchDocument], size: int) -> Iterator[list[SearchDocument]]:
    batch: list[SearchDocument] = []
    for document in documents:
        batch.append(document)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def hit_for(document: SearchDocument, score: float, matcher: highlight.Matcher, language: str) -> Hit:
    """The hit showing ``document`` in ``language`` (or the other language where it says nothing)."""
    other = "en" if language == "id" else "id"
    title = getattr(document, f"title_{language}") or getattr(document, f"title_{other}")
    abstract_language = language if getattr(document, f"abstract_{language}") else other
    abstract = getattr(document, f"abstract_{abstract_language}")
    snippet = highlight.snippet(abstract, matcher, abstract_language) if abstract else \
        highlight.snippet(title, matcher, language)
    return Hit(source=document.source, key=document.key, kind=document.kind, url=document.url, title=title,
               snippet=snippet, year=document.year, region=document.region, subject=document.subject,
               access=document.access, price=document.price, released_at=document.released_at, score=float(score))
