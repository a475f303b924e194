"""Error pages in the user's language, and JSON errors under ``/api/``."""

from __future__ import annotations

from flask import jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

MESSAGES = {
    400: (_l("Bad request"), _l("The request could not be understood. Check what you entered and try again.")),
    401: (_l("Sign-in required"), _l("Please sign in to continue.")),
    403: (_l("Access denied"), _l("Your account does not have access to this page.")),
    404: (_l("Page not found"), _l("The page you asked for does not exist or is not available to you.")),
    405: (_l("Method not allowed"), _l("This address does not accept that kind of request.")),
    409: (_l("Conflict"), _l("The request conflicts with the current state. Reload the page and try again.")),
    410: (_l("No longer available"), _l("This link is no longer valid.")),
    413: (_l("Too large"), _l("The upload or request is larger than allowed.")),
    422: (_l("Cannot be processed"), _l("The data sent could not be processed.")),
    429: (_l("Too many requests"), _l("You have made too many requests. Please wait a moment and try again.")),
    500: (_l("Server error"), _l("Something went wrong on our side. The problem has been logged.")),
}


def _render(code: int, detail: str | None = None):
    title, message = MESSAGES.get(code, MESSAGES[400 if code < 500 else 500])
    if request.path.startswith("/api/"):
        return jsonify(error={"code": code, "title": str(title), "message": detail or str(message)}), code
    return render_template("errors/error.html", code=code, title=title, message=message, detail=detail), code


def handle_http_exception(exc: HTTPException):
    detail = exc.description if getattr(exc, "statdesk_detail", False) else None
    response = _render(exc.code or 500, detail)
    if exc.code == 429 and getattr(exc, "retry_after", None):
        response[0].headers["Retry-After"] = str(exc.retry_after)
    return response


def handle_csrf_error(exc: CSRFError):
    return _render(400, str(_l("The form has expired or was not sent from this site. Reload the page and try again.")))


def handle_unexpected(exc: Exception):
    # Flask has already logged the traceback when it reaches here.
    return _render(500)


def register_error_handlers(app) -> None:
    app.register_error_handler(CSRFError, handle_csrf_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    # Unhandled exceptions reach Flask as InternalServerError after being logged;
    # tests run with exceptions propagating, so a bug is never hidden behind a page.
    app.register_error_handler(InternalServerError, handle_unexpected)


class UserFacingError(HTTPException):
    """An HTTP error whose description is a translated message for the user."""

    statdesk_detail = True

    def __init__(self, message: str, code: int = 400):
        super().__init__(description=str(message))
        self.code = code
