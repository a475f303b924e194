"""Operations on cubes: publish a version from a checked draft, read versions and selections.

**Versions are immutable once released.** While a table item is a draft (never scheduled or
released) its one version may be replaced by a new upload.  Once the item is scheduled,
released or withdrawn, every upload makes a new version ``n + 1`` with a changelog; cells whose
figure, symbol or footnote differs from version ``n`` are marked revised; earlier versions stay
readable by number.  Nothing here updates a stored cell: ``publish`` only inserts (or, for a
draft item's unreleased version, deletes and inserts), and an ORM update of a version or a cell
is refused outright (``_refuse_update``).
"""

from __future__ import annotations

import itertools
import weakref
from collections import OrderedDict
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy import event, orm

from catalog import services as catalog_services
from catalog.models import Item, ItemKind, ReleaseStatus
from catalog.tables import store
from catalog.tables.cube import Cell, Draft, Pivot, Selection, Structure, cell_columns, pivot, selection_offsets
from catalog.tables.formats import Extract, subset
from catalog.tables.models import CubeChunk, CubeVersion
from core import audit, cycles
from core.errors import Conflict, NotFound, Unprocessable
from core.extensions import db
from search_index.indexing import mark_changed


class ImmutableVersion(Conflict):
    """A released version's cells and structure never change."""


@event.listens_for(CubeVersion, "before_update")
@event.listens_for(CubeChunk, "before_update")
def _refuse_update(_mapper, _connection, target) -> None:
    raise ImmutableVersion(_("A published version of a table cannot be changed; publish a new version."))


def is_frozen(item: Item) -> bool:
    """Whether the item's cube versions are released (the item was ever scheduled or made public)."""
    return item.status is not ReleaseStatus.DRAFT


@dataclass(frozen=True)
class Loaded:
    version: CubeVersion
    structure: Structure


# Decoded structures by version id, per database engine.  A version row never changes and its id is
# never given to another version (models), so an entry is valid as long as the process runs.
_STRUCTURES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()
STRUCTURES_KEPT = 256


def _structure(version: CubeVersion) -> Structure:
    kept = _STRUCTURES.setdefault(db.engine, OrderedDict())
    structure = kept.get(version.id)
    if structure is None:
        structure = kept[version.id] = Structure.from_json(version.structure)
        while len(kept) > STRUCTURES_KEPT:
            kept.popitem(last=False)
    return structure


def _versions():
    # the structure is read only when this process has not decoded it yet (``_structure``)
    return sa.select(CubeVersion).options(orm.defer(CubeVersion.structure))


def versions(item_id: int) -> list[CubeVersion]:
    return list(db.session.scalars(_versions().where(CubeVersion.item_id == item_id)
                                   .order_by(CubeVersion.number.desc())))


def load(item_id: int, number: int | None = None) -> Loaded | None:
    """The latest version of the item's cube (or version ``number``), or None."""
    query = _versions().where(CubeVersion.item_id == item_id)
    query = query.where(CubeVersion.number == number) if number else query.order_by(CubeVersion.number.desc())
    version = db.session.scalars(query.limit(1)).first()
    return Loaded(version, _structure(version)) if version else None


def choose(found: list[CubeVersion], number: int | None = None) -> Loaded:
    """Version ``number`` (the latest for None) among ``found`` (``versions``' list), or NotFound."""
    version = found[0] if found and number is None else next((v for v in found if v.number == number), None)
    if version is None:
        raise NotFound(_("This table has no data yet.") if number is None else
                       _("This table has no version %(n)s.", n=number))
    return Loaded(version, _structure(version))


def require(item_id: int, number: int | None = None) -> Loaded:
    loaded = load(item_id, number)
    if loaded is None:
        raise NotFound(_("This table has no data yet.") if number is None else
                       _("This table has no version %(n)s.", n=number))
    return loaded


def select(loaded: Loaded, selection: Selection) -> dict[tuple[str, ...], Cell]:
    """The stored cells of ``selection`` by their full code tuple."""
    offsets = selection_offsets(loaded.structure, selection)
    with cycles.paused():  # thousands of cells and keys, no cycles (core.cycles)
        cells = store.read_cells(loaded.version.id, offsets)
        # offsets run in the row-major order of the chosen codes, as the product of the chosen lists does
        keys = itertools.product(*(selection.chosen[d.code] for d in loaded.structure.dimensions))
        if None in cells:
            return {codes: cell for codes, cell in zip(keys, cells, strict=True) if cell is not None}
        return dict(zip(keys, cells, strict=True))


def table_of(loaded: Loaded, selection: Selection) -> Pivot:
    return pivot(loaded.structure, selection, select(loaded, selection))


def extract(item: Item, loaded: Loaded, selection: Selection, locale: str, link: str = "") -> Extract:
    return Extract(subset(loaded.structure, selection), select(loaded, selection), item.title(locale), locale,
                   loaded.version.number, loaded.version.created_at, link, loaded.version.changelog)


def last_modified(loaded: Loaded) -> datetime:
    return loaded.version.created_at


def publish(actor, item_id: int, draft: Draft, changelog: str = "") -> CubeVersion:
    """Store ``draft`` as the item's data; see the module docstring for when this makes a new version.

    ``actor`` None is the command line (``flask catalog tables import``), which may change any item.
    """
    if actor is None:  # the command line: the operator of the installation
        item = catalog_services.fetch(item_id, lock=True)
        if item is None:
            raise NotFound()
    else:
        item = catalog_services.get_editable(actor, item_id)
    if item.kind is not ItemKind.TABLE:
        raise Conflict(_("Only a table item holds table data."))
    if not draft.ok:
        raise Unprocessable(_("The upload has %(n)s problems; nothing was stored.", n=len(draft.problems)))
    current = load(item.id)
    changelog = (changelog or "").strip()
    if current is not None and is_frozen(item):
        if not 3 <= len(changelog) <= 5000:
            raise Unprocessable(_("Describe what changed in this version (3 to 5000 characters)."),
                                errors={"changelog": [_("Describe what changed in this version.")]})
        number = current.version.number + 1
        positions, values, marks = cell_columns(draft.structure, _mark_revised(current, draft))
    else:
        number = 1
        positions, values, marks = draft.stored_form()
        if current is not None:
            db.session.execute(sa.delete(CubeChunk).where(CubeChunk.version_id == current.version.id))
            db.session.execute(sa.delete(CubeVersion).where(CubeVersion.id == current.version.id))
        changelog = changelog or _("First version.")
    version = CubeVersion(item_id=item.id, number=number, changelog=changelog[:5000],
                          structure=draft.structure.to_json(), cell_count=len(positions),
                          revised_count=sum(1 for mark in marks.values() if mark[2]))
    db.session.add(version)
    db.session.flush()
    store.write(version.id, positions, values, marks)
    audit.record("catalog.table_version_published", item, actor, version=number, cells=len(positions),
                 revised=version.revised_count)
    mark_changed(catalog_services.SOURCE, item.id)
    db.session.commit()
    return version


def _mark_revised(current: Loaded, draft: Draft) -> dict[tuple[str, ...], Cell]:
    """The draft's cells, each marked revised where version n held a different figure at the same codes."""
    before = store.cells_by_codes(current.structure, store.all_cells(current.version.id))
    marked = {}
    for codes, cell in draft.cells.items():
        old = before.get(codes)
        changed = old is not None and not cell.same_figure(old)
        marked[codes] = Cell(cell.value, cell.symbol, cell.note, changed)
    return marked
