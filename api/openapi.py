"""The one OpenAPI 3.1 document of ``/api/v1``, generated from the views' ``core.openapi.operation``.

Every route whose view carries an ``Operation`` is written into the document, whichever blueprint and
package it belongs to; its marshmallow schemas become the parameters, bodies and answers through apispec's
marshmallow plugin. ``document(app)`` is built once per application (the URL map does not change after
start-up) and served as ``/api/v1/openapi.json``.
"""

from __future__ import annotations

import re
import weakref

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import current_app

from core import openapi
from core.errors import MESSAGES

TITLE = "Statdesk open data API"
VERSION = "1.0.0"
_CONVERTER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
ALWAYS = (400, 429)
SCOPE_ERRORS = (401, 403)
_TYPES = {"int": {"type": "integer", "minimum": 0, "maximum": 2**31 - 1},
          "string": {"type": "string", "pattern": "^[^/]+$"},
          "default": {"type": "string", "pattern": "^[^/]+$"}}


def _resolver(schema) -> str:
    cls = schema if isinstance(schema, type) else type(schema)
    name = cls.__name__
    return name[:-6] if name.endswith("Schema") and len(name) > 6 else name


def _path(rule: str) -> tuple[str, list[dict]]:
    parameters = []

    def replace(match):
        converter, name = match.group(1) or "default", match.group(2)
        parameters.append({"in": "path", "name": name, "required": True,
                           "schema": dict(_TYPES.get(converter, _TYPES["default"]))})
        return "{" + name + "}"

    return _CONVERTER.sub(replace, rule), parameters


def _problem(status: int) -> dict:
    title = str(MESSAGES.get(status, MESSAGES[400])[0])
    return {"description": title, "content": {"application/problem+json": {"schema": "Problem"}}}


def _operation(endpoint: str, method: str, declared: openapi.Operation, path_parameters: list[dict]) -> dict:
    parameters = list(path_parameters)
    if declared.query is not None:
        parameters.append({"in": "query", "schema": declared.query})
    answer = {"description": "OK", "content": {media: ({"schema": declared.response} if declared.response
                                                       and media == "application/json" else {"schema": {}})
                                               for media in declared.media_types}}
    if declared.headers:
        answer["headers"] = declared.headers
    if declared.status == 204:
        answer = {"description": "No content"}
    statuses = set(ALWAYS) | set(declared.errors)
    if path_parameters:
        statuses.add(404)
    if declared.body is not None:
        statuses |= {415}
    if declared.scope:
        statuses |= set(SCOPE_ERRORS)
    if declared.idempotent:
        statuses |= {409, 422}
        parameters.append({"in": "header", "name": "Idempotency-Key", "required": False,
                           "description": "Any string of 1 to 200 characters; a replay with the same key and "
                                          "body answers the first answer again and changes nothing.",
                           "schema": {"type": "string", "minLength": 1, "maxLength": 200,
                                      "pattern": "^[\\x21-\\x7e]+$"}})
    responses = {str(declared.status): answer, **{str(status): _problem(status) for status in sorted(statuses)}}
    if declared.etag:
        responses["304"] = {"description": "Not modified (If-None-Match matched the ETag)"}
    built = {"operationId": endpoint.replace(".", "_"), "summary": str(declared.summary), "tags": list(declared.tags),
             "parameters": parameters, "responses": responses}
    if declared.description:
        built["description"] = str(declared.description)
    if declared.body is not None:
        built["requestBody"] = {"required": True, "content": {"application/json": {"schema": declared.body}}}
    built["security"] = [{"token": [declared.scope]}] if declared.scope else []
    return built


def operations(app) -> list[tuple[str, str, str, openapi.Operation]]:
    """``(path rule, method, endpoint, operation)`` of every declared view, in URL-map order."""
    found = []
    for rule in app.url_map.iter_rules():
        declared = openapi.of(app.view_functions.get(rule.endpoint))
        if declared is None:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            found.append((rule.rule, method.lower(), rule.endpoint, declared))
    return found


def build(app) -> dict:
    spec = APISpec(title=TITLE, version=VERSION, openapi_version="3.1.0",
                   plugins=[MarshmallowPlugin(schema_name_resolver=_resolver)],
                   info={"description": "Public catalog, search, release calendar and FAQ; with a personal "
                                        "access token, your own orders, invoices, downloads and consultations. "
                                        "Errors are RFC 9457 problem documents in the language of "
                                        "`Accept-Language` or `?lang=`."},
                   servers=[{"url": "/"}])
    spec.components.schema("Problem", schema=openapi.Problem)
    spec.components.security_scheme("token", {"type": "http", "scheme": "bearer",
                                              "description": "A personal access token from your account page."})
    paths: dict[str, dict] = {}
    for rule, method, endpoint, declared in operations(app):
        path, path_parameters = _path(rule)
        paths.setdefault(path, {})[method] = _operation(endpoint, method, declared, path_parameters)
    for path, operations_of_path in paths.items():
        spec.path(path=path, operations=operations_of_path)
    return spec.to_dict()


_built: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def document() -> dict:
    """The application's document, built on first use (the URL map does not change after start-up)."""
    from flask_babel import force_locale

    app = current_app._get_current_object()
    if app not in _built:
        with force_locale("en"):  # one document whatever the asker's language
            _built[app] = build(app)
    return _built[app]


def operations_for_listing() -> list[dict]:
    """Method, path, summary (in the reader's language) and scope of every operation, for the reference page."""
    app = current_app._get_current_object()
    return [{"method": method.upper(), "path": _path(rule)[0], "summary": str(declared.summary),
             "scope": declared.scope or "", "tag": declared.tags[0] if declared.tags else ""}
            for rule, method, _endpoint, declared in operations(app)]
