"""PDF documents: the invoice (issuer, lines with their totals, the amount in words, a QR code of the billing
code and how to pay it at each bank and channel), the receipt (kuitansi, the office's acknowledgement that it
received the money, with its own number) and the data-use agreement (SPPD, surat perjanjian penggunaan data)
of a microdata order.

They are generated from the database on request, so they always match the records, in the language of the
person who ordered (their profile's), with DejaVu Sans embedded: a Unicode font shipped by Debian's
``fonts-dejavu-core`` package and found at run time in ``STATDESK_PDF_FONT_DIRS`` (nothing is downloaded).
"""

from __future__ import annotations

import io
import os

import qrcode
from flask import current_app
from flask_babel import force_locale, get_locale
from flask_babel import gettext as _
from fpdf import FPDF

from catalog.reference import region_name
from core.errors import Unavailable
from core.money import format_rupiah, rupiah_in_words, rupiah_in_words_en
from core.timefmt import format_local
from orders import instructions
from orders.models import Invoice, Order

FONT = "DejaVu"
FONT_FILES = {"": "DejaVuSans.ttf", "B": "DejaVuSans-Bold.ttf"}


def font_path(style: str = "") -> str:
    """The DejaVu Sans file for ``style`` ("" or "B") from the first directory that has it."""
    for folder in current_app.config["STATDESK_PDF_FONT_DIRS"].split(":"):
        path = os.path.join(folder.strip(), FONT_FILES[style])
        if folder.strip() and os.path.isfile(path):
            return path
    raise Unavailable(_("The documents cannot be made now: the PDF font is not installed (fonts-dejavu-core)."))


