"""Public reads that live above the catalog: the FAQ (``/api/v1/faq``)."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from marshmallow import Schema, fields, validate

from core import openapi
from core.extensions import db
from helpdesk import faq
from helpdesk.models import CATEGORIES, FaqEntry

bp = Blueprint("api_public", __name__, url_prefix="/api/v1")


class FaqQuery(openapi.PageQuery):
    category = fields.String(validate=validate.OneOf(CATEGORIES), metadata={
        "description": ", ".join(CATEGORIES), "invalid": _l("Unknown FAQ category.")})


class FaqEntrySchema(Schema):
    id = fields.Integer(required=True)
    url = fields.String(required=True)
    category = fields.String(required=True)
    question = fields.String(required=True)
    answer = fields.String(required=True, metadata={"description": "Markdown"})
    updated_at = fields.DateTime(required=True)


class FaqListSchema(openapi.Paging):
    entries = fields.List(fields.Nested(FaqEntrySchema), required=True)


def _entry(entry: FaqEntry) -> dict:
    english = str(get_locale() or "id") == "en"
    return {"id": entry.id, "url": openapi.absolute(f"/faq/{entry.id}"), "category": entry.category,
            "question": (entry.question_en or entry.question_id) if english else entry.question_id,
            "answer": (entry.answer_en or entry.answer_id) if english else entry.answer_id,
            "updated_at": entry.updated_at.isoformat()}


@bp.get("/faq")
@openapi.operation(summary=_l("Published FAQ entries, in the language asked for"), tags=["faq"], query=FaqQuery,
                   response=FaqListSchema, public=True)
def faq_list(query):
    select = sa.select(FaqEntry).where(FaqEntry.published.is_(True))
    if query.get("category"):
        select = select.where(FaqEntry.category == query["category"])
    page = db.paginate(select.order_by(FaqEntry.id), page=query["page"], per_page=query["per_page"], error_out=False)
    members, headers = openapi.paging(page.total, query["page"], query["per_page"])
    response = jsonify(entries=[_entry(entry) for entry in page.items], **members)
    response.headers.update(headers)
    return response


@bp.get("/faq/<int:entry_id>")
@openapi.operation(summary=_l("One published FAQ entry"), tags=["faq"], query=openapi.LanguageQuery,
                   response=FaqEntrySchema, public=True, etag=True)
def faq_entry(entry_id: int, query):
    return _entry(faq.published_entry(entry_id))
