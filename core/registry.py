"""The one registry through which packages plug into each other: typed slots, declared once.

Arrows point down (``pyproject.toml``'s import-linter layers), yet a lower
package often needs something only a higher one has: the catalog's item page
shows "add to cart" (orders) and "ask about this item" (consultation); the search
page without results points at a consultation form; the roster routes kinds of
work that consultation and orders define.  The lower package declares a *slot*
— a named, documented contract — and the higher package fills it in its
``wiring.init_app``.  The lower package asks the slot and never names the higher
one, not even by an endpoint string.

A slot is declared once, as a module-level constant in the package that owns the
contract (the one that asks)::

    ROUTING_KINDS = registry.MapSlot("roster.routing_kinds", "code -> lazy label of a kind of work ...")

and used with ``register``/``get``::

    ROUTING_KINDS.register(app, "complaint", _l("Complaint"))   # the filling package's wiring
    ROUTING_KINDS.get()                                         # the owner, inside an app context

Three shapes:

- ``Slot``: one value (a backend, a calendar, a policy table); optionally built on
  first use by ``default(app)``;
- ``ListSlot``: values in registration order (navigation links, demo loaders);
- ``MapSlot``: values by key, a key registered once (routing kinds, document sources).

Values live per application (tests build many), all under one key of
``app.extensions``; no module outside this one touches ``app.extensions`` for our
own state (Flask's extensions keep theirs).  ``declared()`` lists every slot, so
a reader (and ``tests/test_layers.py``) sees every seam in one place.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

from flask import current_app

EXTENSION_KEY = "statdesk_registry"

T = TypeVar("T")
K = TypeVar("K", bound=Hashable)

_DECLARED: dict[str, _BaseSlot] = {}
_LOCK = threading.Lock()  # first-use defaults are built once even when two requests ask at once
_UNSET = object()


class _BaseSlot:
    """What every slot has: a unique dotted name (``<owning package>.<what>``) and its contract."""

    def __init__(self, name: str, doc: str):
        if name in _DECLARED:
            raise ValueError(f"a registry slot named {name!r} is already declared")
        if "." not in name:
            raise ValueError(f"a slot name starts with its owning package: {name!r}")
        self.name, self.doc = name, doc
        _DECLARED[name] = self

    @property
    def owner(self) -> str:
        """The package that declares the slot (and asks it)."""
        return self.name.split(".", 1)[0]

    def _values(self, app, empty: Callable[[], object]):
        store = _store(app)
        if self.name not in store:
            store[self.name] = empty()
        return store[self.name]

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"


class Slot(_BaseSlot, Generic[T]):
    """Exactly one value per application.

    ``register`` refuses a second value (two packages claiming one seam is a wiring
    mistake); ``replace`` is for the owner's documented test seams.  Without a
    registered value, ``get`` builds ``default(app)`` once, or raises ``LookupError``.
    """

    def __init__(self, name: str, doc: str, default: Callable[[object], T] | None = None):
        super().__init__(name, doc)
        self.default = default

    def register(self, app, value: T) -> T:
        store = _store(app)
        if store.get(self.name, _UNSET) is not _UNSET:
            raise ValueError(f"slot {self.name!r} already holds a value")
        store[self.name] = value
        return value

    def replace(self, app, value: T) -> T:
        _store(app)[self.name] = value
        return value

    def get(self, app=None) -> T:
        app = _app(app)
        store = _store(app)
        found = store.get(self.name, _UNSET)
        if found is not _UNSET:
            return found
        if self.default is None:
            raise LookupError(f"nothing is registered in slot {self.name!r}")
        with _LOCK:
            found = store.get(self.name, _UNSET)
            if found is _UNSET:
                found = store[self.name] = self.default(app)
        return found

    def is_set(self, app=None) -> bool:
        return _store(_app(app)).get(self.name, _UNSET) is not _UNSET


class ListSlot(_BaseSlot, Generic[T]):
    """Any number of values, kept in registration order (wiring runs in layer order)."""

    def register(self, app, value: T) -> T:
        self._values(app, list).append(value)
        return value

    def get(self, app=None) -> list[T]:
        return list(self._values(_app(app), list))


class MapSlot(_BaseSlot, Generic[K, T]):
    """Values by key; a key is registered once."""

    def register(self, app, key: K, value: T) -> T:
        values = self._values(app, dict)
        if key in values:
            raise ValueError(f"slot {self.name!r} already holds {key!r}")
        values[key] = value
        return value

    def get(self, app=None) -> dict[K, T]:
        return dict(self._values(_app(app), dict))

    def lookup(self, key: K, app=None) -> T | None:
        return self._values(_app(app), dict).get(key)


def declared() -> dict[str, _BaseSlot]:
    """Every slot declared so far (all of them once ``create_app`` has wired the packages), by name."""
    return dict(_DECLARED)


def _store(app) -> dict:
    return app.extensions.setdefault(EXTENSION_KEY, {})


def _app(app):
    return app if app is not None else current_app._get_current_object()
