"""The public search page (``/search``) and its JSON twin (``GET /api/v1/search``).

Both read the same arguments: ``q``; filters ``kind`` (repeatable), ``subject``,
``region``, ``year`` or ``year_from``/``year_to``, ``access`` (repeatable),
``max_price``; ``sort`` (relevance, newest, title); ``page``; the API also takes
``per_page`` (1-100) and ``lang`` (id, en).  An argument that makes no sense or
a query that cannot be understood answers 400 with a message saying what to
change.  Only public documents are ever indexed, so nothing here filters by who
is asking: drafts, scheduled and withdrawn items are simply not in the index.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlencode

from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict

from core import openapi, registry
from core.errors import Invalid
from core.pagination import clamp_page
from core.permissions import roles_required
from search_index import documents, indexing, service, suggest
from search_index.backend import FACETS, SORTS, Filters, SearchRequest, SearchResult
from search_index.query import QueryError, parse

bp = Blueprint("search", __name__, template_folder="templates", static_folder="static",
               static_url_path="/search/static")
api = Blueprint("search_api", __name__, url_prefix="/api/v1")

YEARS = (1900, 2100)
MAX_PER_PAGE = 100
ACCESS = ("free", "paid", "restricted")
_CODE = re.compile(r"^[A-Za-z0-9._-]{1,40}$")
FACET_VALUES_SHOWN = 12
SUGGEST_RATE = "600/minute"  # a keystroke each (the box waits for a pause in typing)
MAX_SUGGEST = 100


class BadSearch(Invalid):
    """A search parameter that cannot be used; ``field`` names it in the problem's ``errors``."""

    def __init__(self, message, field: str):
        super().__init__(message, errors={field: [message]})


@dataclass(frozen=True)
class Asked:
    """What the visitor asked for, read from the query string."""

    text: str
    request: SearchRequest


def _int(args: MultiDict, name: str, low: int, high: int, message) -> int | None:
    raw = args.get(name, "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise BadSearch(message, name) from None
    if not low <= value <= high:
        raise BadSearch(message, name)
    return value


def _code(args: MultiDict, name: str, message) -> str | None:
    raw = args.get(name, "").strip()
    if not raw:
        return None
    if not _CODE.match(raw):
        raise BadSearch(message, name)
    return raw


YEAR_MESSAGE = _l("A year must be a number between %(low)d and %(high)d.", low=YEARS[0], high=YEARS[1])


def read_request(args: MultiDict, language: str, api_call: bool = False) -> Asked:
    """The search asked for by ``args``; raises ``BadSearch`` or ``QueryError`` for nonsense."""
    year_message = YEAR_MESSAGE
    year = _int(args, "year", *YEARS, year_message)
    year_from = _int(args, "year_from", *YEARS, year_message)
    year_to = _int(args, "year_to", *YEARS, year_message)
    if year is not None:
        year_from = year_to = year
    if year_from is not None and year_to is not None and year_from > year_to:
        raise BadSearch(_l("The first year must not come after the last year."), "year_from")
    kinds = tuple(dict.fromkeys(k.strip() for k in args.getlist("kind") if k.strip()))
    if any(not _CODE.match(kind) for kind in kinds):
        raise BadSearch(_l("Unknown kind."), "kind")
    access = tuple(dict.fromkeys(a.strip() for a in args.getlist("access") if a.strip()))
    if any(a not in ACCESS for a in access):
        raise BadSearch(_l("Access must be free, paid or restricted."), "access")
    sort = args.get("sort", "relevance").strip() or "relevance"
    if sort not in SORTS:
        raise BadSearch(_l("Sort by relevance, newest or title."), "sort")
    max_price = _int(args, "max_price", 0, 10**12, _l("The highest price must be a whole number of rupiah."))
    page = _int(args, "page", 1, 10**9, _l("The page must be a positive number.")) or 1
    per_page = current_app.config["STATDESK_PAGE_SIZE"]
    if api_call:
        per_page = _int(args, "per_page", 1, MAX_PER_PAGE,
                        _l("per_page must be between 1 and %(most)d.", most=MAX_PER_PAGE)) or per_page
        language = args.get("lang", language)
        if language not in ("id", "en"):
            raise BadSearch(_l("lang must be id or en."), "lang")
    text = args.get("q", "")
    filters = Filters(kinds=kinds, subject=_code(args, "subject", _l("Unknown subject code.")),
                      region=_code(args, "region", _l("Unknown region code.")),
                      year_from=year_from, year_to=year_to, access=access, max_price=max_price)
    return Asked(text, SearchRequest(query=parse(text), filters=filters, sort=sort, page=clamp_page(page),
                                     per_page=per_page, language=language))


def _language() -> str:
    return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])


