"""Static files under content-hashed names, cached by browsers and proxies for a year.

``url_for('core.static', filename='statdesk.css')`` (and every blueprint's ``static``, Bootstrap's included)
gives ``/core/static/statdesk.3f2a9c1d07.css``: the file's name with the first hex digits of its SHA-256.
Such a URL names one content for ever, so it is served with ``Cache-Control: public, max-age=31536000,
immutable``; a changed file gets a new name, so nobody keeps an old copy.  Templates do not change: a
``url_defaults`` callback rewrites the name when the URL is built, and a ``url_value_preprocessor`` maps
it back before the blueprint's own static view serves the file.

The unhashed URL still works (with the usual revalidation).  A hashed name whose digits no longer match
(an old page asking after a deploy) gets the current file without the long lifetime.

Each file's hash is computed once per process, the first time a URL to it is built; with ``debug`` on
it is computed again when the file's modification time changes, so an edited style sheet shows at once.
"""

from __future__ import annotations

import hashlib
import os
import re

from flask import Flask, current_app, g
from werkzeug.security import safe_join

DIGITS = 10
YEAR_SECONDS = 31536000
_HASHED = re.compile(rf"^(?P<stem>.+)\.(?P<digest>[0-9a-f]{{{DIGITS}}})(?P<suffix>\.[A-Za-z0-9]+)$")
_digests: dict[tuple[str, str], tuple[int, str]] = {}  # (folder, name) -> (mtime_ns, digest); files on disk only


def is_static_endpoint(endpoint: str | None) -> bool:
    return bool(endpoint) and (endpoint == "static" or endpoint.endswith(".static"))


def _folder(app: Flask, endpoint: str) -> str | None:
    if endpoint == "static":
        return app.static_folder
    blueprint = app.blueprints.get(endpoint.rsplit(".", 1)[0])
    return blueprint.static_folder if blueprint is not None else None


def digest(app: Flask, endpoint: str, filename: str) -> str | None:
    """The first ``DIGITS`` hex digits of the file's SHA-256, or None when there is no such file."""
    folder = _folder(app, endpoint)
    if folder is None:
        return None
    known = _digests.get((folder, filename))
    if known is not None and not app.debug:
        return known[1]
    path = safe_join(folder, filename)
    try:
        mtime = os.stat(path).st_mtime_ns if path else None
    except OSError:
        mtime = None
    if mtime is None or not os.path.isfile(path):
        return None
    if known is not None and known[0] == mtime:
        return known[1]
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            sha.update(block)
    _digests[(folder, filename)] = (mtime, sha.hexdigest()[:DIGITS])
    return _digests[(folder, filename)][1]


def hashed_name(filename: str, file_digest: str) -> str:
    """``css/app.css`` with digest ``3f2a…`` → ``css/app.3f2a….css`` (a name without a suffix gets it at the end)."""
    head, _sep, tail = filename.rpartition("/")
    stem, dot, suffix = tail.rpartition(".")
    if not dot or not stem:
        stem, suffix = tail, ""
    name = f"{stem}.{file_digest}" + (f".{suffix}" if suffix else "")
    return f"{head}/{name}" if head else name


def _build_hashed(endpoint: str, values: dict) -> None:
    filename = values.get("filename")
    if not is_static_endpoint(endpoint) or not isinstance(filename, str):
        return
    file_digest = digest(current_app, endpoint, filename)
    if file_digest is not None and _HASHED.match(hashed_name(filename, file_digest)):
        values["filename"] = hashed_name(filename, file_digest)


def _serve_hashed(endpoint: str | None, values: dict | None) -> None:
    """Map a hashed name back to the file; mark the answer immutable when the digits are the file's."""
    if not is_static_endpoint(endpoint) or not values or not isinstance(values.get("filename"), str):
        return
    head, _sep, tail = values["filename"].rpartition("/")
    match = _HASHED.match(tail)
    if match is None:
        return
    plain = (f"{head}/" if head else "") + match["stem"] + match["suffix"]
    current = digest(current_app, endpoint, plain)
    if current is None:
        return  # no such file: the static view answers for the name as asked (usually 404)
    values["filename"] = plain
    g.immutable_static = current == match["digest"]


def _long_lifetime(response):
    if g.pop("immutable_static", False) and response.status_code in (200, 206, 304):
        response.cache_control.no_cache = None
        response.cache_control.public = True
        response.cache_control.max_age = YEAR_SECONDS
        response.cache_control.immutable = True
    return response


def init_app(app: Flask) -> None:
    app.url_defaults(_build_hashed)
    app.url_value_preprocessor(_serve_hashed)
    app.after_request(_long_lifetime)
