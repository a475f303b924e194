"""The kinds of work the roster routes, registered by the packages that own the work.

Consultation registers ``data``, ``metadata``, ``classification`` and
``complaint``; orders will register fulfilment.  A shift lists the kinds its
operator serves.
"""

from __future__ import annotations

from flask import current_app


def register_kind(app, code: str, label) -> None:
    """Make ``code`` routable; ``label`` is a lazy-translated name."""
    app.extensions.setdefault("statdesk_routing_kinds", {})[code] = label


def known_kinds() -> dict[str, object]:
    return dict(current_app.extensions.get("statdesk_routing_kinds", {}))


def kind_label(code: str) -> str:
    label = current_app.extensions.get("statdesk_routing_kinds", {}).get(code)
    return str(label) if label is not None else code
