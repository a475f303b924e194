"""Declaring an API operation once: its parameters, body and answers, validated and documented.

Any blueprint under ``/api/`` marks a view with ``@operation(...)`` below its route decorator::

    @bp.get("/items/<int:item_id>")
    @operation(summary=_l("One item"), tags=["catalog"], response=ItemSchema, query=LanguageQuery)
    def item(item_id, query):  # ``query`` is the validated, typed query string
        ...

The same marshmallow schemas (https://marshmallow.readthedocs.io) validate the request and are written
into the one OpenAPI 3.1 document at ``/api/v1/openapi.json`` (built by ``api/openapi.py``, which collects
every view carrying an ``Operation`` from the URL map, so nothing else has to be registered anywhere).

* ``query`` / ``body``: a ``Schema`` class. An unknown value, a value of the wrong type or out of range
  answers 400 (``core.errors.Invalid``) whose problem document names the parameter in ``errors``; the
  message is the field's ``metadata["invalid"]`` (a lazy translatable string) or a general one. Unknown
  query parameters are ignored; unknown body members are refused.
* ``response``: the schema of the 200 (or ``status``) answer; ``errors``: the refusals it documents beyond
  the ones every operation has (400, 429).
* ``scope``: the personal-token scope the operation needs (``None``: public). ``api/`` enforces it before
  the view runs (Bearer token only; a session cookie does not authorise an API call).
* ``idempotent``: a write that takes an ``Idempotency-Key`` header (``api/idempotency.py``).
* ``public``: a public GET: CORS headers for any origin.
* ``rate``: the limit per token (or per address without a token; default ``STATDESK_API_RATE``), on top of
  the per-address limit ``ADDRESS_RATE``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field

from flask import g, request
from flask_babel import lazy_gettext as _l
from marshmallow import EXCLUDE, INCLUDE, RAISE, Schema, ValidationError, fields, validate

from core.errors import Invalid
from core.extensions import limiter

ATTRIBUTE = "statdesk_operation"
ADDRESS_RATE = "600/minute"
GENERAL_INVALID = _l("This value is not valid.")
UNKNOWN_MEMBER = _l("This member is not expected here.")
MISSING = _l("This value is required.")


@dataclass(frozen=True)
class Operation:
    summary: object
    tags: tuple[str, ...]
    description: object = ""
    query: type[Schema] | None = None
    body: type[Schema] | None = None
    response: type[Schema] | None = None
    status: int = 200
    media_types: tuple[str, ...] = ("application/json",)
    errors: tuple[int, ...] = ()
    scope: str | None = None
    idempotent: bool = False
    public: bool = False
    etag: bool = False
    headers: dict = field(default_factory=dict)


def of(view) -> Operation | None:
    """The ``Operation`` a view function was declared with, if any."""
    return getattr(view, ATTRIBUTE, None)


def _configured_rate() -> str:
    from flask import current_app

    return current_app.config["STATDESK_API_RATE"]


def rate_key() -> str:
    """The token's id when the request carries a valid one (set by ``accounts``), else the address."""
    token_id = getattr(g, "api_token_id", None)
    return f"token:{token_id}" if token_id else f"address:{request.remote_addr or ''}"


def address_key() -> str:
    return f"address:{request.remote_addr or ''}"


