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

import sqlalchemy as sa

from accounts.models import User
from catalog.models import Item, ItemFile
from consultation.models import Message, Status, Ticket
from core.extensions import db
from core.models import AuditEntry, OutboxMessage
from legacy.models import LegacyRecord
from orders.models import Invoice, InvoiceCounter, Order, OrderLine, Payment

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
    with (report / "rejected.csv").open(encoding="utf-8-sig") as handle:
        return sorted((row["file"], int(row["line"]), row["column"]) for row in csv.DictReader(handle))


def _counts(app) -> dict[str, int]:
    with app.app_context():
        counts = {name: db.session.scalar(sa.select(sa.func.count()).select_from(model))
                  for name, model in MODELS.items()}
        counts["audit"] = db.session.scalar(sa.select(sa.func.count(AuditEntry.id)))
        counts["outbox"] = db.session.scalar(sa.select(sa.func.count(OutboxMessage.id)))
        counts["records"] = db.session.scalar(sa.select(sa.func.count(LegacyRecord.id)))
        counts["items"] = db.session.scalar(sa.select(sa.func.count(Item.id)))
        counts["files"] = db.session.scalar(sa.select(sa.func.count(ItemFile.id)))
        return counts


def test_the_sample_export_dry_run_real_run_second_run_reconciliation_recap_and_claim(app, tmp_path, client):
    """One pass over the sample (the import is the slow part, so one test tells the whole story)."""
    before = _counts(app)
    dry, dry_report = _import(app, tmp_path, "--dry-run")
    expected = sorted(tuple(row) for row in EXPECTED["rejected"])
    # the dry run lists exactly the bad rows, in the CSV and the HTML report, and writes nothing
    assert _rejected(dry_report) == expected
    assert _counts(app) == before
    assert not any(p.is_file() for p in Path(app.config["STATDESK_STORAGE_DIR"]).rglob("*"))  # no file stored
    assert "Dry run: nothing was written." in dry.output
    html = (dry_report / "report.html").read_text(encoding="utf-8").split('id="merged"')[0]
    assert html.count("<tr><td>pelanggan.csv</td>") == sum(1 for row in expected if row[0] == "pelanggan.csv")
    assert "31/02/2021" in html and "KOPERASI" in html and "control characters" in html

    # the real run imports the rest, rejects the same rows and reconciles to the rupiah
    real, real_report = _import(app, tmp_path)
    assert _rejected(real_report) == expected
    assert "Reconciliation: matches" in real.output
    _assert_totals(app)
    reconciliation = (real_report / "report.html").read_text(encoding="utf-8")
    assert "differs</td>" not in reconciliation and reconciliation.count("matches</td>") > 100
    _assert_closed_history_and_provenance(app)

    # a second run of the same source changes nothing
    counted = _counts(app)
    again, _report = _import(app, tmp_path / "again")
    assert _without_audit(_counts(app)) == _without_audit(counted)
    assert "inserted" not in again.output and "updated" not in again.output, again.output
    assert "Reconciliation: matches" in again.output

    _assert_invoices_and_recap(app)
    _assert_a_consumer_claims_the_account_and_sees_the_history(app, client)


def _without_audit(counts: dict) -> dict:
    return {key: value for key, value in counts.items() if key != "audit"}


def _assert_totals(app) -> None:
    with app.app_context():
        for entity, (count, money) in EXPECTED["totals"].items():
            if entity == "items":
                refs = sa.select(Item.id).where(Item.ref.like("lama-%"))
                assert db.session.scalar(sa.select(sa.func.count()).select_from(refs.subquery())) == count
                assert db.session.scalar(sa.select(sa.func.count(ItemFile.id))) == 5  # every fourth has a PDF
                continue
            if entity == "consumers_merged":
                merged = db.session.scalar(sa.select(sa.func.count()).where(LegacyRecord.entity == "consumers",
                                                                            LegacyRecord.note == "merged"))
                assert merged == count
                continue
            records = sa.select(LegacyRecord.target_id).where(LegacyRecord.entity == entity)
            model = MODELS[entity]
            money_column = {"orders": Order.total, "order_lines": OrderLine.amount, "invoices": Invoice.amount,
                            "payments": Payment.amount}.get(entity)
            total = sa.func.coalesce(sa.func.sum(money_column), 0) if money_column is not None else sa.literal(0)
            row = db.session.execute(sa.select(sa.func.count(), total).select_from(model)
                                     .where(model.id.in_(records))).one()
            assert (row[0], int(row[1])) == (count, money), entity


def _assert_closed_history_and_provenance(app) -> None:
    with app.app_context():
        tickets = db.session.scalars(sa.select(Ticket)).all()
        assert {t.status for t in tickets} == {Status.CLOSED}
        assert all(t.assignee_id is None and t.response_due_at is None and t.resolution_due_at is None
                   for t in tickets)
        record = db.session.scalar(sa.select(LegacyRecord).where(LegacyRecord.entity == "orders",
                                                                 LegacyRecord.source_id == "O0000001"))
        assert (record.source_file, record.line) == ("pesanan.csv", 2)
        order = db.session.get(Order, record.target_id)
        assert order.number == "SIL/2022/0000001" and order.legacy and order.total == 525_000
        assert db.session.scalar(sa.select(sa.func.count()).where(AuditEntry.action == "legacy.batch")) > 10


def _assert_invoices_and_recap(app) -> None:
    from core.timefmt import to_local
    from orders.finance.recap import monthly_recap

    with app.app_context():
        invoice = db.session.scalar(sa.select(Invoice).order_by(Invoice.id).limit(1))
        assert re.fullmatch(r"TAG-\d{4}-\d{6}", invoice.number) and invoice.legacy and invoice.sequence is None
        assert db.session.scalar(sa.select(sa.func.count(InvoiceCounter.year))) == 0  # no number of the series
        payment = db.session.scalar(sa.select(Payment).order_by(Payment.id).limit(1))
        month = to_local(payment.paid_at).date().replace(day=1)
        recap = monthly_recap(month)
        assert recap.legacy_payments == recap.payments >= 1 and recap.legacy_gross == recap.gross > 0


def _assert_a_consumer_claims_the_account_and_sees_the_history(app, client) -> None:
    with app.app_context():
        order = db.session.scalar(sa.select(Order).where(Order.user_id.in_(sa.select(Ticket.requester_id)))
                                  .order_by(Order.id).limit(1))
        owner = db.session.get(User, order.user_id)
        email, number = owner.email, order.number
        message = db.session.scalar(sa.select(OutboxMessage).where(OutboxMessage.recipient == email))
        link = re.search(r"(/password/reset/\S+)", message.body_text).group(1)
    assert client.get(link).status_code == 200
    response = client.post(link, data={"password": "Legacy-Claim-2026!", "confirm": "Legacy-Claim-2026!"})
    assert response.status_code == 302
    assert client.post("/login", data={"email": email, "password": "Legacy-Claim-2026!"}).status_code == 302
    page = client.get("/orders").get_data(as_text=True)
    assert number in page
    with app.app_context():
        mine = db.session.scalar(sa.select(Ticket).where(Ticket.requester_id == order.user_id).limit(1))
        said = db.session.scalar(sa.select(Message.body).where(Message.ticket_id == mine.id).limit(1))
    assert mine.number in client.get("/consultations/").get_data(as_text=True)
    detail = client.get(f"/consultations/{mine.number}")
    assert detail.status_code == 200 and (said is None or said in detail.get_data(as_text=True))
