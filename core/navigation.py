"""Links that packages contribute to role home pages and the header menu.

A package registers its entries in its ``init_app``; core renders them without
knowing the packages, so arrows keep pointing down.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app


@dataclass(frozen=True)
class NavLink:
    role: str
    label: str  # a lazy_gettext string
    endpoint: str
    description: str = ""
    order: int = 100


def register_link(app, link: NavLink) -> None:
    app.extensions.setdefault("statdesk_nav", []).append(link)


def links_for(roles: set[str]) -> list[NavLink]:
    links = current_app.extensions.get("statdesk_nav", [])
    chosen: dict[str, NavLink] = {}  # one entry per page, even when several of the user's roles offer it
    for link in sorted((link for link in links if link.role in roles), key=lambda link: (link.order, link.endpoint)):
        chosen.setdefault(link.endpoint, link)
    return list(chosen.values())


def register_page_script(app, endpoint: str, static_endpoint: str, filename: str) -> None:
    """Load ``url_for(static_endpoint, filename=filename)`` on the page of ``endpoint``.

    How an upper package enhances a lower package's page (the helpdesk suggests FAQ
    entries on the consultation form) without the lower package knowing it.
    """
    app.extensions.setdefault("statdesk_page_scripts", {}).setdefault(endpoint, []).append(
        (static_endpoint, filename))


def page_scripts(endpoint: str | None) -> list[tuple[str, str]]:
    return list(current_app.extensions.get("statdesk_page_scripts", {}).get(endpoint or "", []))
