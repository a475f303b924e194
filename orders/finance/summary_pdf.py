"""The period summary for the treasurer's file: invoices by status and the PNBP recap, as PDF."""

from __future__ import annotations

import io
from datetime import date

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from fpdf import FPDF

from core.extensions import db
from core.money import format_rupiah
from orders.documents import latin1
from orders.finance.queries import Filters, invoice_rows
from orders.finance.recap import period_recap


def _line(pdf: FPDF, label: str, value: str, bold: bool = False) -> None:
    pdf.set_font("helvetica", "B" if bold else "", 10)
    pdf.cell(110, 7, latin1(label))
    pdf.cell(0, 7, latin1(value), align="R", new_x="LMARGIN", new_y="NEXT")


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(3)
    pdf.set_font("helvetica", "B", 12)
    pdf.cell(0, 8, latin1(text), new_x="LMARGIN", new_y="NEXT")


def period_summary_pdf(start: date, end: date) -> bytes:
    recap = period_recap(start, end)
    rows = invoice_rows(Filters(start=start, end=end)).order_by(None).subquery()
    by_status = db.session.execute(sa.select(rows.c.status, sa.func.count(), sa.func.sum(rows.c.amount))
                                   .group_by(rows.c.status).order_by(rows.c.status)).all()
    pdf = FPDF(format="A4")
    pdf.set_title(_("Finance summary"))
    pdf.set_creator(current_app.config["STATDESK_SITE_NAME"])
    pdf.add_page()
    pdf.set_font("helvetica", "B", 15)
    pdf.cell(0, 10, latin1(f"{current_app.config['STATDESK_SITE_NAME']} - {_('Finance summary')}"),
             new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 10)
    pdf.cell(0, 7, latin1(_("Period: %(start)s to %(end)s", start=start.isoformat(), end=end.isoformat())),
             new_x="LMARGIN", new_y="NEXT")
    _heading(pdf, _("Invoices issued"))
    for status, count, amount in by_status:
        _line(pdf, f"{status.label} ({count})", format_rupiah(int(amount or 0)))
    _heading(pdf, _("Revenue (PNBP) by product kind"))
    for kind, amount in sorted(recap.revenue_by_product.items()):
        _line(pdf, kind, format_rupiah(amount))
    _heading(pdf, _("Revenue (PNBP) by consumer segment"))
    for segment, amount in sorted(recap.revenue_by_segment.items()):
        _line(pdf, segment, format_rupiah(amount))
    _line(pdf, _("Payments received (%(count)d)", count=recap.payments), format_rupiah(recap.gross), bold=True)
    _line(pdf, _("Refunds approved (%(count)d)", count=recap.refunds), format_rupiah(recap.refunded))
    _line(pdf, _("Net revenue"), format_rupiah(recap.net), bold=True)
    _heading(pdf, _("Services without charge"))
    for kind, products in sorted(recap.uncharged.items()):
        for product, (orders, value) in sorted(products.items()):
            _line(pdf, f"{kind} / {product} ({orders})", format_rupiah(value))
    _line(pdf, _("Revenue forgone (zero-rupiah at tariff)"), format_rupiah(recap.forgone), bold=True)
    buffer = io.BytesIO()
    pdf.output(buffer)
    return buffer.getvalue()