def _facets(result: SearchResult, language: str) -> dict[str, list[dict]]:
    app = current_app._get_current_object()
    return {facet: [{"value": value, "count": count, "label": documents.label(app, facet, str(value), language)}
                    for value, count in result.facets.get(facet, [])]
            for facet in FACETS if facet in result.facets}


@bp.get("/search")
def page():
    language = _language()
    try:
        asked = read_request(request.args, language)
    except (BadSearch, QueryError) as exc:
        return render_template("search_index/search.html", error=exc.message, text=request.args.get("q", ""),
                               result=None, facets={}, args=request.args, link=_link), 400
    result = service.backend().search(asked.request)
    app = current_app._get_current_object()
    alternatives = suggest.alternatives(asked.request) if not result.total and not asked.request.query.empty else []
    return render_template("search_index/search.html", error=None, text=asked.text, result=result,
                           facets=_facets(result, language), args=request.args, link=_link,
                           label=lambda facet, value: documents.label(app, facet, value, language),
                           consult_url=_consult_url(), save_url=_save_url(asked.text), alternatives=alternatives)


def _link(args: MultiDict, **changes) -> str:
    """This page's address with ``changes`` applied (a value of None removes the argument)."""
    merged = MultiDict(args)
    merged.pop("page", None)
    for name, value in changes.items():
        merged.pop(name, None)
        if value is not None:
            merged.add(name, value)
    query = urlencode(list(merged.items(multi=True)))
    return url_for("search.page") + ("?" + query if query else "")


ASK_INSTEAD: registry.Slot[Callable[[], str]] = registry.Slot(
    "search_index.ask_instead", "``url()`` of a page where a person who found nothing can ask staff for free "
    "(shown on the page without results); unset: no such link.")


SAVE_SEARCH: registry.Slot[Callable[[dict], str]] = registry.Slot(
    "search_index.save_search", "``url(args)`` of a page where a person saves this search to hear of new "
    "matching releases (``args``: the search's q, kind, subject and region); unset: no such link.")


def _save_url(text: str) -> str | None:
    if not SAVE_SEARCH.is_set() or not text:
        return None
    args = {name: request.args[name] for name in ("kind", "subject", "region") if request.args.get(name)}
    return SAVE_SEARCH.get()({"q": text, **args})


def _consult_url() -> str | None:
    return ASK_INSTEAD.get()() if ASK_INSTEAD.is_set() else None


class SearchQuery(openapi.Schema):
    """The API's arguments; ``read_request`` then checks what a schema cannot (a query's syntax, year order)."""

    q = openapi.fields.String(validate=openapi.validate.Length(max=500), metadata={
        "description": "Search text (words, \"phrases\", -exclusions, OR)",
        "invalid": _l("q is at most 500 characters.")})
    kind = openapi.fields.List(openapi.fields.String(validate=openapi.validate.Regexp(_CODE.pattern)), metadata={
        "description": "Kind of item (repeatable)", "invalid": _l("Unknown kind.")})
    subject = openapi.fields.String(validate=openapi.validate.Regexp(_CODE.pattern), metadata={
        "invalid": _l("Unknown subject code.")})
    region = openapi.fields.String(validate=openapi.validate.Regexp(_CODE.pattern), metadata={
        "invalid": _l("Unknown region code.")})
    year = openapi.fields.Integer(validate=openapi.validate.Range(*YEARS), metadata={"invalid": YEAR_MESSAGE})
    year_from = openapi.fields.Integer(validate=openapi.validate.Range(*YEARS), metadata={"invalid": YEAR_MESSAGE})
    year_to = openapi.fields.Integer(validate=openapi.validate.Range(*YEARS), metadata={"invalid": YEAR_MESSAGE})
    access = openapi.fields.List(openapi.fields.String(validate=openapi.validate.OneOf(ACCESS)), metadata={
        "description": "free, paid or restricted (repeatable)",
        "invalid": _l("Access must be free, paid or restricted.")})
    max_price = openapi.fields.Integer(validate=openapi.validate.Range(0, 10**12), metadata={
        "invalid": _l("The highest price must be a whole number of rupiah.")})
    sort = openapi.fields.String(validate=openapi.validate.OneOf(SORTS), metadata={
        "invalid": _l("Sort by relevance, newest or title.")})
    page = openapi.fields.Integer(validate=openapi.validate.Range(1, 10**9), metadata={
        "invalid": _l("The page must be a positive number.")})
    per_page = openapi.fields.Integer(validate=openapi.validate.Range(1, MAX_PER_PAGE), metadata={
        "invalid": _l("per_page must be between 1 and %(most)d.", most=MAX_PER_PAGE)})
    lang = openapi.lang_field()


