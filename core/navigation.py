"""Links that packages contribute to role home pages and the header menu, and scripts they add to pages.

A package registers its entries in its ``init_app`` (``register_link(app,
NavLink(...))``); core renders them without knowing the packages, so arrows keep
pointing down.
"""

from __future__ import annotations

from dataclasses import dataclass

from core import registry


@dataclass(frozen=True)
class NavLink:
    role: str
    label: str  # a lazy_gettext string
    endpoint: str
    description: str = ""
    order: int = 100


@dataclass(frozen=True)
class PageScript:
    """Load ``url_for(static_endpoint, filename=filename)`` on the page of ``endpoint``."""

    endpoint: str
    static_endpoint: str
    filename: str


NAV_LINKS: registry.ListSlot[NavLink] = registry.ListSlot(
    "core.nav_links",
    "NavLink entries for role home pages and the header menu; the endpoint belongs to the registering "
    "package (or one below it), shown to users holding ``role``, sorted by ``order``.")

PAGE_SCRIPTS: registry.ListSlot[PageScript] = registry.ListSlot(
    "core.page_scripts",
    "PageScript entries: how an upper package enhances a lower package's page (the helpdesk suggests FAQ "
    "entries on the consultation form) without the lower package knowing it.")


@dataclass(frozen=True)
class FooterLink:
    label: str  # a lazy_gettext string
    endpoint: str
    order: int = 100


FOOTER_LINKS: registry.ListSlot[FooterLink] = registry.ListSlot(
    "core.footer_links",
    "FooterLink entries shown on every page's footer to everyone (help, contact, about, privacy, FAQ), sorted "
    "by ``order``; the endpoint belongs to the registering package (or one below it).")


def footer_links() -> list[FooterLink]:
    return sorted(FOOTER_LINKS.get(), key=lambda link: (link.order, link.endpoint))


ACCOUNT_PAGES: registry.MapSlot[str, str] = registry.MapSlot(
    "core.account_pages",
    "page -> endpoint of the person's own pages that the header and the index page link to: \"home\" (the "
    "signed-in person's home), \"profile\", \"login\", \"logout\" (POST), \"register\".  Filled by accounts.")


@dataclass(frozen=True)
class HeaderCounter:
    """A link in the header with a number beside it for the signed-in person (unread notifications)."""

    label: str  # a lazy_gettext string
    endpoint: str
    count: object  # callable(user) -> int; 0 shows the link without a number


HEADER_COUNTERS: registry.ListSlot[HeaderCounter] = registry.ListSlot(
    "core.header_counters",
    "HeaderCounter entries shown in the header to every signed-in person, with ``count(user)`` beside the "
    "label when it is above zero (the subscriptions' unread notifications).")


def header_counters(user) -> list[tuple[HeaderCounter, int]]:
    return [(counter, counter.count(user)) for counter in HEADER_COUNTERS.get()]


REMEMBER_LANGUAGE: registry.Slot = registry.Slot(
    "core.remember_language",
    "callable(user, code): keep the language a signed-in person chose in the header on their profile, so "
    "that e-mails written later (outside their requests) speak it too.  Filled by accounts; unset: the "
    "choice lasts for the session only.")


def register_link(app, link: NavLink) -> None:
    """Offer ``link`` to its role (the packages' wiring; the same as ``NAV_LINKS.register``)."""
    NAV_LINKS.register(app, link)


def links_for(roles: set[str]) -> list[NavLink]:
    chosen: dict[str, NavLink] = {}  # one entry per page, even when several of the user's roles offer it
    for link in sorted((link for link in NAV_LINKS.get() if link.role in roles),
                       key=lambda link: (link.order, link.endpoint)):
        chosen.setdefault(link.endpoint, link)
    return list(chosen.values())


def page_scripts(endpoint: str | None) -> list[tuple[str, str]]:
    return [(script.static_endpoint, script.filename) for script in PAGE_SCRIPTS.get()
            if script.endpoint == (endpoint or "")]
