"""The import: read, validate, merge, write in batches, record provenance, checkpoint, reconcile.

``run(source, mapping, dry_run=…)`` imports the entities in ``spec.ENTITIES`` order.
For every batch of rows (``batch_size``):

1. each row is mapped and transformed (``legacy.transforms``); a bad cell rejects the
   row with its file, line, column and reason; a NUL or other control character is
   refused here, on every database, before PostgreSQL could refuse it;
2. references to earlier entities are resolved through ``LegacyRecord`` (the old id
   to the Statdesk id): a row naming an id the source did not import is an orphan;
   a source id that repeats, an order with a second invoice, an invoice with a second
   payment, a number Statdesk already holds are rejected too;
3. consumers with an e-mail Statdesk already holds (an account, or an earlier row of
   the source) are **merged**: the first account stays as it is, the duplicate's
   empty fields fill its blanks, and its old id points at that account (its orders
   and consultations land there).  Merges are listed in the report, not rejected;
4. new rows are inserted in bulk through the owning package's ``history`` service,
   changed rows (their mapped values' digest differs from the last run's) are
   rewritten, unchanged rows are left alone: running the same source again changes
   nothing;
5. the batch's ``LegacyRecord`` rows (source file and line of each row: the audit
   trail), one audit entry for the batch and the run's checkpoint are written and the
   batch commits, all or nothing.  A run that stops resumes after its last committed
   batch when started again with the same source and mapping.

A dry run does all of that inside one transaction and rolls it back at the end:
the report shows exactly what a real run would reject, and nothing is written.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core import audit, clock
from core.bulk import among, insert_rows
from core.extensions import db
from core.input_guard import has_forbidden
from legacy import sources, transforms
from legacy.mapping import EntityMapping, Mapping
from legacy.models import LegacyRecord, LegacyRun
from legacy.spec import ENTITIES, Entity
from legacy.writers import MERGED, EntityWriters, Rejection, Row, month_of
from orders.models import Invoice, Payment

OUTCOMES = {"inserted": _l("inserted"), "updated": _l("updated"), "unchanged": _l("unchanged"),
            "merged": _l("merged"), "rejected": _l("rejected")}


@dataclass
class Outcome:
    """What a run did; ``rejections`` and ``merges`` are streamed to the report writer as they come."""

    run_id: int | None = None
    dry_run: bool = False
    counts: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(lambda: defaultdict(int)))
    source_totals: dict[str, dict[str, list[int]]] = field(default_factory=dict)
    rejected: int = 0
    resumed_from: dict[str, int] = field(default_factory=dict)


class Sink:
    """Where rejections and merges go (the report writer); the default keeps them in lists."""

    def __init__(self):
        self.rejections: list[Rejection] = []
        self.merges: list[Rejection] = []

    def reject(self, rejection: Rejection) -> None:
        self.rejections.append(rejection)

    def merge(self, note: Rejection) -> None:
        self.merges.append(note)


def _digest(values: dict) -> str:
    return hashlib.sha1(json.dumps(values, sort_keys=True, default=str).encode(), usedforsecurity=False).hexdigest()


# -- reading and transforming -------------------------------------------------------------------------

def _transform(entity: Entity, em: EntityMapping, mapping: Mapping, record: dict) -> tuple[dict, list]:
    values, errors = {}, []
    for name, spec in entity.fields.items():
        column = em.columns.get(name, "")
        raw = record.get(column, "") if column else ""
        if isinstance(raw, str):
            if has_forbidden(raw):
                errors.append((column, _("the cell holds control characters (such as a NUL byte)")))
                continue
            raw = raw.strip()
        if raw == "" and name in em.defaults:
            raw = em.defaults[name]
        if raw == "" or raw is None:
            if spec.required:
                errors.append((column or name, _("%(field)s is missing", field=name)))
            values[name] = None
            continue
        try:
            values[name] = _convert(spec, raw, name, em, mapping)
        except transforms.Refused as exc:
            errors.append((column or name, str(exc)))
    return values, errors


def _convert(spec, raw, name: str, em: EntityMapping, mapping: Mapping):
    if spec.kind == "date":
        return transforms.to_date(raw, em.date_formats or mapping.date_formats, mapping.timezone)
    if spec.kind == "amount":
        return transforms.to_amount(raw, mapping.thousands, mapping.decimal)
    if spec.kind == "int":
        return transforms.to_int(raw)
    if spec.kind == "phone":
        return transforms.to_phone(raw)
    if spec.kind == "email":
        return transforms.to_email(raw)
    if spec.kind == "code":
        return transforms.to_code(raw, em.codes.get(name, {}), spec.choices or ())
    text = str(int(raw)) if isinstance(raw, float) and raw.is_integer() else str(raw)
    if spec.max_length and len(text) > spec.max_length:
        raise transforms.Refused(_("%(field)s may have at most %(count)d characters", field=name,
                                   count=spec.max_length))
    return text


# -- the run -------------------------------------------------------------------------------------------

class Importer(EntityWriters):
    def __init__(self, source: Path, mapping: Mapping, *, dry_run: bool = False, actor=None,
                 sink: Sink | None = None, progress: Callable[[int], None] | None = None):
        self.source, self.mapping, self.dry_run, self.actor = Path(source), mapping, dry_run, actor
        self.sink = sink or Sink()
        self.progress = progress or (lambda _n: None)
        self.outcome = Outcome(dry_run=dry_run)
        self.run: LegacyRun | None = None
        self._system_user_id: int | None = None
        self._columns: dict[str, str] = {}

    def files(self) -> dict[str, Path]:
        return {name: sources.resolve(self.source, em.path_and_sheet[0]) for name, em in self.mapping.entities.items()}

    def estimate(self) -> int:
        return sum(sources.estimate(path, self.mapping.entities[name].path_and_sheet[1])
                   for name, path in self.files().items() if path.is_file())

    def execute(self) -> Outcome:
        files = self.files()
        digest = sources.digest([p for p in files.values() if p.is_file()])
        self.run = self._start_run(digest)
        self.outcome.run_id = self.run.id
        try:
            for name, em in self.mapping.entities.items():
                self._import_entity(name, em, files[name])
            self.run.state = "done"
            self.run.finished_at = clock.now()
            self.run.counts = _plain(self.outcome.counts)
            audit.record("legacy.imported", self.run, self.actor, source=self.run.source_name,
                         counts=self.run.counts, rejected=self.outcome.rejected)
            if self.dry_run:
                db.session.rollback()
            else:
                db.session.commit()
        except Exception:
            db.session.rollback()
            if not self.dry_run and self.run is not None:
                _mark_failed(self.run.id)
            raise
        return self.outcome

    def _start_run(self, digest: str) -> LegacyRun:
        if not self.dry_run:
            previous = db.session.scalar(
                sa.select(LegacyRun).where(LegacyRun.source_digest == digest,
                                           LegacyRun.mapping_digest == self.mapping.digest,
                                           LegacyRun.state.in_(("running", "failed")))
                .order_by(LegacyRun.id.desc()).limit(1))
            if previous is not None:
                previous.state = "running"
                self.outcome.resumed_from = dict(previous.checkpoint)
                self.outcome.source_totals = {k: dict(v) for k, v in previous.source_totals.items()}
                for entity, counts in previous.counts.items():
                    self.outcome.counts[entity].update(counts)
                db.session.commit()
                return previous
        run = LegacyRun(source_name=self.source.name[:255], source_digest=digest, mapping_digest=self.mapping.digest,
                        started_by_id=getattr(self.actor, "id", None), checkpoint={}, counts={}, source_totals={})
        db.session.add(run)
        if self.dry_run:
            db.session.flush()
        else:
            db.session.commit()
        return run

    # -- one entity --------------------------------------------------------------------------------------

    def _import_entity(self, name: str, em: EntityMapping, path: Path) -> None:
        done = self.outcome.resumed_from.get(name, 0)
        if done == -1:  # finished in the interrupted run
            return
        relative = em.path_and_sheet[0]
        if name == "items":
            self._import_items(path, relative)
            return
        try:
            missing = [c for c in em.columns.values()
                       if c not in sources.header(path, em.path_and_sheet[1], self.mapping.encoding,
                                                  self.mapping.delimiter)]
        except (OSError, sources.SourceError) as exc:
            self._reject(Rejection(relative, 0, "", str(exc), name))
            return
        if missing:
            for column in missing:
                self._reject(Rejection(relative, 1, column, _("the file has no column %(column)s", column=column),
                                       name))
            return
        batch: list[tuple[int, dict]] = []
        try:
            for line, record in sources.rows(path, em.path_and_sheet[1], self.mapping.encoding,
                                             self.mapping.delimiter):
                if line <= done:
                    self.progress(1)
                    continue
                batch.append((line, record))
                if len(batch) >= self.mapping.batch_size:
                    self._batch(name, em, relative, batch)
                    batch = []
            if batch:
                self._batch(name, em, relative, batch)
        except sources.SourceError as exc:
            self._reject(Rejection(relative, 0, "", str(exc), name))
        self._checkpoint(name, -1)

    def _reject(self, rejection: Rejection) -> None:
        self.outcome.rejected += 1
        self.outcome.counts[rejection.entity]["rejected"] += 1
        self.sink.reject(rejection)

    def _checkpoint(self, name: str, line: int) -> None:
        self.run.checkpoint = {**self.run.checkpoint, name: line}
        self.run.counts = _plain(self.outcome.counts)
        self.run.source_totals = {k: dict(v) for k, v in self.outcome.source_totals.items()}
        if self.dry_run:
            db.session.flush()
        else:
            db.session.commit()

    def _column(self, field_name: str) -> str:
        """The source column of a field, as the report names it."""
        return self._columns.get(field_name, field_name)

    def _batch(self, name: str, em: EntityMapping, relative: str, batch: list[tuple[int, dict]]) -> None:
        entity = ENTITIES[name]
        self._columns = em.columns
        rows: list[Row] = []
        for line, record in batch:
            values, errors = _transform(entity, em, self.mapping, record)
            rows.append(Row(line, values, _digest(values), errors))
        self._link_records(name, rows)
        self._resolve_refs(entity, rows)
        getattr(self, f"_prepare_{name}")(rows, em)
        good = []
        for row in rows:
            if row.errors:
                for column, reason in row.errors:
                    self._reject(Rejection(relative, row.line, column, reason, name))
            else:
                good.append(row)
        getattr(self, f"_write_{name}")(good, em)
        self._record(name, relative, good)
        for row in good:
            self._count_source(name, entity, row)
        self.progress(len(batch))
        audit.record("legacy.batch", self.run, self.actor, entity=name, file=relative, first_line=batch[0][0],
                     last_line=batch[-1][0], accepted=len(good), rejected=len(rows) - len(good))
        self._checkpoint(name, batch[-1][0])

    def _link_records(self, name: str, rows: list[Row]) -> None:
        ids = [r.values.get("source_id") for r in rows if r.values.get("source_id")]
        known = {rec.source_id: rec for rec in db.session.scalars(
            sa.select(LegacyRecord).where(LegacyRecord.entity == name, among(LegacyRecord.source_id, ids)))}
        seen: dict[str, int] = {}
        for row in rows:
            source_id = row.values.get("source_id")
            if not source_id:
                continue
            record = known.get(source_id)
            if source_id in seen or (record is not None and record.run_id == self.run.id and record.line != row.line):
                first = seen.get(source_id) or record.line
                row.errors.append((self._column("source_id"),
                                   _("the id %(id)s repeats that of line %(line)d", id=source_id, line=first)))
                continue
            seen[source_id] = row.line
            row.record = record
            row.target_id = record.target_id if record else None

    def _resolve_refs(self, entity: Entity, rows: list[Row]) -> None:
        for name, spec in entity.fields.items():
            if spec.kind != "ref":
                continue
            wanted = {r.values[name] for r in rows if r.values.get(name)}
            targets = dict(db.session.execute(
                sa.select(LegacyRecord.source_id, LegacyRecord.target_id)
                .where(LegacyRecord.entity == spec.ref, among(LegacyRecord.source_id, wanted))).all())
            taken: dict[int, str] = {}
            if spec.unique:  # who already holds each target (another source row)
                taken = dict(db.session.execute(self._holders(entity, name, set(targets.values()))).all())
            claimed: set[int] = set()
            for row in rows:
                value = row.values.get(name)
                if not value or row.errors:
                    continue
                target = targets.get(value)
                if target is None:
                    row.errors.append((self._column(name),
                                       _("no %(entity)s with the id %(id)s was imported (an orphan row)",
                                         entity=spec.ref, id=value)))
                elif spec.unique and (target in claimed
                                      or taken.get(target, row.values["source_id"]) != row.values["source_id"]):
                    row.errors.append((self._column(name), _("%(entity)s %(id)s already has one; a second is refused",
                                               entity=spec.ref, id=value)))
                else:
                    claimed.add(target)
                    row.values[f"{name}__target"] = target

    def _holders(self, entity: Entity, name: str, target_ids: set[int]):
        """(target of the reference, source id of the row holding it) for the unique references."""
        model, column, entity_name = ((Invoice, Invoice.order_id, "invoices") if name == "order_id"
                                      else (Payment, Payment.invoice_id, "payments"))
        return (sa.select(column, sa.func.coalesce(LegacyRecord.source_id, ""))
                .select_from(model).outerjoin(LegacyRecord, sa.and_(LegacyRecord.entity == entity_name,
                                                                    LegacyRecord.target_id == model.id))
                .where(among(column, target_ids)))

    def _unique_numbers(self, rows: list[Row], column, field_name: str) -> None:
        """Refuse a number Statdesk already holds for another row, or that repeats within the batch."""
        numbers = {r.values[field_name] for r in rows if not r.errors and r.values.get(field_name)}
        holders = dict(db.session.execute(sa.select(column, column.table.c.id).where(among(column, numbers))).all())
        seen = set()
        for row in rows:
            number = row.values.get(field_name)
            if row.errors or not number:
                continue
            holder = holders.get(number)
            if number in seen or (holder is not None and holder != row.target_id):
                row.errors.append((self._column(field_name), _("the number %(number)s is already used", number=number)))
            seen.add(number)

    def _record(self, name: str, relative: str, rows: list[Row]) -> None:
        for row in rows:  # counted first: the bulk update below refreshes the records it rewrites
            if row.record is None:
                outcome = MERGED if row.note == MERGED else "inserted"
            else:
                outcome = "updated" if row.record.digest != row.digest else "unchanged"
            self.outcome.counts[name][outcome] += 1
        new = [{"entity": name, "source_id": r.values["source_id"], "target_id": r.target_id, "digest": r.digest,
                "source_file": relative[:255], "line": r.line, "run_id": self.run.id, "note": r.note}
               for r in rows if r.record is None]
        insert_rows(LegacyRecord, new)
        changed = [{"id": r.record.id, "target_id": r.target_id, "digest": r.digest, "source_file": relative[:255],
                    "line": r.line, "run_id": self.run.id} for r in rows
                   if r.record is not None and (r.record.digest != r.digest or r.record.line != r.line)]
        if changed:
            db.session.execute(sa.update(LegacyRecord), changed)
        db.session.flush()
        db.session.expire_all()  # the bulk updates bypass the identity map: the next batch reads them afresh

    def _count_source(self, name: str, entity: Entity, row: Row) -> None:
        if row.note == MERGED:
            month = MERGED
        elif entity.date:
            month = month_of(row.values[entity.date])
        else:
            month = row.values["__month"]
        totals = self.outcome.source_totals.setdefault(name, {}).setdefault(month, [0, 0])
        totals[0] += 1
        totals[1] += int(row.values.get(entity.money) or 0) if entity.money else 0

    @staticmethod
    def _split(rows: list[Row]) -> tuple[list[Row], list[Row]]:
        """The rows to insert and the rows whose values changed since the last run."""
        return ([r for r in rows if r.record is None and r.target_id is None],
                [r for r in rows if r.record is not None and r.record.digest != r.digest])

def _plain(counts) -> dict:
    return {entity: dict(values) for entity, values in counts.items()}


def _mark_failed(run_id: int) -> None:
    db.session.execute(sa.update(LegacyRun).where(LegacyRun.id == run_id)
                       .values(state="failed", finished_at=clock.now()))
    db.session.commit()
