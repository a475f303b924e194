"""The token owner's own things under ``/api/v1/me``: orders, invoices, download links, consultations.

Reads need the ``orders`` or ``consultations`` scope and show the owner's rows only (another person's
order or consultation answers 404, as on the site). Writes go through the consultation services (the same
rules as the site's forms) and take an ``Idempotency-Key`` (``api/idempotency.py``).
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, g, jsonify
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from api import idempotency
from consultation import services as consultation_services
from consultation.models import SCORE_COLUMNS, ComplaintAbout, RequestKind, Status, Ticket
from core import openapi
from core.errors import NotFound
from core.extensions import db
from orders import delivery
from orders.models import DeliveredFile, Invoice, Order, OrderState
from orders.services import order_number

bp = Blueprint("api_me", __name__, url_prefix="/api/v1/me")


def _owner():
    return g.api_token.user


def _page(query, args) -> tuple[list, dict, dict]:
    page = db.paginate(query, page=args["page"], per_page=args["per_page"], error_out=False)
    members, headers = openapi.paging(page.total, args["page"], args["per_page"])
    return list(page.items), members, headers


def _listed(name: str, rows: list, members: dict, headers: dict):
    response = jsonify(**{name: rows}, **members)
    response.headers.update(headers)
    return response


def _iso(value):
    return value.isoformat() if value else None


# --- orders, invoices, downloads --------------------------------------------------------------------------


class InvoiceSchema(Schema):
    number = fields.String(required=True)
    order = fields.String(required=True, allow_none=True)
    amount = fields.Integer(required=True)
    status = fields.String(required=True)
    billing_code = fields.String(required=True, allow_none=True)
    expires_at = fields.DateTime(required=True)
    closed_at = fields.DateTime(required=True, allow_none=True)


class OrderLineSchema(Schema):
    item_id = fields.Integer(required=True)
    title = fields.String(required=True)
    quantity = fields.Integer(required=True)
    amount = fields.Integer(required=True)


class OrderSchema(Schema):
    number = fields.String(required=True, allow_none=True)
    id = fields.Integer(required=True)
    kind = fields.String(required=True)
    state = fields.String(required=True, validate=validate.OneOf([s.value for s in OrderState]))
    state_label = fields.String(required=True)
    total = fields.Integer(required=True)
    created_at = fields.DateTime(required=True)
    delivered_at = fields.DateTime(required=True, allow_none=True)
    lines = fields.List(fields.Nested(OrderLineSchema), required=True)
    invoice = fields.Nested(InvoiceSchema, required=True, allow_none=True)


class OrderListSchema(openapi.Paging):
    orders = fields.List(fields.Nested(OrderSchema), required=True)


class InvoiceListSchema(openapi.Paging):
    invoices = fields.List(fields.Nested(InvoiceSchema), required=True)


class DownloadSchema(Schema):
    order = fields.String(required=True, allow_none=True)
    filename = fields.String(required=True)
    size = fields.Integer(required=True)
    sha256 = fields.String(required=True)
    expires_at = fields.DateTime(required=True)
    downloads_left = fields.Integer(required=True)
    url = fields.String(required=True, metadata={"description": "Signed link; opening it needs the signed-in "
                                                                "owner's browser session"})


class DownloadListSchema(openapi.Paging):
    downloads = fields.List(fields.Nested(DownloadSchema), required=True)


def _invoice(invoice: Invoice | None) -> dict | None:
    if invoice is None:
        return None
    return {"number": invoice.number, "order": order_number(invoice.order), "amount": invoice.amount,
            "status": invoice.status.value, "billing_code": invoice.billing_code,
            "expires_at": _iso(invoice.expires_at), "closed_at": _iso(invoice.closed_at)}


def _order(order: Order) -> dict:
    return {"number": order_number(order), "id": order.id, "kind": order.kind.value, "state": order.state.value,
            "state_label": str(getattr(order.state, "label", order.state.value)), "total": order.total,
            "created_at": _iso(order.created_at), "delivered_at": _iso(order.delivered_at),
            "lines": [{"item_id": line.item_id, "title": line.title, "quantity": line.quantity,
                       "amount": line.amount} for line in order.lines],
            "invoice": _invoice(order.invoice)}


@bp.get("/orders")
@openapi.operation(summary=_l("My orders and their status, newest first"), tags=["me"], query=openapi.PageQuery,
                   response=OrderListSchema, scope="orders")
def my_orders(query):
    rows, members, headers = _page(sa.select(Order).where(Order.user_id == _owner().id)
                                   .order_by(Order.id.desc()), query)
    return _listed("orders", [_order(order) for order in rows], members, headers)


@bp.get("/orders/<int:order_id>")
@openapi.operation(summary=_l("One of my orders"), tags=["me"], query=openapi.LanguageQuery, response=OrderSchema,
                   scope="orders", etag=True)
def my_order(order_id: int, query):
    order = db.session.get(Order, order_id)
    if order is None or order.user_id != _owner().id:
        raise NotFound()
    return _order(order)


@bp.get("/invoices")
@openapi.operation(summary=_l("My invoices with billing code and expiry, newest first"), tags=["me"],
                   query=openapi.PageQuery, response=InvoiceListSchema, scope="orders")
def my_invoices(query):
    rows, members, headers = _page(sa.select(Invoice).join(Order, Invoice.order_id == Order.id)
                                   .where(Order.user_id == _owner().id).order_by(Invoice.id.desc()), query)
    return _listed("invoices", [_invoice(invoice) for invoice in rows], members, headers)


@bp.get("/downloads")
@openapi.operation(summary=_l("My download links of delivered files, newest first"), tags=["me"],
                   query=openapi.PageQuery, response=DownloadListSchema, scope="orders")
def my_downloads(query):
    owner = _owner()
    rows, members, headers = _page(sa.select(DeliveredFile).join(Order, DeliveredFile.order_id == Order.id)
                                   .where(Order.user_id == owner.id).order_by(DeliveredFile.id.desc()), query)
    listed = [{"order": order_number(row.order), "filename": row.filename, "size": row.size, "sha256": row.sha256,
               "expires_at": _iso(row.expires_at),
               "downloads_left": max(0, row.max_downloads - row.download_count),
               "url": openapi.absolute(f"/orders/download/{delivery.link_token(row, owner.id)}")} for row in rows]
    return _listed("downloads", listed, members, headers)


# --- consultations ------------------------------------------------------------------------------------------

KINDS = [kind.value for kind in RequestKind]
ABOUT = [about.value for about in ComplaintAbout]


class MessageSchema(Schema):
    id = fields.Integer(required=True)
    body = fields.String(required=True)
    from_staff = fields.Boolean(required=True)
    author = fields.String(required=True)
    created_at = fields.DateTime(required=True)


class ConsultationSchema(Schema):
    number = fields.String(required=True)
    url = fields.String(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(KINDS))
    status = fields.String(required=True, validate=validate.OneOf([s.value for s in Status]))
    subject = fields.String(required=True)
    question = fields.String(required=True)
    catalog_item_id = fields.Integer(required=True, allow_none=True)
    submitted_at = fields.DateTime(required=True)
    resolved_at = fields.DateTime(required=True, allow_none=True)
    rated = fields.Boolean(required=True)


class ThreadSchema(ConsultationSchema):
    messages = fields.List(fields.Nested(MessageSchema), required=True)


class ConsultationListSchema(openapi.Paging):
    consultations = fields.List(fields.Nested(ConsultationSchema), required=True)


class OpenConsultation(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(KINDS), metadata={
        "invalid": _l("kind must be one of data, metadata, classification, complaint.")})
    subject = fields.String(required=True, validate=validate.Length(3, 200), metadata={
        "invalid": _l("Give the request a subject of 3 to 200 characters.")})
    question = fields.String(required=True, validate=validate.Length(10, 10000), metadata={
        "invalid": _l("Describe your question in 10 to 10,000 characters.")})
    catalog_item_id = fields.Integer(allow_none=True, validate=validate.Range(1, 2**31 - 1), metadata={
        "invalid": _l("That catalog item does not exist.")})
    complaint_about = fields.String(allow_none=True, validate=validate.OneOf(ABOUT), metadata={
        "invalid": _l("Say what the complaint is about.")})
    complaint_reference = fields.String(validate=validate.Length(max=80), metadata={
        "invalid": _l("A reference is at most 80 characters.")})


class Reply(Schema):
    body = fields.String(required=True, validate=validate.Length(1, 10000), metadata={
        "invalid": _l("Write a message of at most 10,000 characters.")})


class Rating(Schema):
    scores = fields.Dict(keys=fields.String(validate=validate.OneOf(SCORE_COLUMNS)),
                         values=fields.Integer(validate=validate.Range(1, 4)), required=True,
                         metadata={"description": "A score 1-4 for each of: " + ", ".join(SCORE_COLUMNS),
                                   "invalid": _l("Answer every question with a score from 1 to 4.")})
    comment = fields.String(validate=validate.Length(max=2000), metadata={
        "invalid": _l("A comment is at most 2,000 characters.")})


class RatingAnswer(Schema):
    number = fields.String(required=True)
    status = fields.String(required=True)
    scores = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)


def _consultation(ticket: Ticket) -> dict:
    return {"number": ticket.number, "url": openapi.absolute(f"/api/v1/me/consultations/{ticket.number}"),
            "kind": ticket.kind.value, "status": ticket.status.value, "subject": ticket.subject,
            "question": ticket.question, "catalog_item_id": ticket.catalog_item_id,
            "submitted_at": _iso(ticket.submitted_at), "resolved_at": _iso(ticket.resolved_at),
            "rated": ticket.rating is not None}


def _thread(ticket: Ticket) -> dict:
    return {**_consultation(ticket),
            "messages": [{"id": m.id, "body": m.body, "from_staff": m.from_staff,
                          "author": m.author.full_name if m.from_staff else ticket.requester.full_name,
                          "created_at": _iso(m.created_at)} for m in ticket.messages]}


def _own_ticket(number: str) -> Ticket:
    ticket = consultation_services.get_visible(_owner(), number)
    if ticket is None or ticket.requester_id != _owner().id:
        raise NotFound()
    return ticket


@bp.get("/consultations")
@openapi.operation(summary=_l("My consultations and complaints, newest first"), tags=["me"],
                   query=openapi.PageQuery, response=ConsultationListSchema, scope="consultations")
def my_consultations(query):
    rows, members, headers = _page(sa.select(Ticket).where(Ticket.requester_id == _owner().id)
                                   .order_by(Ticket.id.desc()), query)
    return _listed("consultations", [_consultation(ticket) for ticket in rows], members, headers)


@bp.post("/consultations")
@openapi.operation(summary=_l("Open a consultation (or a complaint)"), tags=["me"], body=OpenConsultation,
                   response=ThreadSchema, status=201, scope="consultations", idempotent=True, errors=(422,))
def open_consultation(body):
    def run():
        data = consultation_services.RequestData(
            kind=RequestKind(body["kind"]), subject=body["subject"], question=body["question"],
            catalog_item_id=body.get("catalog_item_id"),
            complaint_about=ComplaintAbout(body["complaint_about"]) if body.get("complaint_about") else None,
            complaint_reference=body.get("complaint_reference", ""))
        ticket = consultation_services.open_request(_owner(), data)
        return idempotency.as_json(_thread(ticket), 201, openapi.absolute(f"/api/v1/me/consultations/{ticket.number}"))

    return idempotency.answer_once(run)


@bp.get("/consultations/<number>")
@openapi.operation(summary=_l("One of my consultations with its messages"), tags=["me"],
                   query=openapi.LanguageQuery, response=ThreadSchema, scope="consultations", etag=True)
def my_consultation(number: str, query):
    return _thread(_own_ticket(number))


@bp.post("/consultations/<number>/messages")
@openapi.operation(summary=_l("Reply in one of my consultations"), tags=["me"], body=Reply, response=ThreadSchema,
                   status=201, scope="consultations", idempotent=True, errors=(409,))
def reply(number: str, body):
    def run():
        ticket = _own_ticket(number)
        consultation_services.reply(_owner(), ticket, body["body"])
        return idempotency.as_json(_thread(ticket), 201)

    return idempotency.answer_once(run)


@bp.post("/consultations/<number>/rating")
@openapi.operation(summary=_l("Rate a resolved consultation (the nine-element survey, once)"), tags=["me"],
                   body=Rating, response=RatingAnswer, status=201, scope="consultations", idempotent=True,
                   errors=(409,))
def rate(number: str, body):
    def run():
        ticket = _own_ticket(number)
        rating = consultation_services.rate(_owner(), ticket, body["scores"], body.get("comment", ""))
        return idempotency.as_json({"number": ticket.number, "status": ticket.status.value,
                                    "scores": {column: getattr(rating, column) for column in SCORE_COLUMNS}}, 201)

    return idempotency.answer_once(run)
