"""Bank-statement reconciliation.

The statement is a CSV file, UTF-8, with a header row and these columns (any order)::

    date,reference,billing_code,amount
    2026-11-20,BNI-0000123,104719283746152,150000

- ``date``: the day the bank booked the payment, ``YYYY-MM-DD`` (office time zone);
- ``reference``: the bank's own reference of the payment, unique in the file;
- ``billing_code`` (or ``va_number``): the 15-digit billing code / virtual-account number;
- ``amount``: whole rupiah, digits only.

Every line is checked before anything is applied; a file with bad lines is refused
with each line number and reason, unless the uploader chooses to skip the bad lines.
Matched lines are recorded through ``record_payment``, the very path the bank
callback takes, so a payment reported by both (in either order) counts once.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field
from datetime import date, datetime, time

import sqlalchemy as sa
from flask_babel import gettext as _

from core import audit, clock
from core.errors import Conflict, Invalid, TooLarge, Unprocessable
from core.extensions import db
from core.input_guard import has_forbidden
from core.timefmt import local_zone
from orders.finance.models import BankStatement, LineOutcome, StatementLine
from orders.invoicing import is_well_formed_billing_code
from orders.models import Invoice, Payment
from orders.payments.recording import PaymentProblem, reason_of, record_payment, reject

MAX_LINES = 50_000
COLUMNS = ("date", "reference", "billing_code", "amount")
ALIASES = {"va_number": "billing_code", "va": "billing_code", "kode_billing": "billing_code",
           "tanggal": "date", "referensi": "reference", "jumlah": "amount"}


@dataclass(frozen=True)
class ParsedLine:
    line_no: int
    booked_on: date | None
    reference: str
    billing_code: str
    amount: int | None
    problem: str = ""


@dataclass
class ParsedStatement:
    good: list[ParsedLine] = field(default_factory=list)
    bad: list[ParsedLine] = field(default_factory=list)


class StatementRefused(Unprocessable):
    """The file has bad lines (listed) and the uploader did not choose to skip them."""

    def __init__(self, bad: list[ParsedLine]):
        super().__init__(_("%(count)d line(s) of the statement are not valid; nothing was applied.",
                           count=len(bad)))
        self.bad = bad


def parse_statement(data: bytes) -> ParsedStatement:
    """Check every line; 400 for a file that is not a statement at all."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise Invalid(_("The statement must be a CSV file in UTF-8.")) from None
    if has_forbidden(text):  # a NUL would end as a server error on PostgreSQL
        raise Invalid(_("The statement contains control characters (such as a NUL byte); "
                                "nothing was applied."))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        return _read(reader)
    except csv.Error:
        raise Invalid(_("Line %(line)d of the statement cannot be read: a field is longer than %(max)d "
                                "characters or a quote is not closed.", line=max(reader.line_num, 1),
                                max=csv.field_size_limit())) from None


FIELD_MAX = 1000  # no field of a bank statement is longer; a longer one is not a statement line


def _check_lengths(line_no: int, row: list[str]) -> None:
    if any(len(cell) > FIELD_MAX for cell in row):
        raise Invalid(_("Line %(line)d of the statement cannot be read: a field is longer than %(max)d "
                        "characters or a quote is not closed.", line=line_no, max=FIELD_MAX))


def _read(reader) -> ParsedStatement:
    header_row = next(reader, [])
    _check_lengths(max(reader.line_num, 1), header_row)
    header = [ALIASES.get(name.strip().lower(), name.strip().lower()) for name in header_row]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise Invalid(_("The statement's header row lacks the column(s): %(names)s. Expected: %(expected)s.",
                                names=", ".join(missing), expected=",".join(COLUMNS)))
    where = {name: header.index(name) for name in COLUMNS}
    parsed, seen = ParsedStatement(), set()
    for row in reader:
        line_no = reader.line_num
        _check_lengths(line_no, row)
        if not any(cell.strip() for cell in row):
            continue
        if line_no > MAX_LINES + 1:
            raise TooLarge(_("A statement may have at most %(max)d lines.", max=MAX_LINES))
        line = _parse_line(line_no, row, where, seen)
        (parsed.bad if line.problem else parsed.good).append(line)
    if not parsed.good and not parsed.bad:
        raise Invalid(_("The statement has no lines."))
    return parsed


