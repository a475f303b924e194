"""How each entity's rows are checked against Statdesk and written: the ``_prepare_<entity>`` and
``_write_<entity>`` steps of ``legacy.engine.Importer`` (a mixin, so that the run and the entities read apart).

``_prepare_*`` adds the row errors that need the database (numbers already used, dates out of order) and looks
up what the writing needs; ``_write_*`` turns the mapped values into the owning package's columns and calls its
``history`` service, inserting new rows and rewriting changed ones.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from flask import current_app, has_request_context
from flask_babel import gettext as _

from accounts import history as accounts_history
from accounts.models import Segment, User
from catalog.models import Item
from consultation import history as consultation_history
from consultation.models import Channel, RequestKind, Status, Ticket
from core.bulk import among
from core.extensions import db
from core.timefmt import local_zone
from legacy.mapping import EntityMapping
from legacy.models import LegacyRecord
from orders import history as orders_history
from orders.models import Invoice, InvoiceStatus, Order, OrderState, Payment, TransactionKind

MERGED = "merged"
NO_CONTACT = "no-contact"


@dataclass
class Rejection:
    file: str
    line: int
    column: str
    reason: str
    entity: str = ""


@dataclass
class Row:
    line: int
    values: dict
    digest: str
    errors: list[tuple[str, str]]
    record: LegacyRecord | None = None
    target_id: int | None = None
    note: str = ""


def month_of(moment) -> str:
    return moment.astimezone(local_zone()).strftime("%Y-%m")


class EntityWriters:
    """The entity steps; ``Importer`` provides ``run``, ``dry_run``, ``sink``, ``outcome``, ``_column``,
    ``_unique_numbers``, ``_split``, ``_reject``, ``_checkpoint`` and ``progress``."""

    # -- consumers ---------------------------------------------------------------------------------------

    def _prepare_consumers(self, rows: list[Row], em: EntityMapping) -> None:
        emails = {r.values["email"] for r in rows if not r.errors and r.values.get("email")}
        holders = dict(db.session.execute(sa.select(User.email, User.id).where(among(User.email, emails))).all())
        first_in_batch: dict[str, Row] = {}
        for row in rows:
            email = row.values.get("email")
            if row.errors or not email:
                continue
            holder = holders.get(email)
            if row.record is not None and row.record.note == MERGED:
                row.note = MERGED
            elif holder is not None and holder != row.target_id:
                row.note, row.target_id = MERGED, holder
            elif email in first_in_batch and row.record is None:
                row.note = MERGED
                row.values["__merge_into"] = first_in_batch[email]
            else:
                first_in_batch[email] = row
            if row.note == "" and em.contact == "never":
                row.note = NO_CONTACT

    def _consumer(self, row: Row) -> dict:
        values = row.values
        return {"email": values["email"], "full_name": values["full_name"], "created_at": values["registered_at"],
                "segment": Segment(values["segment"] or "public"), "institution": values["institution"] or "",
                "phone": values["phone"] or ""}

    def _write_consumers(self, rows: list[Row], em: EntityMapping) -> None:
        new, changed = self._split([r for r in rows if r.note != MERGED])
        ids = accounts_history.insert_consumers([self._consumer(r) for r in new])
        for row, user_id in zip(new, ids, strict=True):
            row.target_id = user_id
        accounts_history.update_consumers([{"id": r.target_id, **self._consumer(r)} for r in changed
                                           if r.target_id is not None])
        for row in rows:
            if row.note != MERGED:
                continue
            into = row.values.pop("__merge_into", None)
            if into is not None:
                row.target_id = into.target_id
            if row.record is None or row.record.digest != row.digest:
                accounts_history.fill_blanks(row.target_id, self._consumer(row))
                self.sink.merge(Rejection(em.path_and_sheet[0], row.line, "email",
                                          _("merged into the account of %(email)s", email=row.values["email"]),
                                          "consumers"))
        if em.contact == "invite" and new:
            self._invite([r.target_id for r in new if r.values.get("email")])

    def _invite(self, user_ids: list[int]) -> None:
        if has_request_context():
            accounts_history.invite(user_ids)
            return
        with current_app.test_request_context(base_url=current_app.config["STATDESK_BASE_URL"]):
            accounts_history.invite(user_ids)

    # -- consultations and messages ----------------------------------------------------------------------

    def _prepare_consultations(self, rows: list[Row], em: EntityMapping) -> None:
        for row in rows:
            if not row.errors and not row.values.get("number"):
                row.values["number"] = f"L-{row.values['source_id']}"[:20]
            closed, submitted = row.values.get("closed_at"), row.values.get("submitted_at")
            if closed and submitted and closed < submitted:
                row.errors.append((self._column("closed_at"), _("closed before it was submitted")))
        self._unique_numbers(rows, Ticket.number, "number")

    def _ticket(self, row: Row) -> dict:
        values = row.values
        closed = values["closed_at"] or values["submitted_at"]
        kind = RequestKind(values["kind"])
        return {"number": values["number"], "kind": kind, "channel": Channel(values["channel"] or "web"),
                "status": Status(values["status"] or "closed"), "subject": values["subject"],
                "question": values["question"], "requester_id": values["consumer_id__target"],
                "submitted_at": values["submitted_at"], "created_at": values["submitted_at"],
                "first_response_at": None, "resolved_at": closed, "closed_at": closed, "round": 1}

    def _write_consultations(self, rows: list[Row], em: EntityMapping) -> None:
        new, changed = self._split(rows)
        for row, ticket_id in zip(new, consultation_history.insert_tickets([self._ticket(r) for r in new]),
                                  strict=True):
            row.target_id = ticket_id
        consultation_history.update_tickets([{"id": r.target_id, **self._ticket(r)} for r in changed])

    def _prepare_messages(self, rows: list[Row], em: EntityMapping) -> None:
        tickets = {r.values.get("consultation_id__target") for r in rows}
        requesters = dict(db.session.execute(sa.select(Ticket.id, Ticket.requester_id)
                                             .where(among(Ticket.id, tickets - {None}))).all())
        for row in rows:
            if not row.errors:
                row.values["__requester"] = requesters[row.values["consultation_id__target"]]

    def _message(self, row: Row) -> dict:
        staff = row.values["author"] == "staff"
        return {"ticket_id": row.values["consultation_id__target"], "body": row.values["body"], "from_staff": staff,
                "author_id": self._system_user() if staff else row.values["__requester"],
                "created_at": row.values["sent_at"]}

    def _system_user(self) -> int:
        """The author of the old system's staff replies: one inactive account, found again by later runs."""
        if self._system_user_id is None:
            record = db.session.scalar(sa.select(LegacyRecord).where(LegacyRecord.entity == "system",
                                                                     LegacyRecord.source_id == "staff"))
            if record is None:
                user = User(full_name=_("Staff of the previous system"), active=False)
                db.session.add(user)
                db.session.flush()
                db.session.add(LegacyRecord(entity="system", source_id="staff", target_id=user.id, digest="",
                                            source_file="", line=0, run_id=self.run.id))
                db.session.flush()
                self._system_user_id = user.id
            else:
                self._system_user_id = record.target_id
        return self._system_user_id

    def _write_messages(self, rows: list[Row], em: EntityMapping) -> None:
        new, changed = self._split(rows)
        for row, message_id in zip(new, consultation_history.insert_messages([self._message(r) for r in new]),
                                   strict=True):
            row.target_id = message_id
        consultation_history.update_messages([{"id": r.target_id, **self._message(r)} for r in changed])

    # -- orders, lines, invoices, payments ---------------------------------------------------------------

    def _prepare_orders(self, rows: list[Row], em: EntityMapping) -> None:
        self._unique_numbers(rows, Order.number, "number")

    def _order(self, row: Row) -> dict:
        values = row.values
        return {"number": values["number"], "user_id": values["consumer_id__target"],
                "kind": TransactionKind(values["kind"]), "state": OrderState(values["state"]),
                "total": values["total"], "segment": values["segment"] or "",
                "institution": values["institution"] or "", "purpose": values["purpose"] or "",
                "created_at": values["placed_at"]}

    def _write_orders(self, rows: list[Row], em: EntityMapping) -> None:
        new, changed = self._split(rows)
        for row, order_id in zip(new, orders_history.insert_orders([self._order(r) for r in new]), strict=True):
            row.target_id = order_id
        orders_history.update_orders([{"id": r.target_id, **self._order(r)} for r in changed])

    def _prepare_order_lines(self, rows: list[Row], em: EntityMapping) -> None:
        refs = {r.values["item_ref"] for r in rows if r.values.get("item_ref")}
        items = (dict(db.session.execute(sa.select(Item.ref, Item.id).where(among(Item.ref, refs))).all())
                 if refs else {})
        orders = {r.values.get("order_id__target") for r in rows} - {None}
        placed = dict(db.session.execute(sa.select(Order.id, Order.created_at).where(among(Order.id, orders))).all())
        for row in rows:
            if row.errors:
                continue
            row.values["__item"] = items.get(row.values.get("item_ref") or "", 0)
            row.values["__month"] = month_of(placed[row.values["order_id__target"]])

    def _line(self, row: Row) -> dict:
        values = row.values
        quantity = values["quantity"] or 1
        unit_price = values["unit_price"] if values["unit_price"] is not None else values["amount"] // quantity
        return {"order_id": values["order_id__target"], "item_id": values["__item"], "item_kind": values["item_kind"],
                "title": values["title"], "quantity": quantity,
                "unit_price": unit_price,
                "amount": values["amount"], "options": {}, "needs_preparation": False}

    def _write_order_lines(self, rows: list[Row], em: EntityMapping) -> None:
        new, changed = self._split(rows)
        for row, line_id in zip(new, orders_history.insert_lines([self._line(r) for r in new]), strict=True):
            row.target_id = line_id
        orders_history.update_lines([{"id": r.target_id, **self._line(r)} for r in changed])

    def _prepare_invoices(self, rows: list[Row], em: EntityMapping) -> None:
        for row in rows:
            if not row.errors and row.values["amount"] <= 0:
                row.errors.append((self._column("amount"), _("an invoice is for more than zero rupiah")))
        self._unique_numbers(rows, Invoice.number, "number")

    def _invoice(self, row: Row) -> dict:
        values = row.values
        return {"order_id": values["order_id__target"], "number": values["number"], "amount": values["amount"],
                "status": InvoiceStatus(values["status"]), "created_at": values["issued_at"],
                "amount_received": values["amount"] if values["status"] in ("paid", "refunded") else 0}

    def _write_invoices(self, rows: list[Row], em: EntityMapping) -> None:
        new, changed = self._split(rows)
        for row, invoice_id in zip(new, orders_history.insert_invoices([self._invoice(r) for r in new]), strict=True):
            row.target_id = invoice_id
        orders_history.update_invoices([{"id": r.target_id, **self._invoice(r)} for r in changed])

    def _prepare_payments(self, rows: list[Row], em: EntityMapping) -> None:
        for row in rows:
            if not row.errors and not row.values.get("reference"):
                row.values["reference"] = f"legacy:{row.values['source_id']}"
        self._unique_numbers(rows, Payment.reference, "reference")

    def _payment(self, row: Row) -> dict:
        values = row.values
        return {"invoice_id": values["invoice_id__target"], "reference": values["reference"],
                "amount": values["amount"], "ntpn": values["ntpn"] or "", "source": values["method"] or "other",
                "paid_at": values["paid_at"]}

    def _write_payments(self, rows: list[Row], em: EntityMapping) -> None:
        new, changed = self._split(rows)
        for row, payment_id in zip(new, orders_history.insert_payments([self._payment(r) for r in new]), strict=True):
            row.target_id = payment_id
        orders_history.update_payments([{"id": r.target_id, **self._payment(r)} for r in changed])

    # -- catalog items (the catalog importer's own columns) ---------------------------------------------

    def _import_items(self, path: Path, relative: str) -> None:
        from catalog import importer

        try:
            records = importer.read_rows(path)
        except (OSError, ValueError) as exc:
            self._reject(Rejection(relative, 0, "", str(exc), "items"))
            return
        known = set(db.session.scalars(sa.select(Item.ref).where(Item.ref.is_not(None))))
        good = []
        for line, record in records:
            ref = str(record.get("ref") or "").strip()
            self.progress(1)
            if ref and ref in known:
                self.outcome.counts["items"]["unchanged"] += 1
                continue
            row = importer.parse(line, record, known, path.parent)
            known.add(row.ref)
            if row.errors:
                for reason in row.errors:
                    self._reject(Rejection(relative, line, "", reason, "items"))
            else:
                good.append(row)
        if good:
            importer.insert(good, store_files=not self.dry_run)
            self.outcome.counts["items"]["inserted"] += len(good)
        self._checkpoint("items", -1)
