"""Sections a higher package adds to a request's detail page for staff (the helpdesk: its forum threads).

The detail page asks ``TICKET_PANELS`` and renders what it gets; it names no
page of the package that fills it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from core import registry


@dataclass(frozen=True)
class TicketPanel:
    """A titled list of links with an optional button; ``dom_id`` is the section's HTML id."""

    dom_id: str
    title: str
    links: list[tuple[str, str]] = field(default_factory=list)  # (text, url)
    action: tuple[str, str] | None = None  # (button text, url)


TICKET_PANELS: registry.ListSlot[Callable[[object], TicketPanel | None]] = registry.ListSlot(
    "consultation.ticket_panels",
    "Callables ``(ticket) -> TicketPanel | None`` asked while a staff member views a request; the panels "
    "appear below the timeline in registration order.")


def panels_for(ticket) -> list[TicketPanel]:
    """The panels for ``ticket``; the caller shows them to staff only."""
    return [panel for make in TICKET_PANELS.get() if (panel := make(ticket)) is not None]
