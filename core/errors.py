"""The one error model: ``DomainError`` and its family, and the one mapping of errors to answers.

Services raise a member of the family (never ``abort``); views let it travel, or hand it to
``form_failed`` to show the message next to the form that caused it. Everything else — werkzeug's
``HTTPException`` (unknown route, 405, 413, rate limit 429), a CSRF failure, the control-character
guard — reaches the person through the same mapping:

* under ``/api/``: an RFC 9457 problem document (``application/problem+json``) with ``type``,
  ``title``, ``status``, ``detail``, ``instance``, ``errors`` (field → messages) for field errors and
  any extension members the error carries (payment callbacks keep their machine-readable ``reason``);
* elsewhere: the HTML error page.

Titles and messages are translated in the locale the request selected (profile, ``?lang=``,
``Accept-Language``), because they are rendered while the request is being answered.
"""

from __future__ import annotations

from flask import Response, flash, json, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

PROBLEM_JSON = "application/problem+json"

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Check what you entered and try again.")),
    401: (_l("Sign-in required"), _l("Please sign in to continue.")),
    403: (_l("Access denied"), _l("Your account does not have access to this page.")),
    404: (_l("Page not found"), _l("The page you asked for does not exist or is not available to you.")),
    405: (_l("Method not allowed"), _l("This address does not accept that kind of request.")),
    409: (_l("Conflict"), _l("The request conflicts with the current state. Reload the page and try again.")),
    410: (_l("No longer available"), _l("This link is no longer valid.")),
    413: (_l("Too large"), _l("The upload or request is larger than allowed.")),
    415: (_l("Unsupported file type"), _l("This kind of file is not accepted here.")),
    422: (_l("Cannot be processed"), _l("The data sent could not be processed.")),
    429: (_l("Too many requests"), _l("You have made too many requests. Please wait a moment and try again.")),
    500: (_l("Server error"), _l("Something went wrong on our side. The problem has been logged.")),
    503: (_l("Temporarily unavailable"), _l("This service is not available at the moment. Try again later.")),
}

CSRF_MESSAGE = _l("The form has expired or was not sent from this site. Reload the page and try again.")


# --- the family -------------------------------------------------------------------------------------


class DomainError(Exception):
    """A rule refused what a person asked for; ``message`` says why, in words they can act on.

    ``status`` is fixed per class (a service picks the class, not a number). ``errors`` maps a form
    field's name to its messages; ``members`` are the extension members of the problem document (for a
    machine reading the answer, such as a payment callback's ``reason``).
    """

    status = 400

    def __init__(self, message=None, *, errors: dict | None = None, **extensions):
        super().__init__(str(message) if message is not None else "")
        self.message = message if message is not None else _texts(self.status)[1]
        self.errors = {field: _as_list(texts) for field, texts in (errors or {}).items()}
        self.members = extensions

    def __str__(self) -> str:
        return str(self.message)


def _as_list(texts) -> list:
    return list(texts) if isinstance(texts, (list, tuple)) else [texts]


class Invalid(DomainError):
    """What was sent is wrong; ``errors`` may name the fields."""

    status = 400


class Unprocessable(Invalid):
    """Well-formed, but its content cannot be used (a file's lines, a table's cells)."""

    status = 422


class TooLarge(Invalid):
    status = 413


class UnsupportedType(Invalid):
    status = 415


class Unauthenticated(DomainError):
    """The person has not proved who they are (or the proof was wrong)."""

    status = 401


class Forbidden(DomainError):
    status = 403


class NotFound(DomainError):
    """No such object, or not one this person may know about."""

    status = 404


class Conflict(DomainError):
    """The request does not fit the object's current state."""

    status = 409


class Gone(DomainError):
    """It existed, and is no longer usable (a used or expired link)."""

    status = 410


class TooMany(DomainError):
    """Too many attempts; ``retry_after`` (seconds) is sent as ``Retry-After`` when known."""

    status = 429

    def __init__(self, message=None, *, retry_after: int | None = None, **kwargs):
        super().__init__(message, **kwargs)
        self.retry_after = retry_after


