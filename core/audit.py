"""The audit log: every state change records who did what to which object.

``record`` adds an entry to the current session; it is committed (or rolled back)
together with the change it describes.
"""

from __future__ import annotations

from typing import Any

from flask import g, has_request_context

from core.extensions import db
from core.models import AuditEntry


def request_origin() -> str:
    """The client address of the current request, or ``'cli'`` outside one."""
    if has_request_context():
        return getattr(g, "origin", "") or ""
    return "cli"


def record(action: str, target: Any = None, actor: Any = None, **details: Any) -> AuditEntry:
    """Add an audit entry for ``action`` on ``target`` by ``actor``.

    ``target`` is any model with an ``id`` (or a ``(type, id)`` tuple); ``actor``
    is a user-like object with ``id`` and ``email`` or ``None`` for the system.
    """
    if isinstance(target, tuple):
        object_type, object_id = target
    elif target is not None:
        object_type, object_id = type(target).__name__, target.id
    else:
        object_type, object_id = "", ""
    entry = AuditEntry(
        action=action,
        object_type=object_type,
        object_id="" if object_id is None else str(object_id),
        actor_id=getattr(actor, "id", None),
        actor_label=getattr(actor, "email", "") or ("system" if actor is None else str(actor)),
        origin=request_origin(),
        details={k: _jsonable(v) for k, v in details.items()},
    )
    db.session.add(entry)
    return entry


def _jsonable(value: Any) -> Any:
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return str(value)
