"""After-commit side effects: the one place a service says "once this commits, do X".

A service changes rows and, for anything that must not happen unless those rows
are committed (a Blinker signal to the packages above, a job on the queue, an
index update), queues it here::

    unit_of_work.after_commit(notify, order_id)            # one call
    unit_of_work.send_after_commit(signal, item_id=item.id) # signal.send(app, **payload)
    unit_of_work.collect_after_commit(reindex, ("book", 1)) # one call with every item

E-mails are not queued here: ``core.outbox.queue_email`` adds the message to the
same transaction, which is already exactly "sent if and only if it commits".

The contract, kept by SQLAlchemy session events so no caller has to remember a
special commit:

- Effects run only after the *outermost* transaction commits, once each, in the
  order they were queued.  A collected effect runs once, at the place of its first
  item, with every item (duplicates dropped, first occurrence kept).
- A rollback drops what the rolled-back transaction queued.  A savepoint
  (``begin_nested``) that rolls back drops only what was queued inside it; what the
  outer transaction queued stays.  A session closed without committing (the request
  teardown does that for whatever a view left open) drops everything it queued.
- An effect runs outside the transaction that queued it: the data is committed, the
  session is free, and an effect may read or even commit (what it queues in turn
  runs after the effects already due).
- An effect that raises is logged at ERROR level with its traceback, as
  ``"<name> after commit failed"``, and the remaining effects still run: the
  request that committed has succeeded and must not turn into an error page.  An
  effect whose failure must be repaired (the search index) therefore also leaves a
  trace its owner can check (``flask search verify`` finds what the index missed).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app, has_app_context
from sqlalchemy.orm import Session, SessionTransaction

from core.extensions import db

_QUEUED = "core.unit_of_work.queued"  # [_Effect] of the open transaction
_DUE = "core.unit_of_work.due"  # [_Effect] whose transaction has committed
_COLLECTING = "core.unit_of_work.collecting"  # {(function, owner id): queued collected _Effect}
_RUNNING = "core.unit_of_work.running"

log = logging.getLogger(__name__)


@dataclass
class _Effect:
    owner: SessionTransaction  # the innermost savepoint (or the root) open when it was queued
    name: str
    function: Callable
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    items: list | None = None  # a collected effect: called with this list


def after_commit(function: Callable, *args, name: str | None = None, **kwargs) -> None:
    """Call ``function(*args, **kwargs)`` after the current transaction commits; never if it rolls back."""
    _queue(_Effect(_owner(), name or _name_of(function), function, args, kwargs))


def send_after_commit(signal, **payload) -> None:
    """Send the Blinker ``signal`` with the application as sender and ``payload``, after commit."""
    app = current_app._get_current_object()
    after_commit(signal.send, app, name=f"signal {signal.name}", **payload)


def collect_after_commit(function: Callable[[list], object], item: Hashable, *, name: str | None = None) -> None:
    """Add ``item`` to the list ``function`` is called with, once, after the current transaction commits."""
    owner = _owner()
    collecting = db.session.info.setdefault(_COLLECTING, {})
    effect = collecting.get((function, id(owner)))
    if effect is not None and effect.owner is owner:  # the id of an ended transaction may be reused
        effect.items.append(item)
        return
    effect = collecting[(function, id(owner))] = _Effect(owner, name or _name_of(function), function, items=[item])
    _queue(effect)


def pending() -> list[str]:
    """The names of the effects queued in the open transaction (for tests and debugging)."""
    return [effect.name for effect in db.session.info.get(_QUEUED, ())]


def _name_of(function: Callable) -> str:
    return f"{getattr(function, '__module__', '?')}.{getattr(function, '__qualname__', repr(function))}"


def _owner() -> SessionTransaction:
    session = db.session()
    session.connection()  # begin the transaction now, so that its rollback drops what is queued
    return session.get_nested_transaction() or session.get_transaction()


def _queue(effect: _Effect) -> None:
    db.session.info.setdefault(_QUEUED, []).append(effect)


def _inside(transaction: SessionTransaction | None, boundary: SessionTransaction) -> bool:
    while transaction is not None:
        if transaction is boundary:
            return True
        transaction = transaction.parent
    return False


def _after_commit(session: Session) -> None:
    if session.in_nested_transaction():  # a savepoint released: the outer transaction may still roll back
        return
    session.info.pop(_COLLECTING, None)
    queued = session.info.pop(_QUEUED, None)
    if queued:
        session.info.setdefault(_DUE, []).extend(queued)


def _after_soft_rollback(session: Session, previous: SessionTransaction) -> None:
    if previous.parent is not None and not previous.nested:
        return  # an inner subtransaction (a failed flush): its savepoint or root rolls back on its own
    queued = session.info.get(_QUEUED)
    if queued:
        session.info[_QUEUED] = [effect for effect in queued if not _inside(effect.owner, previous)]
        collecting = session.info.get(_COLLECTING, {})
        for key, effect in list(collecting.items()):
            if _inside(effect.owner, previous):
                del collecting[key]


def _after_transaction_end(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is not None:
        return
    session.info.pop(_QUEUED, None)  # ended without a commit (closed, or rolled back)
    session.info.pop(_COLLECTING, None)
    if session.info.get(_RUNNING):
        return  # an effect committed: its own effects wait behind the ones already due
    session.info[_RUNNING] = True
    try:
        while session.info.get(_DUE):
            _run(session, _merged(session.info.pop(_DUE)))
    finally:
        session.info.pop(_RUNNING, None)


def _merged(effects: list[_Effect]) -> list[_Effect]:
    """Collected effects of savepoints and the root become one call, at the first one's place."""
    first: dict[Callable, _Effect] = {}
    merged = []
    for effect in effects:
        if effect.items is None:
            merged.append(effect)
        elif effect.function in first:
            first[effect.function].items.extend(effect.items)
        else:
            first[effect.function] = effect
            merged.append(effect)
    return merged


def _run(session: Session, effects: list[_Effect]) -> None:
    for effect in effects:
        try:
            if effect.items is None:
                effect.function(*effect.args, **effect.kwargs)
            else:
                effect.function(list(dict.fromkeys(effect.items)))
        except Exception:  # committed already: log, keep going, never fail the request that committed
            (current_app.logger if has_app_context() else log).exception("%s after commit failed", effect.name)
            session.rollback()  # whatever the failed effect left half-done in its own transaction


def listen() -> None:
    """Attach the session hooks (idempotent; called from ``core.wiring``)."""
    for name, hook in (("after_commit", _after_commit), ("after_soft_rollback", _after_soft_rollback),
                       ("after_transaction_end", _after_transaction_end)):
        if not sa.event.contains(Session, name, hook):
            sa.event.listen(Session, name, hook)
