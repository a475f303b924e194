"""Catalog operations: create, edit, schedule, release, new version, withdraw.

Each operation checks who may do it, validates, changes state, writes an audit
entry, marks the item for the search index and commits once; the release, version
and withdrawal signals are queued with ``core.unit_of_work`` and leave only once
that commit has happened (``catalog.signals``).
What orders ask of the catalog lives in ``catalog.ordering``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from catalog import reference, signals, tariffs
from catalog.models import Access, Item, ItemFile, ItemKind, ItemVersion, ReleaseStatus, TariffKind, Variable
from catalog.permissions import can_edit, edits_all
from core import audit, clock, unit_of_work
from core.errors import Conflict, Invalid, NotFound, Unprocessable
from core.extensions import db
from core.fields import MAX_ID
from core.storage import get_storage
from core.uploads import ATTACHMENTS, ZIP, check_upload
from search_index.indexing import mark_changed

SOURCE = "catalog"
ITEM_FILE_TYPES = ATTACHMENTS | {ZIP}
VARIABLE_TYPES = ("numeric", "string", "date")


class CatalogError(Invalid):
    """What a producer entered breaks a catalog rule."""


@dataclass
class ItemData:
    """What a producer or an import says about an item (validated by ``problems``)."""

    kind: str
    title_id: str
    subject_code: str
    region_code: str
    year: int | None
    unit: str = ""
    title_en: str = ""
    abstract_id: str = ""
    abstract_en: str = ""
    keywords: list[str] = field(default_factory=list)
    reference_period: str = ""
    access: str = "free"
    tariff_kind: str = "none"
    tariff: dict = field(default_factory=dict)
    coverage_region: str = ""
    variables: list[tuple[str, str, str]] = field(default_factory=list)


def problems(data: ItemData) -> list[str]:
    """Every reason ``data`` cannot be stored, translated; empty when it is fine."""
    found = []
    if data.kind not in {k.value for k in ItemKind}:
        found.append(_("Unknown kind %(kind)s.", kind=data.kind))
    if not (3 <= len(data.title_id.strip()) <= 300):
        found.append(_("The Indonesian title needs 3 to 300 characters."))
    if len(data.title_en) > 300:
        found.append(_("The English title may have at most 300 characters."))
    if data.subject_code not in reference.subjects():
        found.append(_("Unknown subject %(code)s.", code=data.subject_code))
    if data.region_code not in reference.regions():
        found.append(_("Unknown region code %(code)s.", code=data.region_code))
    if data.year is None or not (1900 <= data.year <= 2100):
        found.append(_("The year must be between 1900 and 2100."))
    if data.access not in {a.value for a in Access}:
        found.append(_("Unknown access %(access)s.", access=data.access))
    if not data.unit.strip():
        found.append(_("The producing unit is missing."))
    if len(data.unit.strip()) > 120:
        found.append(_("The producing unit may have at most 120 characters."))
    if len(data.reference_period.strip()) > 40:
        found.append(_("The reference period may have at most 40 characters."))
    found.extend(_tariff_problems(data))
    if data.kind == ItemKind.MAP.value and data.coverage_region and data.coverage_region not in reference.regions():
        found.append(_("Unknown coverage region %(code)s.", code=data.coverage_region))
    names = [name for name, _label, _type in data.variables]
    if len(set(names)) != len(names) or any(not name.strip() for name in names):
        found.append(_("Variable names must be present and different."))
    if any(var_type not in VARIABLE_TYPES for _n, _l, var_type in data.variables):
        found.append(_("A variable type is numeric, string or date."))
    if any(len(name.strip()) > 64 or len(label) > 255 for name, label, _t in data.variables):
        found.append(_("A variable name may have at most 64 characters and its label 255."))
    return found


def _tariff_problems(data: ItemData) -> list[str]:
    if data.tariff_kind not in {t.value for t in TariffKind}:
        return [_("Unknown tariff kind %(kind)s.", kind=data.tariff_kind)]
    try:
        tariffs.validated(TariffKind(data.tariff_kind), data.tariff)
    except tariffs.TariffError as exc:
        return [str(exc)]
    if data.access == Access.PAID.value and data.tariff_kind == TariffKind.NONE.value:
        return [_("A paid item needs a tariff.")]
    return []


def _check(data: ItemData) -> None:
    found = problems(data)
    if found:
        raise Unprocessable(" ".join(found))


def _apply(item: Item, data: ItemData) -> None:
    item.kind = ItemKind(data.kind)
    item.title_id, item.title_en = data.title_id.strip(), data.title_en.strip()
    item.abstract_id, item.abstract_en = data.abstract_id.strip(), data.abstract_en.strip()
    item.keywords = [k.strip() for k in data.keywords if k.strip()]
    item.subject_code, item.region_code, item.year = data.subject_code, data.region_code, data.year
    item.reference_period, item.unit = data.reference_period.strip(), data.unit.strip()
    item.access, item.tariff_kind = Access(data.access), TariffKind(data.tariff_kind)
    item.tariff = tariffs.validated(item.tariff_kind, data.tariff)
    item.coverage_region = (data.coverage_region or data.region_code) if item.kind is ItemKind.MAP else ""
    if item.kind is ItemKind.MICRODATA:
        old = {v.name: v for v in item.variables}
        item.variables = [_variable(old.get(name), index, name, label, var_type)
                          for index, (name, label, var_type) in enumerate(data.variables)]


def _variable(existing: Variable | None, position: int, name: str, label: str, var_type: str) -> Variable:
    variable = existing or Variable()
    variable.position, variable.name, variable.label, variable.var_type = position, name.strip(), label, var_type
    return variable


def fetch(item_id: int, lock: bool = False) -> Item | None:
    """The item with this id, or ``None`` (also for an id beyond the column's range, typed into a URL)."""
    if not 0 < item_id <= MAX_ID:
        return None
    return db.session.get(Item, item_id, with_for_update=lock)


def get_editable(actor, item_id: int) -> Item:
    """The item, locked for this transaction, if ``actor`` may change it; 404 otherwise (no hint that it exists).

    The row lock serialises concurrent changes (two new versions never get the same number).
    """
    item = fetch(item_id, lock=True)
    if item is None or not can_edit(actor, item):
        raise NotFound()
    return item


def get_viewable(item_id: int, viewer=None) -> Item:
    """The item as the public may see it; editors also see their drafts. 404 otherwise."""
    item = fetch(item_id)
    if item is None or not (item.is_viewable() or (viewer is not None and can_edit(viewer, item))):
        raise NotFound()
    return item


def create_item(actor, data: ItemData) -> Item:
    if not edits_all(actor):
        data.unit = actor.unit
    _check(data)
    item = Item(version=1, status=ReleaseStatus.DRAFT)
    _apply(item, data)
    item.versions = [ItemVersion(number=1, changelog=_("First version."))]
    db.session.add(item)
    db.session.flush()
    audit.record("catalog.item_created", item, actor, kind=item.kind.value)
    mark_changed(SOURCE, item.id)
    db.session.commit()
    return item


def update_item(actor, item_id: int, data: ItemData) -> Item:
    item = get_editable(actor, item_id)
    if not edits_all(actor):
        data.unit = item.unit
    _check(data)
    _apply(item, data)
    audit.record("catalog.item_updated", item, actor)
    mark_changed(SOURCE, item.id)
    db.session.commit()
    return item


def schedule_release(actor, item_id: int, release_at: datetime) -> Item:
    item = get_editable(actor, item_id)
    if item.status is ReleaseStatus.WITHDRAWN:
        raise Conflict(_("A withdrawn item cannot be scheduled again."))
    if item.is_public():
        raise Conflict(_("This item is already released."))
    if release_at.tzinfo is None:
        raise CatalogError(_("The release time needs a time zone."))
    if release_at <= clock.now():
        return _release(actor, item)
    previous = item.release_at if item.status is ReleaseStatus.SCHEDULED else None
    item.status, item.release_at = ReleaseStatus.SCHEDULED, release_at
    audit.record("catalog.release_scheduled", item, actor, release_at=release_at.isoformat())
    if previous is not None and previous != release_at:
        audit.record("catalog.release_moved", item, actor, previous=previous.isoformat(),
                     release_at=release_at.isoformat())
        unit_of_work.send_after_commit(signals.release_moved, item_id=item.id, previous=previous.isoformat(),
                                       release_at=release_at.isoformat())
    mark_changed(SOURCE, item.id)
    db.session.commit()
    return item


def release_now(actor, item_id: int) -> Item:
    item = get_editable(actor, item_id)
    if item.status is ReleaseStatus.WITHDRAWN or item.status is ReleaseStatus.RELEASED:
        raise Conflict(_("Only a draft or scheduled item can be released."))
    return _release(actor, item)


def _release(actor, item: Item) -> Item:
    if item.release_at is None or item.release_at > clock.now() or item.status is ReleaseStatus.DRAFT:
        item.release_at = clock.now()
    item.status = ReleaseStatus.RELEASED
    audit.record("catalog.item_released", item, actor)
    mark_changed(SOURCE, item.id)
    unit_of_work.send_after_commit(signals.item_released, item_id=item.id)
    db.session.commit()
    return item


def release_due() -> int:
    """Sweep: scheduled items whose time has come become released (and are announced). Idempotent."""
    due = db.session.scalars(sa.select(Item).where(Item.status == ReleaseStatus.SCHEDULED,
                                                   Item.release_at <= clock.now())
                             .with_for_update(skip_locked=True)).all()
    for item in due:
        item.status = ReleaseStatus.RELEASED
        audit.record("catalog.item_released", item, None, scheduled=True)
        mark_changed(SOURCE, item.id)
        unit_of_work.send_after_commit(signals.item_released, item_id=item.id)
    db.session.commit()
    return len(due)


def attach_file(actor, item_id: int, upload) -> ItemFile:
    """Store an uploaded file for the item's current version (checked before anything is stored)."""
    item = get_editable(actor, item_id)
    checked = check_upload(upload, allowed=ITEM_FILE_TYPES)
    stored = get_storage().save(checked.upload.stream, prefix="catalog")
    file = ItemFile(version=item.version, storage_key=stored.key, filename=checked.filename,
                    content_type=checked.content_type, size=stored.size, sha256=stored.sha256)
    item.files.append(file)
    audit.record("catalog.file_added", item, actor, filename=file.filename, sha256=file.sha256)
    mark_changed(SOURCE, item.id)
    try:
        db.session.commit()
    except Exception:
        get_storage().delete(stored.key)
        raise
    return file


def publish_version(actor, item_id: int, changelog: str) -> ItemVersion:
    item = get_editable(actor, item_id)
    changelog = (changelog or "").strip()
    if not (3 <= len(changelog) <= 5000):
        raise Unprocessable(_("Describe what changed in this version (3 to 5000 characters)."))
    if item.status is ReleaseStatus.WITHDRAWN:
        raise Conflict(_("A withdrawn item gets no new version."))
    item.version += 1
    version = ItemVersion(number=item.version, changelog=changelog)
    item.versions.append(version)
    audit.record("catalog.version_published", item, actor, version=item.version)
    mark_changed(SOURCE, item.id)
    if item.is_public():
        unit_of_work.send_after_commit(signals.item_versioned, item_id=item.id, version=item.version)
    db.session.commit()
    return version


def withdraw(actor, item_id: int, reason: str) -> Item:
    item = get_editable(actor, item_id)
    reason = (reason or "").strip()
    if not (5 <= len(reason) <= 2000):
        raise Unprocessable(_("Give the reason for the withdrawal (5 to 2000 characters)."))
    if item.status is ReleaseStatus.WITHDRAWN:
        raise Conflict(_("This item is already withdrawn."))
    item.status, item.withdrawn_reason = ReleaseStatus.WITHDRAWN, reason
    audit.record("catalog.item_withdrawn", item, actor, reason=reason)
    mark_changed(SOURCE, item.id)
    unit_of_work.send_after_commit(signals.item_withdrawn, item_id=item.id, reason=reason)
    db.session.commit()
    return item


def visible_files(item: Item) -> list[ItemFile]:
    """Files the public may download: those of the current version of a public item."""
    if not item.is_public():
        return []
    return [f for f in item.files if f.version == item.version]