def operation(*, summary, tags, description="", query=None, body=None, response=None, status=200,
              media_types=("application/json",), errors=(), scope=None, idempotent=False, public=False,
              etag=False, rate=None, headers=None):
    """Declare the decorated view as an API operation (see the module docstring)."""
    declared = Operation(summary=summary, tags=tuple(tags), description=description, query=query, body=body,
                         response=response, status=status, media_types=tuple(media_types), errors=tuple(errors),
                         scope=scope, idempotent=idempotent, public=public, etag=etag, headers=headers or {})

    def decorate(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            if query is not None:
                kwargs["query"] = load_query(query)
            if body is not None:
                kwargs["body"] = load_body(body)
            return view(*args, **kwargs)

        limited = limiter.limit(ADDRESS_RATE, key_func=address_key)(
            limiter.limit(rate or _configured_rate, key_func=rate_key)(wrapper))
        setattr(limited, ATTRIBUTE, declared)
        return limited

    return decorate


def _field_message(schema: Schema, name: str, texts) -> list:
    declared = schema.fields.get(name)
    if declared is None:
        return [UNKNOWN_MEMBER]
    if any("required" in str(text).lower() for text in (texts if isinstance(texts, list) else [texts])):
        return [declared.metadata.get("invalid", MISSING)]
    return [declared.metadata.get("invalid", GENERAL_INVALID)]


def _refusal(schema: Schema, exc: ValidationError) -> Invalid:
    messages = exc.messages if isinstance(exc.messages, dict) else {"_schema": exc.messages}
    errors = {name: _field_message(schema, name, texts) for name, texts in messages.items()}
    first = next(iter(errors.values()))[0] if errors else GENERAL_INVALID
    return Invalid(first, errors=errors)


def load_query(schema_class: type[Schema]) -> dict:
    """The query string read through ``schema_class``; list fields take every repeated value."""
    schema = schema_class(unknown=EXCLUDE)
    raw = {}
    for name, declared in schema.fields.items():
        key = declared.data_key or name
        if key not in request.args:
            continue
        values = list(request.args.getlist(key))
        if isinstance(declared, fields.List):
            raw[key] = [v for v in values if v != ""]
        elif values[-1] != "":
            raw[key] = values[-1]
    try:
        return schema.load(raw)
    except ValidationError as exc:
        raise _refusal(schema, exc) from None


def load_body(schema_class: type[Schema]) -> dict:
    """The JSON body read through ``schema_class`` (415 for another media type, 400 for bad JSON)."""
    from core.errors import UnsupportedType

    if not request.is_json:
        raise UnsupportedType(_l("Send the body as application/json."))
    data = request.get_json(silent=True)
    schema = schema_class(unknown=RAISE)
    if not isinstance(data, dict):
        raise Invalid(_l("The body must be a JSON object."), errors={"body": [_l("The body must be a JSON object.")]})
    try:
        return schema.load(data)
    except ValidationError as exc:
        raise _refusal(schema, exc) from None


# --- fields and schemas every API shares ---------------------------------------------------------------

LANGUAGES = ("id", "en")
MAX_PER_PAGE = 100


def page_field():
    return fields.Integer(load_default=1, validate=validate.Range(1, 10_000), metadata={
        "description": "Page number, from 1.", "invalid": _l("page must be a whole number from 1 to 10000.")})


def per_page_field(default: int = 20):
    return fields.Integer(load_default=default, validate=validate.Range(1, MAX_PER_PAGE), metadata={
        "description": f"Rows per page, 1 to {MAX_PER_PAGE}.",
        "invalid": _l("per_page must be a whole number from 1 to %(most)d.", most=MAX_PER_PAGE)})


def lang_field():
    return fields.String(validate=validate.OneOf(LANGUAGES), metadata={
        "description": "Language of texts and errors (else Accept-Language).",
        "invalid": _l("lang must be id or en.")})


class LanguageQuery(Schema):
    lang = lang_field()


class PageQuery(LanguageQuery):
    page = page_field()
    per_page = per_page_field()


class Problem(Schema):
    """An RFC 9457 problem document (extension members allowed, such as a payment callback's ``reason``)."""

    class Meta:
        unknown = INCLUDE

    type = fields.String(required=True)
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    instance = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), values=fields.List(fields.String()))


class Paging(Schema):
    total = fields.Integer(required=True)
    page = fields.Integer(required=True)
    per_page = fields.Integer(required=True)
    pages = fields.Integer(required=True)


# --- answers: absolute addresses, paging -----------------------------------------------------------------

DEVELOPMENT_BASE_URL = "http://127.0.0.1:5000"


def base_url() -> str:
    """``STATDESK_BASE_URL`` when it was set to the site's address, else the address the request came to."""
    from flask import current_app

    configured = (current_app.config.get("STATDESK_BASE_URL") or "").rstrip("/")
    if configured and configured != DEVELOPMENT_BASE_URL:
        return configured
    return request.host_url.rstrip("/")


def absolute(path: str) -> str:
    return base_url() + path


def paging(total: int, page: int, per_page: int) -> tuple[dict, dict]:
    """The paging members of a list answer and its ``Link`` header (RFC 8288: first, prev, next, last)."""
    from urllib.parse import urlencode

    pages = max(1, -(-total // per_page))
    args = [(k, v) for k, v in request.args.items(multi=True) if k != "page"]

    def link(number: int) -> str:
        return absolute(request.path) + "?" + urlencode([*args, ("page", str(number))])

    relations = {"first": 1, "last": pages}
    if page > 1:
        relations["prev"] = min(page - 1, pages)
    if page < pages:
        relations["next"] = page + 1
    header = ", ".join(f'<{link(number)}>; rel="{rel}"' for rel, number in relations.items())
    headers = {"Link": header, "X-Total-Count": str(total)}
    return {"total": total, "page": page, "per_page": per_page, "pages": pages}, headers


__all__ = ["Schema", "fields", "validate", "operation", "of", "Operation", "absolute", "paging", "base_url",
           "LanguageQuery", "PageQuery", "Problem", "Paging", "lang_field", "page_field", "per_page_field"]
