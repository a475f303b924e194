"""PDF documents: the invoice (with the amount in words and a QR code of the billing code),
the receipt (kuitansi, the office's acknowledgement that it received the money) and the
data-use agreement (SPPD, surat perjanjian penggunaan data) of a microdata order.

They are generated from the database on request, so they always match the records.
"""

from __future__ import annotations

import io

import qrcode
from flask import current_app
from flask_babel import gettext as _
from fpdf import FPDF

from core.money import format_rupiah, rupiah_in_words
from core.timefmt import format_local
from orders.models import Invoice, Order


def _pdf(title: str) -> FPDF:
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.set_creator(current_app.config["STATDESK_SITE_NAME"])
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.cell(0, 10, latin1(current_app.config["STATDESK_SITE_NAME"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "B", 13)
    pdf.cell(0, 9, latin1(title), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 10)
    return pdf


def latin1(text: str) -> str:
    """The PDF core fonts speak Latin-1; anything else is replaced rather than crashing."""
    return str(text).encode("latin-1", "replace").decode("latin-1")


def _row(pdf: FPDF, label: str, value: str) -> None:
    pdf.set_font("helvetica", "B", 10)
    pdf.cell(55, 7, latin1(label))
    pdf.set_font("helvetica", "", 10)
    pdf.multi_cell(0, 7, latin1(value), new_x="LMARGIN", new_y="NEXT")


def _lines(pdf: FPDF, order: Order) -> None:
    pdf.ln(3)
    for line in order.lines:
        detail = ", ".join(line.options.get("variables", [])) or line.options.get("region", "")
        text = f"{line.quantity} x {line.title}" + (f" ({detail})" if detail else "")
        _row(pdf, format_rupiah(line.amount), text)
    pdf.ln(2)


def _bytes(pdf: FPDF) -> bytes:
    return bytes(pdf.output())


def qr_png(data: str) -> io.BytesIO:
    image = qrcode.make(data)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


def invoice_pdf(invoice: Invoice) -> bytes:
    order = invoice.order
    pdf = _pdf(_("Invoice %(number)s", number=invoice.number))
    _row(pdf, _("Order"), order.number)
    _row(pdf, _("Customer"), f"{order.user.full_name} {order.institution}".strip())
    _row(pdf, _("Issued"), format_local(invoice.created_at))
    _row(pdf, _("Pay before"), format_local(invoice.expires_at))
    _lines(pdf, order)
    _row(pdf, _("Amount due"), format_rupiah(invoice.amount))
    _row(pdf, _("In words"), rupiah_in_words(invoice.amount))
    _row(pdf, _("Status"), invoice.status.label)
    if invoice.billing_code:
        _row(pdf, _("Billing code / VA"), invoice.billing_code)
        pdf.image(qr_png(invoice.billing_code), w=40, h=40)
    elif invoice.hosted_url:
        _row(pdf, _("Pay online"), invoice.hosted_url)
    return _bytes(pdf)


def receipt_pdf(invoice: Invoice) -> bytes:
    payment = invoice.payment
    order = invoice.order
    pdf = _pdf(_("Receipt (kuitansi) for %(number)s", number=invoice.number))
    _row(pdf, _("Received from"), f"{order.user.full_name} {order.institution}".strip())
    _row(pdf, _("Amount"), format_rupiah(payment.amount))
    _row(pdf, _("In words"), rupiah_in_words(payment.amount))
    _row(pdf, _("For"), _("Order %(number)s", number=order.number))
    _lines(pdf, order)
    _row(pdf, _("Paid on"), format_local(payment.paid_at))
    _row(pdf, _("Payment reference"), payment.reference)
    if payment.ntpn:
        _row(pdf, _("NTPN"), payment.ntpn)
    return _bytes(pdf)


def agreement_pdf(order: Order) -> bytes:
    pdf = _pdf(_("Data-use agreement for order %(number)s", number=order.number))
    _row(pdf, _("Data user"), order.user.full_name)
    _row(pdf, _("E-mail"), order.user.email or "")
    _row(pdf, _("Institution"), order.institution or "-")
    _row(pdf, _("Purpose"), order.purpose or "-")
    _lines(pdf, order)
    pdf.ln(2)
    for clause in (
        _("1. The data are used only for the purpose stated above and are not passed on to others."),
        _("2. No attempt is made to identify individual respondents; results are published only in aggregate."),
        _("3. Publications based on the data cite the statistics office as the source."),
        _("4. The data are deleted when the stated purpose has been fulfilled."),
    ):
        pdf.multi_cell(0, 6, latin1(clause), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(8)
    _row(pdf, _("Signature"), "______________________________")
    return _bytes(pdf)