class Unavailable(DomainError):
    status = 503


# --- the mapping ------------------------------------------------------------------------------------

def wants_problem_json() -> bool:
    return request.path.startswith("/api/")


def _texts(status: int) -> tuple:
    return MESSAGES.get(status) or MESSAGES[400 if status < 500 else 500]


def _texts_of(errors: dict) -> dict:
    return {field: [str(text) for text in texts] for field, texts in errors.items()}


def problem_document(status: int, detail=None, errors: dict | None = None, **extensions) -> dict:
    """The RFC 9457 members for ``status``; ``detail`` defaults to the status's general message."""
    title, message = _texts(status)
    document = {"type": "about:blank", "title": str(title), "status": status,
                "detail": str(detail if detail is not None else message), "instance": request.path}
    if errors:
        document["errors"] = _texts_of(errors)
    document.update(extensions)
    return document


def problem_response(status: int, detail=None, errors: dict | None = None, headers=None, **extensions) -> Response:
    """A ``application/problem+json`` response (also used by API views that answer a refusal themselves)."""
    body = json.dumps(problem_document(status, detail, errors, **extensions))
    return Response(body, status=status, mimetype=PROBLEM_JSON, headers=headers)


def error_response(status: int, detail=None, errors: dict | None = None, headers=None, **extensions):
    """The one answer for an error: problem JSON under ``/api/``, the HTML error page elsewhere."""
    if wants_problem_json():
        return problem_response(status, detail, errors, headers, **extensions)
    title, message = _texts(status)
    page = render_template("errors/error.html", code=status, title=title, message=message, detail=detail,
                           errors=_texts_of(errors or {}))
    return Response(page, status=status, headers=headers)


def handle_domain_error(exc: DomainError):
    headers = {"Retry-After": str(exc.retry_after)} if getattr(exc, "retry_after", None) else None
    return error_response(exc.status, exc.message, exc.errors, headers, **exc.members)


def _retry_after(exc: HTTPException) -> str | None:
    seconds = getattr(exc, "retry_after", None)
    if seconds:
        return str(seconds)
    answer = exc.response if getattr(exc, "response", None) is not None else None
    return answer.headers.get("Retry-After") if answer is not None else None


def handle_http_exception(exc: HTTPException):
    status = exc.code or 500
    headers = {}
    if status == 429 and (retry := _retry_after(exc)):
        headers["Retry-After"] = retry
    if status == 405 and getattr(exc, "valid_methods", None):
        headers["Allow"] = ", ".join(exc.valid_methods)
    # werkzeug's own descriptions are English; a person sees the translated general message instead.
    return error_response(status, None, None, headers or None)


def handle_csrf_error(exc: CSRFError):
    return error_response(400, CSRF_MESSAGE)


def handle_unexpected(exc: Exception):
    # Flask has already logged the traceback when it reaches here.
    return error_response(500)


def register_error_handlers(app) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    # Unhandled exceptions reach Flask as InternalServerError after being logged;
    # tests run with exceptions propagating, so a bug is never hidden behind a page.
    app.register_error_handler(InternalServerError, handle_unexpected)


# --- for views that show a refusal next to the form ---------------------------------------------------


def flash_refusal(exc: DomainError) -> int:
    """Flash ``exc``'s message for the page shown next and return its status.

    A ``NotFound`` is not something the person can fix on the page: it is raised again, so the
    one mapping answers it.
    """
    if isinstance(exc, NotFound):
        raise exc
    flash(str(exc.message), "error")
    return exc.status


def form_failed(exc: DomainError, template: str, form=None, status: int | None = None, **context):
    """Re-render ``template`` with ``exc``'s message flashed and its field errors on ``form``'s fields.

    The answer's status is ``exc.status`` unless ``status`` is given; ``NotFound`` is raised again.
    """
    refused = flash_refusal(exc)
    if form is not None:
        for name, texts in exc.errors.items():
            field = getattr(form, name, None)
            if field is not None and hasattr(field, "errors"):
                field.errors = [*field.errors, *map(str, texts)]
        context["form"] = form
    return render_template(template, error=exc.message, **context), status or refused