def _parse_line(line_no: int, row: list[str], where: dict[str, int], seen: set[str]) -> ParsedLine:
    cells = {name: (row[index].strip() if index < len(row) else "") for name, index in where.items()}
    problems = []
    try:
        booked_on = date.fromisoformat(cells["date"])
    except ValueError:
        booked_on = None
        problems.append(_("the date is not YYYY-MM-DD"))
    reference = cells["reference"]
    if not reference or len(reference) > 255:
        problems.append(_("the reference is missing or too long"))
    elif reference in seen:
        problems.append(_("the reference appears twice in the file"))
    seen.add(reference)
    code = cells["billing_code"]
    if not is_well_formed_billing_code(code):
        problems.append(_("the billing code is not a valid 15-digit code"))
    amount = int(cells["amount"]) if cells["amount"].isdigit() and len(cells["amount"]) <= 15 else None
    if not amount:
        problems.append(_("the amount is not a whole number of rupiah above zero"))
    return ParsedLine(line_no, booked_on, reference[:255], code[:40], amount, "; ".join(problems))


@dataclass(frozen=True)
class Outcome:
    outcome: LineOutcome
    invoice_id: int | None
    note: str = ""


def import_statement(user, filename: str, data: bytes, skip_bad: bool = False) -> BankStatement:
    """Reconcile a statement; returns the stored statement with one outcome per line.

    Each matched line is recorded in its own transaction by ``record_payment``; the
    statement and its report are stored last.  Were the import cut off half-way,
    importing the file again finds the lines already recorded and counts them once.
    """
    digest = hashlib.sha256(data).hexdigest()
    _refuse_known(digest)
    parsed = parse_statement(data)
    if parsed.bad and not skip_bad:
        raise StatementRefused(parsed.bad)
    outcomes = [(line, _apply(line, user)) for line in parsed.good]
    statement = BankStatement(filename=(filename or "statement.csv")[:200], sha256=digest, uploaded_by_id=user.id,
                              uploaded_at=clock.now())
    statement.lines = [StatementLine(line_no=line.line_no, booked_on=line.booked_on, reference=line.reference,
                                     billing_code=line.billing_code, amount=line.amount, outcome=result.outcome,
                                     invoice_id=result.invoice_id, note=result.note[:500])
                       for line, result in outcomes]
    statement.lines += [StatementLine(line_no=line.line_no, booked_on=line.booked_on, reference=line.reference,
                                      billing_code=line.billing_code, amount=line.amount,
                                      outcome=LineOutcome.SKIPPED, note=line.problem[:500]) for line in parsed.bad]
    statement.lines.sort(key=lambda line: line.line_no)
    db.session.add(statement)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:  # the same file, imported by someone else a moment ago
        db.session.rollback()
        _refuse_known(digest)
        raise
    counts = {o.value: sum(1 for line in statement.lines if line.outcome is o) for o in LineOutcome}
    audit.record("finance.statement_import", statement, user, filename=statement.filename, **counts)
    db.session.commit()
    return statement


def _refuse_known(digest: str) -> None:
    known = db.session.scalar(sa.select(BankStatement).where(BankStatement.sha256 == digest))
    if known is not None:
        raise Conflict(_("This statement was already imported (statement #%(id)d).", id=known.id))


def _apply(line: ParsedLine, user) -> Outcome:
    invoice = db.session.scalar(sa.select(Invoice).where(Invoice.billing_code == line.billing_code))
    if invoice is None:
        return Outcome(LineOutcome.UNMATCHED, None, _("no invoice has this billing code"))
    paid_at = datetime.combine(line.booked_on, time.min, local_zone())
    try:
        result = record_payment(invoice_query=sa.select(Invoice).where(Invoice.id == invoice.id), provider="local",
                                reference=line.reference, amount=line.amount, paid_at=paid_at,
                                source="bank_statement", actor=user)
    except PaymentProblem as problem:
        invoice_id = invoice.id
        reject(problem, ("Invoice", invoice_id), provider="local", bank_reference=line.reference,
               amount=line.amount, source="bank_statement")
        return _explained(problem, invoice_id, line)
    if result.created:
        return Outcome(LineOutcome.MATCHED, invoice.id, _("recorded as %(invoice)s", invoice=result.invoice_number))
    return Outcome(LineOutcome.ALREADY_RECORDED, invoice.id, _("recorded before under this reference"))


def _explained(problem: PaymentProblem, invoice_id: int, line: ParsedLine) -> Outcome:
    """A refusal of ``record_payment`` read as a reconciliation outcome."""
    if reason_of(problem) == "already_paid":
        payment = db.session.scalar(sa.select(Payment).where(Payment.invoice_id == invoice_id))
        if payment is not None and payment.amount == line.amount:
            return Outcome(LineOutcome.ALREADY_RECORDED, invoice_id,
                           _("already paid (%(source)s, reference %(reference)s)", source=payment.source,
                             reference=payment.reference))
    return Outcome(LineOutcome.MISMATCHED, invoice_id, problem.message)
