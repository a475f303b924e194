"""State machines: a table of allowed transitions and the one function that applies it.

Every stateful model (orders, invoices, fulfilment tasks, tickets) declares a
``StateMachine``: a table ``(event, from-state) -> the states that event may lead
to``, a refusal message, and optionally what its audit entry says and what to do
after a move.  ``apply`` refuses (``TransitionError``, HTTP 409, nothing changed,
nothing audited) a move the table does not hold; an allowed move sets the state,
writes exactly one audit entry ``<name>.<event>`` and runs the ``after`` hook.

A machine may also ``guard`` its model attribute: then setting it anywhere but in
``apply``/``start`` raises, so a direct assignment cannot creep back in.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Mapping
from contextvars import ContextVar
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlalchemy import event as sa_event

from core import audit
from core.bulk import insert_returning_ids
from core.errors import Conflict
from core.extensions import db

S = TypeVar("S", bound=enum.Enum)

# The object whose state a machine is setting right now (the guard lets that one set through).
_setting: ContextVar[Any] = ContextVar("statdesk_state_setting", default=None)


class TransitionError(Conflict):
    """A move the state table does not allow; the object is unchanged (HTTP 409)."""


class StateMachine(Generic[S]):
    """The transitions of one model's ``field``; see the module docstring.

    ``refusal(obj, event, target)`` returns the translated message of a refused move;
    ``describe(obj, previous, target)`` the audit details every entry carries (default:
    the object's ``number`` and the two states); ``after(obj, event, previous, target)``
    runs after each move and each start (``previous`` is ``None`` for a start).
    """

    def __init__(self, name: str, field: str, transitions: Mapping[tuple[str, S], Iterable[S]], *,
                 initial: Iterable[S], refusal: Callable[[Any, str, S], str],
                 describe: Callable[[Any, S | None, S], dict] | None = None,
                 after: Callable[[Any, str, S | None, S], None] | None = None):
        self.name = name
        self.field = field
        self.transitions: dict[tuple[str, S], frozenset[S]] = {key: frozenset(targets)
                                                               for key, targets in transitions.items()}
        self.initial = frozenset(initial)
        self.events = frozenset(event for event, _ in self.transitions)
        self._refusal = refusal
        self._describe = describe or _default_description
        self._after = after

    def state_of(self, obj) -> S:
        return getattr(obj, self.field)

    def targets(self, obj, event: str) -> frozenset[S]:
        """The states ``event`` may move ``obj`` to from where it is now (empty: not allowed)."""
        return self.transitions.get((event, self.state_of(obj)), frozenset())

    def can(self, obj, event: str, target: S | None = None) -> bool:
        targets = self.targets(obj, event)
        return bool(targets) if target is None else target in targets

    def apply(self, obj, event: str, target: S, actor=None, **details) -> S:
        """Move ``obj`` to ``target`` by ``event`` if the table allows it; audit once; return the old state."""
        if not self.can(obj, event, target):
            raise TransitionError(self._refusal(obj, event, target))
        previous = self.state_of(obj)
        self._set(obj, target)
        audit.record(f"{self.name}.{event}", obj, actor, **{**self._describe(obj, previous, target), **details})
        if self._after is not None:
            self._after(obj, event, previous, target)
        return previous

    def start(self, obj, target: S, actor=None, event: str = "create", **details) -> None:
        """Give a new (flushed) object its first state and audit its creation as ``<name>.<event>``."""
        if target not in self.initial:
            raise ValueError(f"{self.name} state machine: cannot start in {target}")
        self._set(obj, target)
        audit.record(f"{self.name}.{event}", obj, actor, **{**self._describe(obj, None, target), **details})
        if self._after is not None:
            self._after(obj, event, None, target)

    def insert_history(self, model, rows: list[dict], finished: Iterable[S]) -> list[int]:
        """Insert already finished objects of ``model`` in bulk, each in its ``self.field`` state; return their ids.

        For another system's history (``legacy``): nothing moves, so no transition, per-row audit or ``after``
        hook; a state outside ``finished`` is refused.  The caller audits the import and commits.
        """
        self._check_history(rows, finished)
        if not rows:
            return []
        return insert_returning_ids(model, rows)

    def update_history(self, model, rows: list[dict], finished: Iterable[S]) -> None:
        """Rewrite imported history rows (each with its ``id``) in bulk, under the same rule as ``insert_history``."""
        self._check_history(rows, finished)
        if rows:
            db.session.execute(sa.update(model), rows)

    def _check_history(self, rows: list[dict], finished: Iterable[S]) -> None:
        allowed = {state.value for state in finished}
        for row in rows:
            state = row.get(self.field)
            if getattr(state, "value", state) not in allowed:
                raise ValueError(f"{self.name} state machine: history cannot hold the state {state}")

    def guard(self, attribute) -> None:
        """Refuse every set of the mapped ``attribute`` that does not come from this machine."""
        def refuse_direct_set(target, value, oldvalue, initiator):
            if _setting.get() is not target:
                raise RuntimeError(f"{type(target).__name__}.{self.field} changes only through "
                                   f"the {self.name} state machine's apply")

        sa_event.listen(attribute, "set", refuse_direct_set)

    def _set(self, obj, value: S) -> None:
        token = _setting.set(obj)
        try:
            setattr(obj, self.field, value)
        finally:
            _setting.reset(token)


def _default_description(obj, previous, target) -> dict:
    details = {"number": getattr(obj, "number", None)}
    if previous is not None:
        details["from_state"] = previous.value
    details["to_state"] = target.value
    return details
