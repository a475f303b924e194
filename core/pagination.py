"""Pagination that survives whatever a visitor types into ``?page=``.

Flask-SQLAlchemy reads ``page`` from the query string itself and hands any
integer to the database as an OFFSET; a 25-digit page number overflows
SQLite's INTEGER and answers a 500. Every list page goes through here instead.
Lists that are not SQL queries (search) clamp with ``clamp_page``, and lists that
count their rows themselves (finance, with its totals) take a ``window``; both draw
their pager with the ``pager`` macro of ``core/macros.html``.  Lists that fetch a page and count their rows
their own way (the catalog, from indexes and counters) use ``paginate_with``, drawn as ``paginate``'s.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from flask import current_app, request
from flask_sqlalchemy.pagination import Pagination

from core.extensions import db

#: Far beyond any real list; a larger number simply shows the last (empty) page.
MAX_PAGE = 10_000


def requested_page() -> int:
    """The ``page`` query argument as a number between 1 and ``MAX_PAGE``."""
    try:
        page = int(request.args.get("page", "1"))
    except ValueError:
        return 1
    return clamp_page(page)


def clamp_page(page: int) -> int:
    """``page`` brought between 1 and ``MAX_PAGE`` (for lists that read ``page`` themselves, as search does)."""
    return min(max(page, 1), MAX_PAGE)


@dataclass(frozen=True)
class Window:
    """The requested page of a list of ``pages`` pages of ``per_page`` rows."""

    page: int
    pages: int
    per_page: int

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


def window(total: int, per_page: int) -> Window:
    """The requested page of a list whose ``total`` rows the caller has counted already."""
    return Window(requested_page(), max(1, -(-total // per_page)), per_page)


def paginate(query, per_page: int | None = None):
    """One page of ``query`` for the current request."""
    return db.paginate(query, page=requested_page(),
                       per_page=per_page or current_app.config["STATDESK_PAGE_SIZE"],
                       error_out=False)


class _FetchedPage(Pagination):
    """A page whose rows and total come from the caller's functions (``paginate_with``)."""

    def _query_items(self) -> list:
        return self._query_args["fetcher"](self._query_offset, self.per_page)

    def _query_count(self) -> int:
        return self._query_args["counter"]()


def paginate_with(fetch: Callable[[int, int], list], count: Callable[[], int], page: int | None = None,
                  per_page: int | None = None):
    """One page of a list: ``fetch(offset, limit)`` gives its rows and ``count()`` the list's length."""
    return _FetchedPage(page=page or requested_page(), per_page=per_page or current_app.config["STATDESK_PAGE_SIZE"],
                        error_out=False, fetcher=fetch, counter=count)
