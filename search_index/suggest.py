"""Search-as-you-type suggestions and the alternatives offered when a search finds nothing.

``complete(text, language)`` answers the search box's autocomplete
(``GET /api/v1/search/suggest?q=``): the words typed so far, the last one as a
prefix, run as one ordinary search of a few hits without snippets' extra work;
from it come suggestions of four kinds, each with the address it leads to:

- ``region`` and ``subject``: facet values among the hits whose label has a word
  starting as typed ("lom" -> "Lombok Timur"), leading to the search filtered by it;
- ``series``: a hit's title without its period (", 2024", ", Desember 2025"),
  leading to a search for that series;
- ``title``: the best hits themselves, leading to the item.

``alternatives(asked)`` is for a search without hits: the query with one word
dropped and, for a regency filter, its province instead, each only when it finds
something, with how many it finds.
"""

from __future__ import annotations

import re
from dataclasses import replace

from flask import current_app

from search_index import analysis, documents, service
from search_index.backend import SearchRequest
from search_index.query import Prefix, Query, QueryError, Word, parse, unparse

LIMIT = 8
HITS = 6
_MONTHS = ("januari|februari|maret|april|mei|juni|juli|agustus|september|oktober|november|nopember|desember|"
           "january|february|march|may|june|july|august|october|december")
_PERIOD = re.compile(rf"[,\s]+(?:(?:{_MONTHS})\s+)?\d{{4}}(?:\s*-\s*\d{{4}})?\s*$", re.IGNORECASE)


def _prefix_query(text: str) -> Query | None:
    words = analysis.words(text)[:6]
    if not words or len(words[-1]) < 2:
        return None
    try:
        leading = parse(" ".join(words[:-1])) if words[:-1] else Query()
    except QueryError:
        leading = Query()
    return Query((*leading.required, (Prefix(words[-1]),)))


def series_of(title: str) -> str:
    """``title`` without the period at its end ("Inflasi Kota Mataram, Desember 2025" -> "Inflasi Kota Mataram")."""
    return _PERIOD.sub("", title).strip(" ,")


def complete(text: str, language: str, search_url: str) -> list[dict]:
    query = _prefix_query(text)
    if query is None:
        return []
    last = analysis.words(text)[-1]
    result = service.backend().search(SearchRequest(query=query, facets=("region", "subject"), per_page=HITS,
                                                    language=language))
    app = current_app._get_current_object()
    found: list[dict] = []
    for facet in ("region", "subject"):
        for value, count in result.facets.get(facet, [])[:40]:
            label = documents.label(app, facet, value, language)
            if label and any(w.startswith(last) for w in analysis.words(label)):
                found.append({"kind": facet, "label": label, "count": count,
                              "url": f"{search_url}?{facet}={value}"})
                if sum(1 for f in found if f["kind"] == facet) >= 2:
                    break
    seen = set()
    for hit in result.hits:
        series = series_of(hit.title)
        if series != hit.title and series.lower() not in seen:
            seen.add(series.lower())
            found.append({"kind": "series", "label": series, "url": f"{search_url}?q={_quote(series)}"})
    for hit in result.hits:
        found.append({"kind": "title", "label": hit.title, "url": hit.url})
    return found[:LIMIT]


def _quote(text: str) -> str:
    from urllib.parse import quote_plus

    return quote_plus(" ".join(w for w in analysis.words(text) if w not in analysis.STOP_WORDS))


def alternatives(request: SearchRequest) -> list[dict]:
    """Searches close to ``request`` that do find something (for the page without hits)."""
    backend = service.backend()
    offered: list[dict] = []
    query = request.query
    if len(query.required) > 1:
        for dropped in range(len(query.required)):
            smaller = Query(query.required[:dropped] + query.required[dropped + 1:], query.excluded)
            total = backend.search(replace(request, query=smaller, facets=(), per_page=1, page=1)).total
            if total:
                offered.append({"q": unparse(smaller), "total": total, "dropped": _words(query.required[dropped])})
    region = request.filters.region
    if region and len(region) > 2:
        wider = replace(request, filters=replace(request.filters, region=region[:2]), facets=(), per_page=1, page=1)
        total = backend.search(wider).total
        if total:
            offered.append({"region": region[:2], "total": total})
    return offered


def _words(group) -> str:
    element = group[0]
    return element.text if isinstance(element, Word | Prefix) else " ".join(element.words)
