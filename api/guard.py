"""What every declared API operation gets around its view: the token scope it needs, CORS for public
reads, and ``ETag`` / ``If-None-Match`` for item answers (``core.openapi.Operation``)."""

from __future__ import annotations

import hashlib

from flask import current_app, request

from accounts import api_tokens
from core import openapi
from core.errors import NotFound

LARGEST_ID = 2**31 - 1

HARVEST_PATHS = ("/api/3/", "/api/action/", "/api/v1/openapi.json")
CORS_HEADERS = "Authorization, Accept-Language, If-None-Match, Idempotency-Key, Content-Type"


def _declared() -> openapi.Operation | None:
    view = current_app.view_functions.get(request.endpoint) if request.endpoint else None
    return openapi.of(view)


def before() -> None:
    declared = _declared()
    if declared is not None and any(isinstance(value, int) and value > LARGEST_ID
                                    for value in (request.view_args or {}).values()):
        raise NotFound()  # no row has such an id, and the database would refuse to compare with it
    if declared is not None and declared.scope and request.method != "OPTIONS":
        api_tokens.require_scope(declared.scope)


def after(response):
    declared = _declared()
    if declared is None and not request.path.startswith("/api/"):
        return response
    public = declared.public if declared is not None else request.path.startswith(HARVEST_PATHS)
    if public:
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = "Link, X-Total-Count, ETag"
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = CORS_HEADERS
            response.headers["Access-Control-Max-Age"] = "3600"
    if declared is not None and declared.etag and request.method == "GET" and response.status_code == 200:
        response.set_etag(hashlib.sha256(response.get_data()).hexdigest()[:32])
        # a token owner's own answers must not sit in a shared cache
        response.headers.setdefault("Cache-Control", "private, no-cache" if declared.scope else "public, max-age=60")
        response.make_conditional(request)
    if request.path.startswith("/api/"):
        response.vary.add("Accept-Language")
        response.vary.add("Authorization")
    return response

