"""One check at the edge: text a request carries holds no control characters.

Every request passes ``refuse_control_characters`` before its view runs.  It looks
at the path, the query string, the form fields and uploaded file names, a JSON
body and the headers, and answers 400 with a translated message when any of
them holds a character no person types:

- C0 control characters (U+0000–U+001F) other than tab, line feed and carriage
  return, which pasted form text legitimately holds;
- DEL (U+007F) and the C1 control characters (U+0080–U+009F);
- lone surrogates (U+D800–U+DFFF), which a JSON ``\\udXXX`` escape can produce and
  which no database or response encoding accepts.

Header values are checked for C0 characters other than tab, and DEL, only: they
arrive as bytes decoded as Latin-1, so a UTF-8 header legitimately shows 0x80–0x9F.

NUL is the one that matters most: PostgreSQL refuses it in any text value, so a
NUL that reached a query or an insert would end as a server error.  Handling it
here means forms, filters and services never see one.  File contents are not
text parameters: each parser of an uploaded file checks what it reads.
"""

from __future__ import annotations

import re

from flask import request
from flask_babel import gettext as _

from core.errors import Invalid

FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# Header values are bytes decoded as Latin-1, so UTF-8 text in them shows bytes 0x80–0x9F: only C0 and DEL count.
FORBIDDEN_IN_HEADERS = re.compile("[\x00-\x08\x0a-\x1f\x7f]")
MAX_JSON_DEPTH = 64


class ControlCharacterRefused(Invalid):
    """The request holds a character refused at the edge (a 400 through the one error mapping)."""


def has_forbidden(text: str) -> bool:
    """Whether ``text`` holds a character this module refuses."""
    return FORBIDDEN.search(text) is not None


def _json_strings(value, depth: int = 0):
    if depth > MAX_JSON_DEPTH:
        raise ControlCharacterRefused(_("The data sent is nested too deeply."))
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield key
            yield from _json_strings(inner, depth + 1)
    elif isinstance(value, list):
        for inner in value:
            yield from _json_strings(inner, depth + 1)


def _texts():
    yield request.path
    for key, value in request.args.items(multi=True):
        yield key
        yield value
    if request.method in ("POST", "PUT", "PATCH", "DELETE"):
        for key, value in request.form.items(multi=True):
            yield key
            yield value
        for key, upload in request.files.items(multi=True):
            yield key
            yield upload.filename or ""
        if request.is_json:
            yield from _json_strings(_json_body())


def _json_body():
    try:
        return request.get_json(silent=True)
    except RecursionError:
        raise ControlCharacterRefused(_("The data sent is nested too deeply.")) from None


def _bad_header() -> bool:
    return any(FORBIDDEN_IN_HEADERS.search(key) or FORBIDDEN_IN_HEADERS.search(value)
               for key, value in request.headers.items())


def refuse_control_characters() -> None:
    """``before_request`` hook: raise ``ControlCharacterRefused`` (400) for a forbidden character."""
    if _bad_header() or any(has_forbidden(text) for text in _texts()):
        raise ControlCharacterRefused(
            _("The request contains control characters (such as a NUL byte) that are not allowed in text. "
              "Remove them and try again."))
