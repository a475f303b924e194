"""Which answers a browser or a shared cache may keep, for every page of every package.

One ``after_request`` decides, so no view has to remember it:

- An anonymous ``GET``/``HEAD`` of an HTML page that answered 200 and wrote nothing personal into it gets
  a strong ``ETag`` (the body's hash), ``Cache-Control: public`` with ``max-age`` of
  ``STATDESK_PAGE_MAX_AGE`` (0: ``no-cache``, every reuse revalidated) and ``Vary: Accept-Language,
  Cookie``: the language of such a page comes from ``Accept-Language`` or from the session cookie, and a
  cookie may be a signed-in one, so a cache never hands one language's or one person's page to another.
  ``If-None-Match`` with the same tag is answered ``304 Not Modified`` without the body.
- "Personal" is: someone is signed in (session or remember cookie, or an API token), the request carried an
  ``Authorization`` header, the session changed (a flash message shown, the language chosen by
  ``?lang=``), a CSRF token was put in the page (any form), or the answer sets a cookie.  Such an answer,
  like every answer to a signed-in person, gets ``Cache-Control: private, no-store`` unless its view chose a
  policy; a view's ``public`` choice to a signed-in person is made ``private``.
- Static files are left to ``core.static_assets``; non-HTML anonymous answers keep what their view set.
"""

from __future__ import annotations

from flask import Flask, current_app, g, request, session
from flask_login import current_user

from core.static_assets import is_static_endpoint

CACHEABLE_METHODS = ("GET", "HEAD")


def _personal(response) -> bool:
    if "Authorization" in request.headers or "Set-Cookie" in response.headers:
        return True
    if session.modified or g.get(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")):
        return True
    return bool(current_user and current_user.is_authenticated)


def _signed_in() -> bool:
    """Whether a person is signed in, without loading anybody when nothing loaded the user yet."""
    if "_login_user" not in g and "Authorization" not in request.headers and not request.cookies:
        return False
    return bool(current_user and current_user.is_authenticated)


def _shareable(response) -> bool:
    return (request.method in CACHEABLE_METHODS and response.status_code == 200
            and response.mimetype == "text/html" and not response.is_streamed
            and "Cache-Control" not in response.headers)


def _cache_policy(response):
    if is_static_endpoint(request.endpoint):
        return response
    if _shareable(response) and not _personal(response):
        max_age = current_app.config["STATDESK_PAGE_MAX_AGE"]
        response.cache_control.public = True
        if max_age > 0:
            response.cache_control.max_age = max_age
        else:
            response.cache_control.no_cache = True
        response.vary.update(("Accept-Language", "Cookie"))
        response.add_etag()
        return response.make_conditional(request)
    if "Cache-Control" not in response.headers:
        personal_page = response.mimetype == "text/html" and request.method in CACHEABLE_METHODS
        if (personal_page and _personal(response)) or _signed_in():
            response.headers["Cache-Control"] = "private, no-store"
    elif response.cache_control.public and _signed_in():
        response.cache_control.public = None
        response.cache_control.private = True
    return response


def init_app(app: Flask) -> None:
    app.after_request(_cache_policy)