class FacetValue(openapi.Schema):
    value = openapi.fields.Raw(required=True)
    count = openapi.fields.Integer(required=True)
    label = openapi.fields.String(required=True)


class Hit(openapi.Schema):
    source = openapi.fields.String(required=True)
    key = openapi.fields.String(required=True)
    kind = openapi.fields.String(required=True)
    url = openapi.fields.String(required=True)
    title = openapi.fields.String(required=True)
    snippet = openapi.fields.String(required=True)
    year = openapi.fields.Integer(required=True, allow_none=True)
    region = openapi.fields.String(required=True, allow_none=True)
    subject = openapi.fields.String(required=True, allow_none=True)
    access = openapi.fields.String(required=True, allow_none=True)
    price = openapi.fields.Integer(required=True, allow_none=True)
    released_at = openapi.fields.DateTime(required=True, allow_none=True)
    score = openapi.fields.Float(required=True, allow_none=True)


class SearchAnswer(openapi.Paging):
    query = openapi.fields.String(required=True)
    suggestion = openapi.fields.String(required=True, allow_none=True)
    facets = openapi.fields.Dict(keys=openapi.fields.String(),
                                 values=openapi.fields.List(openapi.fields.Nested(FacetValue)), required=True)
    hits = openapi.fields.List(openapi.fields.Nested(Hit), required=True)


@api.get("/search")
@openapi.operation(summary=_l("Search the public catalog and the FAQ, with facets, snippets and spelling hints"),
                   tags=["search"], query=SearchQuery, response=SearchAnswer, public=True)
def search_api(query):
    # The schema refused wrong types and ranges; a ``BadSearch`` or ``QueryError`` from the checks that
    # remain becomes the same 400 problem document, naming the parameter.
    asked = read_request(request.args, _language(), api_call=True)
    language = asked.request.language
    result = service.backend().search(asked.request)
    members, headers = openapi.paging(result.total, result.page, result.per_page)
    response = jsonify(
        query=asked.text, suggestion=result.suggestion, facets=_facets(result, language), **members,
        hits=[{"source": hit.source, "key": hit.key, "kind": hit.kind, "url": openapi.absolute(hit.url),
               "title": hit.title, "snippet": str(hit.snippet), "year": hit.year, "region": hit.region,
               "subject": hit.subject, "access": hit.access, "price": hit.price,
               "released_at": hit.released_at.isoformat() if hit.released_at else None, "score": hit.score}
              for hit in result.hits])
    response.headers.update(headers)
    return response


class SuggestQuery(openapi.Schema):
    q = openapi.fields.String(validate=openapi.validate.Length(max=MAX_SUGGEST), metadata={
        "description": "The text typed so far", "invalid": _l("q is at most 100 characters.")})
    lang = openapi.lang_field()


class Suggestion(openapi.Schema):
    kind = openapi.fields.String(required=True, metadata={"description": "region, subject, series or title"})
    label = openapi.fields.String(required=True)
    url = openapi.fields.String(required=True)
    count = openapi.fields.Integer(metadata={"description": "matching items (regions and subjects)"})


class SuggestAnswer(openapi.Schema):
    query = openapi.fields.String(required=True)
    suggestions = openapi.fields.List(openapi.fields.Nested(Suggestion), required=True)


@api.get("/search/suggest")
@openapi.operation(summary=_l("Suggestions while typing in the search box: regions, subjects, series, titles"),
                   tags=["search"], query=SuggestQuery, response=SuggestAnswer, public=True, rate=SUGGEST_RATE)
def suggest_api(query):
    text = query.get("q", "")
    language = query.get("lang") or _language()
    found = suggest.complete(text, language, url_for("search.page"))
    response = jsonify(query=text, suggestions=found)
    response.headers["Cache-Control"] = "public, max-age=60"
    return response


PENDING_SHOWN = 200


@bp.get("/admin/search")
@roles_required("admin")
def status():
    """For administrators: index updates that failed and wait for the retry sweep."""
    return render_template("search_index/status.html", waiting=indexing.pending(PENDING_SHOWN),
                           count=indexing.pending_count())


@bp.get("/healthz/search")
def health():
    """Readiness of search: 503 while index updates wait for a retry (what a load balancer or monitor asks)."""
    count = indexing.pending_count()
    return jsonify(status="ok" if not count else "degraded", pending_updates=count), 200 if not count else 503