def _pdf(title: str) -> FPDF:
    pdf = FPDF(format="A4")
    for style in FONT_FILES:
        pdf.add_font(FONT, style, font_path(style))
    pdf.set_title(title)
    pdf.set_creator(current_app.config["STATDESK_SITE_NAME"])
    pdf.set_lang(str(get_locale() or "id"))
    pdf.add_page()
    pdf.set_font(FONT, "B", 15)
    pdf.cell(0, 8, current_app.config["STATDESK_OFFICE_NAME"], new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(0, 5, current_app.config["STATDESK_OFFICE_ADDRESS"], new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 5, _("Tax number (NPWP): %(npwp)s", npwp=current_app.config["STATDESK_ISSUER_NPWP"]),
             new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font(FONT, "B", 13)
    pdf.cell(0, 9, title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    return pdf


def latin1(text: str) -> str:
    """For PDFs still written with the core fonts (Latin-1): anything else is replaced rather than crashing."""
    return str(text).encode("latin-1", "replace").decode("latin-1")


def amount_in_words(amount: int, locale: str) -> str:
    return rupiah_in_words_en(amount) if locale == "en" else rupiah_in_words(amount)


def _row(pdf: FPDF, label: str, value: str) -> None:
    pdf.set_font(FONT, "B", 10)
    pdf.cell(55, 7, label)
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(0, 7, value, new_x="LMARGIN", new_y="NEXT")


def line_detail(line) -> str:
    """What the line is of: the chosen variables, or the region by name (and code)."""
    if line.options.get("variables"):
        return ", ".join(line.options["variables"])
    code = line.options.get("region", "")
    if not code:
        return ""
    name = region_name(code)
    return f"{name} ({code})" if name and name != code else code


def _lines(pdf: FPDF, order: Order, locale: str, with_amounts: bool = True) -> None:
    """The order's lines as a table: item, quantity, unit price and line total, then the total."""
    pdf.ln(2)
    widths = (95, 15, 40, 40) if with_amounts else (160, 30)
    heads = (_("Item"), _("Qty"), _("Unit price"), _("Line total")) if with_amounts else (_("Item"), _("Qty"))
    pdf.set_font(FONT, "B", 9)
    for width, head in zip(widths, heads, strict=True):
        pdf.cell(width, 7, head, border="B", align="L" if head == heads[0] else "R")
    pdf.ln()
    pdf.set_font(FONT, "", 9)
    for line in order.lines:
        detail = line_detail(line)
        text = line.title_in(locale) + (f" - {detail}" if detail else "")
        cells = [str(line.quantity)]
        if with_amounts:
            cells += [format_rupiah(line.unit_price), format_rupiah(line.amount)]
        y = pdf.get_y()
        pdf.multi_cell(widths[0], 6, text, new_x="RIGHT", new_y="TOP")
        height = max(pdf.get_y() - y, 6)
        pdf.set_xy(pdf.l_margin + widths[0], y)
        for width, cell in zip(widths[1:], cells, strict=True):
            pdf.cell(width, 6, cell, align="R")
        pdf.set_xy(pdf.l_margin, max(y + height, pdf.get_y() + 6))
    if with_amounts:
        pdf.set_font(FONT, "B", 10)
        pdf.cell(sum(widths[:3]), 8, _("Total"), border="T", align="R")
        pdf.cell(widths[3], 8, format_rupiah(order.total), border="T", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    pdf.ln(2)


def _bytes(pdf: FPDF) -> bytes:
    return bytes(pdf.output())


def qr_png(data: str) -> io.BytesIO:
    image = qrcode.make(data)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    buffer.seek(0)
    return buffer


def _locale(order: Order) -> str:
    return order.user.locale if order.user and order.user.locale in ("id", "en") else \
        current_app.config["BABEL_DEFAULT_LOCALE"]


def receipt_number(invoice: Invoice) -> str:
    """The receipt's own number: one receipt per paid invoice, numbered in the invoice's sequence."""
    return f"KWT/{invoice.year}/{invoice.sequence:06d}"


def invoice_pdf(invoice: Invoice) -> bytes:
    locale = _locale(invoice.order)
    with force_locale(locale):
        return _invoice_pdf(invoice, locale)


def _invoice_pdf(invoice: Invoice, locale: str) -> bytes:
    order = invoice.order
    pdf = _pdf(_("Invoice %(number)s", number=invoice.number))
    _row(pdf, _("Order"), order.number)
    _row(pdf, _("Customer"), f"{order.user.full_name} {order.institution}".strip())
    _row(pdf, _("Issued"), format_local(invoice.created_at))
    _row(pdf, _("Pay before"), format_local(invoice.expires_at))
    _lines(pdf, order, locale)
    _row(pdf, _("Amount due"), format_rupiah(invoice.amount))
    _row(pdf, _("In words"), amount_in_words(invoice.amount, locale))
    _row(pdf, _("Status"), invoice.status.label)
    if invoice.billing_code:
        _row(pdf, _("Billing code / VA"), instructions.grouped_code(invoice.billing_code))
        pdf.image(qr_png(invoice.billing_code), w=35, h=35)
        _payment_steps(pdf, invoice, locale)
    elif invoice.hosted_url:
        _row(pdf, _("Pay online"), invoice.hosted_url)
    return _bytes(pdf)


def _payment_steps(pdf: FPDF, invoice: Invoice, locale: str) -> None:
    pdf.ln(2)
    pdf.set_font(FONT, "B", 12)
    pdf.cell(0, 8, _("How to pay"), new_x="LMARGIN", new_y="NEXT")
    for bank in instructions.for_invoice(invoice, locale):
        pdf.set_font(FONT, "B", 11)
        pdf.cell(0, 7, bank.name, new_x="LMARGIN", new_y="NEXT")
        for channel in bank.channels:
            pdf.set_font(FONT, "B", 9)
            pdf.cell(0, 6, channel.label, new_x="LMARGIN", new_y="NEXT")
            pdf.set_font(FONT, "", 9)
            for number, step in enumerate(channel.steps, 1):
                pdf.multi_cell(0, 5, f"{number}. {step}", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)


def receipt_pdf(invoice: Invoice) -> bytes:
    locale = _locale(invoice.order)
    with force_locale(locale):
        payment = invoice.payment
        order = invoice.order
        pdf = _pdf(_("Receipt (kuitansi) %(number)s", number=receipt_number(invoice)))
        _row(pdf, _("For invoice"), invoice.number)
        _row(pdf, _("Received from"), f"{order.user.full_name} {order.institution}".strip())
        _row(pdf, _("Amount"), format_rupiah(payment.amount))
        _row(pdf, _("In words"), amount_in_words(payment.amount, locale))
        _row(pdf, _("For"), _("Order %(number)s", number=order.number))
        _lines(pdf, order, locale)
        _row(pdf, _("Paid on"), format_local(payment.paid_at))
        _row(pdf, _("Payment reference"), payment.reference)
        if payment.ntpn:
            _row(pdf, _("NTPN"), payment.ntpn)
        return _bytes(pdf)


def agreement_pdf(order: Order) -> bytes:
    locale = _locale(order)
    with force_locale(locale):
        pdf = _pdf(_("Data-use agreement for order %(number)s", number=order.number))
        _row(pdf, _("Data user"), order.user.full_name)
        _row(pdf, _("E-mail"), order.user.email or "")
        _row(pdf, _("Institution"), order.institution or "-")
        _row(pdf, _("Purpose"), order.purpose or "-")
        _lines(pdf, order, locale, with_amounts=False)
        # What this order costs, not the tariff: a zero-rupiah or free order says Rp 0 and why.
        _row(pdf, _("Amount charged"), f"{format_rupiah(order.total)} ({order.kind.label})")
        pdf.ln(2)
        for clause in (
            _("1. The data are used only for the purpose stated above and are not passed on to others."),
            _("2. No attempt is made to identify individual respondents; results are published only in aggregate."),
            _("3. Publications based on the data cite the statistics office as the source."),
            _("4. The data are deleted when the stated purpose has been fulfilled."),
        ):
            pdf.multi_cell(0, 6, clause, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(8)
        _row(pdf, _("Signature"), "______________________________")
        return _bytes(pdf)
