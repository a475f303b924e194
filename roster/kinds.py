"""The kinds of work the roster routes, registered by the packages that own the work.

Consultation registers ``data``, ``metadata``, ``classification`` and
``complaint``; orders register fulfilment.  A shift lists the kinds its
operator serves.
"""

from __future__ import annotations

from core import registry

ROUTING_KINDS: registry.MapSlot[str, object] = registry.MapSlot(
    "roster.routing_kinds",
    "code -> lazy-translated label of a kind of work the roster routes; the package owning the work "
    "registers it (a code once).")


def known_kinds() -> dict[str, object]:
    return ROUTING_KINDS.get()


def kind_label(code: str) -> str:
    label = ROUTING_KINDS.lookup(code)
    return str(label) if label is not None else code
