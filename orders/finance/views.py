"""The finance console: lists with filters and totals, exports, recap, statements, refunds.

Finance and administrators may look; only finance changes anything (statements and
refunds).  Everyone else gets 403, and anonymous visitors the login page.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from core import clock, spreadsheets
from core.errors import Invalid
from core.extensions import db
from core.forms import submitted
from core.pagination import window
from core.permissions import roles_required
from core.timefmt import to_local
from orders.finance import exports, queries, recap, refunds, statements
from orders.finance.forms import DecisionForm, RefundForm, StatementForm
from orders.finance.models import BankStatement, RefundRequest, RefundStatus
from orders.finance.summary_pdf import period_summary_pdf
from orders.models import Invoice, InvoiceStatus, TransactionKind

bp = Blueprint("finance", __name__, url_prefix="/finance")
VIEWERS = ("finance", "admin")
NO_STORE = {"Cache-Control": "no-store"}
PER_PAGE = 50
LISTS = {
    "invoices": (queries.invoice_rows, queries.invoice_totals, queries.INVOICE_COLUMNS),
    "payments": (queries.payment_rows, queries.payment_totals, queries.PAYMENT_COLUMNS),
}


def _list(name: str):
    rows_of, totals_of, columns = LISTS[name]
    filters = queries.parse_filters(request.args)
    totals = totals_of(db.session, filters)
    shown = window(totals.count, per_page=PER_PAGE)
    rows = db.session.execute(rows_of(filters).limit(shown.per_page).offset(shown.offset)).all()
    return render_template(f"orders/finance/{name}.html", rows=rows, totals=totals, filters=filters,
                           args=filters.as_args(), columns=columns, page=shown.page,
                           pages=shown.pages, statuses=list(InvoiceStatus),
                           kinds=list(TransactionKind), products=queries.PRODUCT_KINDS,
                           providers=queries.PROVIDERS), 200, NO_STORE


def _export(name: str, fmt: str):
    rows_of, _totals, columns = LISTS[name]
    filters = queries.parse_filters(request.args)
    stamp = to_local(clock.now()).strftime("%Y%m%d-%H%M")
    filename = f"statdesk-{name}-{stamp}.{fmt}"
    headers = {"Content-Disposition": f'attachment; filename="{filename}"', **NO_STORE}
    if fmt == "csv":
        query = rows_of(filters)
        body = exports.in_app_context(current_app._get_current_object(),
                                      spreadsheets.csv_chunks(columns, exports.rows_of(query)))
        return Response(body, mimetype=spreadsheets.CSV_MEDIA_TYPE, headers=headers)
    path = spreadsheets.xlsx_file(columns, exports.rows_of(rows_of(filters)), sheet=name)
    return Response(exports.stream_file(path), headers=headers, mimetype=spreadsheets.XLSX_MEDIA_TYPE)


@bp.get("/")
@roles_required(*VIEWERS)
def home():
    return redirect(url_for("finance.invoices"))


@bp.get("/invoices")
@roles_required(*VIEWERS)
def invoices():
    return _list("invoices")


@bp.get("/payments")
@roles_required(*VIEWERS)
def payments():
    return _list("payments")


@bp.get("/invoices.csv")
@roles_required(*VIEWERS)
def export_invoices_csv():
    return _export("invoices", "csv")


@bp.get("/invoices.xlsx")
@roles_required(*VIEWERS)
def export_invoices_xlsx():
    return _export("invoices", "xlsx")


@bp.get("/payments.csv")
@roles_required(*VIEWERS)
def export_payments_csv():
    return _export("payments", "csv")


@bp.get("/payments.xlsx")
@roles_required(*VIEWERS)
def export_payments_xlsx():
    return _export("payments", "xlsx")


@bp.get("/recap")
@roles_required(*VIEWERS)
def monthly_recap():
    month = recap.parse_month(request.args.get("month", ""), to_local(clock.now()).date())
    return render_template("orders/finance/recap.html", recap=recap.monthly_recap(month), month=month), 200, NO_STORE


@bp.get("/summary.pdf")
@roles_required(*VIEWERS)
def summary_pdf():
    """The summary of the period asked for; this month so far when none is given."""
    filters = queries.parse_filters(request.args)
    today = to_local(clock.now()).date()
    start, end = filters.start or today.replace(day=1), filters.end or today
    if start > end:
        raise Invalid(_("The start date is after the end date."))
    name = f"statdesk-finance-{start.isoformat()}-{end.isoformat()}.pdf"
    return Response(period_summary_pdf(start, end), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', **NO_STORE})


@bp.route("/statements", methods=["GET", "POST"])
@roles_required(*VIEWERS)
def statement_list():
    form = StatementForm()
    bad, status = [], 200
    if request.method == "POST":
        if not current_user.has_role("finance"):
            abort(403)
        if not form.validate_on_submit():
            raise Invalid(_("Choose the statement file to upload."))
        upload = form.statement.data
        try:
            statement = statements.import_statement(current_user, upload.filename, upload.read(), form.skip_bad.data)
        except statements.StatementRefused as refused:
            bad, status = refused.bad, refused.status
            flash(str(refused.message), "error")
        else:
            flash(_("Statement imported."), "success")
            return redirect(url_for("finance.statement_detail", statement_id=statement.id))
    recent = db.session.scalars(sa.select(BankStatement).order_by(BankStatement.id.desc()).limit(50)).all()
    return render_template("orders/finance/statements.html", form=form, bad=bad, recent=recent), status


@bp.get("/statements/<int:statement_id>")
@roles_required(*VIEWERS)
def statement_detail(statement_id: int):
    statement = db.get_or_404(BankStatement, statement_id)
    return render_template("orders/finance/statement.html", statement=statement), 200, NO_STORE


@bp.get("/refunds")
@roles_required(*VIEWERS)
def refund_list():
    requests_ = db.session.scalars(sa.select(RefundRequest).order_by(RefundRequest.id.desc()).limit(200)).all()
    return render_template("orders/finance/refunds.html", refunds=requests_, decision=DecisionForm(),
                           Status=RefundStatus), 200, NO_STORE


@bp.route("/invoices/<int:invoice_id>/refund", methods=["GET", "POST"])
@roles_required("finance")
def refund_request(invoice_id: int):
    invoice = db.get_or_404(Invoice, invoice_id)
    form = RefundForm()
    if form.validate_on_submit():
        refunds.request_refund(current_user, invoice.id, form.reason.data)
        flash(_("Refund requested; a second finance officer must approve it."), "success")
        return redirect(url_for("finance.refund_list"))
    if request.method == "POST":
        raise Invalid(_("Give the reason for the refund (at least %(n)d characters).", n=refunds.MIN_REASON))
    return render_template("orders/finance/refund_request.html", invoice=invoice, form=form)


@bp.post("/refunds/<int:refund_id>/approve")
@roles_required("finance")
def refund_approve(refund_id: int):
    return _decide(refund_id, approve=True)


@bp.post("/refunds/<int:refund_id>/decline")
@roles_required("finance")
def refund_decline(refund_id: int):
    return _decide(refund_id, approve=False)


def _decide(refund_id: int, approve: bool):
    form = DecisionForm()
    submitted(form)
    refunds.decide_refund(current_user, refund_id, approve, form.note.data or "")
    flash(_("Refund approved.") if approve else _("Refund declined."), "success")
    return redirect(url_for("finance.refund_list"))
