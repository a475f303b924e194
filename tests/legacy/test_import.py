"""``flask legacy import``: the sample export of the old system, dry run, real run, re-run, reconciliation.

The sample (``tests/legacy/data``, written by ``make_sample.py``) has ~6,000 rows
across seven entities with every kind of bad row; ``expected.json`` names each row a
correct import rejects and the totals of the rows it accepts.  One module-long import
on each database keeps the suite fast; the tests read what it left.
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

import pytest
import sqlalchemy as sa

from accounts.models import User
from consultation.models import Message, Status, Ticket
from core.extensions import db
from core.models import AuditEntry, OutboxMessage
from legacy.models import LegacyRecord
from orders.models import Invoice, InvoiceCounter, InvoiceStatus, Order, OrderLine, Payment

DATA = Path(__file__).parent / "data"
EXPECTED = json.loads((DATA / "expected.json").read_text(encoding="utf-8"))
MODELS = {"consumers": User, "consultations": Ticket, "messages": Message, "orders": Order,
          "order_lines": OrderLine, "invoices": Invoice, "payments": Payment}


def _import(app, tmp_path, *args):
    report = tmp_path / ("dry" if "--dry-run" in args else "real")
    result = app.test_cli_runner().invoke(args=["legacy", "import", str(DATA), "--mapping", str(DATA / "mapping.toml"),
                                                "--report", str(report), "--lang", "en", "--quiet", *args])
    assert result.exit_code == 0, result.output + repr(result.exception)
    return result, report


def _rejected(report: Path) -> list[tuple[str, int, str]]:
    with (report / "rejected.csv").open(encoding="utf-8") as handle:
        return sorted((row["file"], int(row["line"]), row["column"]) for row in csv.DictReader(handle))


def _counts(app) -> dict[str, int]:
    with app.app_context():
        counts = {name: db.session.scalar(sa.select(sa.func.count()).select_from(model))
                  for name, model in MODELS.items()}
        counts["audit"] = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))
        counts["outbox"] = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))
        counts["records"] = db.session.scalar(sa.select(sa.func.count(LegacyRecord.id)))
        return counts


@pytest.fixture
def imported(app, tmp_path):
    """The dry run, then the real run; returns both results and the counts before each."""
    before = _counts(app)
    dry, dry_report = _import(app, tmp_path, "--dry-run")
    after_dry = _counts(app)
    real, real_report = _import(app, tmp_path)
    return {"before": before, "after_dry": after_dry, "dry": dry, "dry_report": dry_report, "real": real,
            "real_report": real_report}


def test_dry_run_lists_exactly_the_bad_rows_and_writes_nothing_then_the_real_run_imports_the_rest(app, imported,
                                                                                                  tmp_path):
    expected = sorted(tuple(row) for row in EXPECTED["rejected"])
    assert _rejected(imported["dry_report"]) == expected
    assert imported["after_dry"] == imported["before"]
    assert "Dry run: nothing was written." in imported["dry"].output
    html = (imported["dry_report"] / "report.html").read_text(encoding="utf-8").split('id="merged"')[0]
    assert html.count("<tr><td>pelanggan.csv</td>") == sum(1 for row in expected if row[0] == "pelanggan.csv")
    assert "31/02/2021" in html and "KOPERASI" in html  # the reasons name the bad value

    assert _rejected(imported["real_report"]) == expected
    assert "Reconciliation: matches" in imported["real"].output
    totals = EXPECTED["totals"]
    with app.app_context():
        for entity, (count, money) in totals.items():
            if entity == "consumers_merged":
                merged = db.session.scalar(sa.select(sa.func.count()).where(LegacyRecord.entity == "consumers",
                                                                            LegacyRecord.note == "merged"))
                assert merged == count
                continue
            records = sa.select(LegacyRecord.target_id).where(LegacyRecord.entity == entity)
            model = MODELS[entity]
            money_column = {"orders": Order.total, "order_lines": OrderLine.amount, "invoices": Invoice.amount,
                            "payments": Payment.amount}.get(entity)
            row = db.session.execute(sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(money_column), 0)
                                               if money_column is not None else sa.literal(0))
                                     .select_from(model).where(model.id.in_(records))).one()
            assert (row[0], int(row[1])) == (count, money), entity
        # closed history: not routed, not reminded
        tickets = db.session.scalars(sa.select(Ticket)).all()
        assert {t.status for t in tickets} == {Status.CLOSED}
        assert all(t.assignee_id is None and t.response_due_at is None for t in tickets)
        # one audit entry per batch and the run; every row's provenance
        record = db.session.scalar(sa.select(LegacyRecord).where(LegacyRecord.entity == "orders",
                                                                 LegacyRecord.source_id == "O0000001"))
        assert (record.source_file, record.line) == ("pesanan.csv", 2)
        assert db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == "legacy.batch")) > 10
    reconciliation = (imported["real_report"] / "report.html").read_text(encoding="utf-8")
    assert "differs</td>" not in reconciliation and "matches</td>" in reconciliation


def test_a_second_run_changes_nothing(app, imported, tmp_path):
    before = _counts(app)
    again, report = _import(app, tmp_path / "again")
    after = _counts(app)
    assert {k: v for k, v in after.items() if k != "audit"} == {k: v for k, v in before.items() if k != "audit"}
    assert "inserted" not in again.output and "updated" not in again.output, again.output
    assert "Reconciliation: matches" in again.output


def test_invoices_keep_their_numbers_take_no_sequence_and_count_in_the_recap_as_legacy(app, imported):
    from orders.finance.recap import monthly_recap

    with app.app_context():
        invoice = db.session.scalar(sa.select(Invoice).order_by(Invoice.id).limit(1))
        assert re.fullmatch(r"TAG-\d{4}-\d{6}", invoice.number) and invoice.legacy and invoice.sequence is None
        assert db.session.scalar(sa.select(sa.func.count(InvoiceCounter.year))) == 0
        payment = db.session.scalar(sa.select(Payment).where(Payment.invoice.has(Invoice.status == InvoiceStatus.PAID))
                                    .order_by(Payment.id).limit(1))
        from core.timefmt import to_local

        month = to_local(payment.paid_at).date().replace(day=1)
        recap = monthly_recap(month)
        assert recap.legacy_payments >= 1 and 0 < recap.legacy_gross <= recap.gross
