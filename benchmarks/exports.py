"""Finance exports at scale: 100,000 invoices to CSV and to XLSX, time and peak memory.

    .venv/bin/python benchmarks/exports.py [--rows 100000]

Builds a temporary SQLite database with the migrations, bulk-inserts the rows
through the real tables (consumers, orders, lines, invoices, payments for about
60 %), then runs each export in a fresh child process through the code the
finance pages use (``orders.finance.queries``, ``orders.finance.exports``, ``core.spreadsheets``) and
reads the child's peak resident memory (``ru_maxrss``), which includes the
interpreter and the application (measured alone as the baseline).  Prints the
figures and writes them to ``docs/benchmarks.md`` (section "Finance exports").
Targets: CSV at 50,000 rows/s or better, XLSX within 30 s, both under 250 MB peak.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.sections import write_section  # noqa: E402

SEGMENTS = ("public", "government", "private", "academic", "international")
KINDS = ("publication", "map", "microdata")


def _app(path: str):
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "STATDESK_ENV": "testing", "TESTING": True,
                       "SECRET_KEY": "benchmark-secret-key-0123456789abcdef", "STATDESK_MAIL_TRANSPORT": None})


def build(path: str, rows: int) -> None:
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from accounts.models import User
    from core.extensions import db
    from orders.models import Invoice, Order, OrderLine, Payment

    app = _app(path)
    start = datetime(2026, 1, 1, 1, 0, tzinfo=UTC)
    with app.app_context():
        upgrade()
        users = [{"id": n, "email": f"konsumen{n}@demo.example.org", "full_name": f"Konsumen {n}", "active": True,
                  "password_hash": "x", "session_token": f"t{n}", "locale": "id", "unit": "",
                  "created_at": start, "updated_at": start} for n in range(1, 2001)]
        db.session.execute(sa.insert(User), users)
        for first in range(1, rows + 1, 10_000):
            ids = range(first, min(first + 10_000, rows + 1))
            at = [start + timedelta(minutes=5 * n) for n in ids]
            amount = [50_000 + (n * 7919) % 40 * 25_000 for n in ids]
            db.session.execute(sa.insert(Order), [
                {"id": n, "number": f"ORD-2026-{n:06d}", "user_id": 1 + n % 2000, "kind": "paid",
                 "state": "delivered" if n % 5 < 3 else "awaiting_payment", "total": amount[i],
                 "segment": SEGMENTS[n % 5], "institution": "", "purpose": "", "needs_review": False,
                 "needs_agreement": False, "sample_name": "", "review_reason": "", "created_at": at[i],
                 "updated_at": at[i]} for i, n in enumerate(ids)])
            db.session.execute(sa.insert(OrderLine), [
                {"order_id": n, "item_id": 1 + n % 3000, "item_kind": KINDS[n % 3], "title": f"Publikasi {n}",
                 "quantity": 1, "unit_price": amount[i], "amount": amount[i], "options": {},
                 "needs_preparation": False} for i, n in enumerate(ids)])
            db.session.execute(sa.insert(Invoice), [
                {"id": n, "order_id": n, "number": f"INV/2026/{n:06d}", "year": 2026, "sequence": n,
                 "amount": amount[i], "status": "paid" if n % 5 < 3 else "open", "provider": "local",
                 "billing_code": f"{n:015d}", "hosted_url": "", "amount_received": 0,
                 "expires_at": at[i] + timedelta(days=2), "created_at": at[i], "updated_at": at[i]}
                for i, n in enumerate(ids)])
            db.session.execute(sa.insert(Payment), [
                {"invoice_id": n, "provider": "local", "reference": f"BNI-{n}", "amount": amount[i],
                 "ntpn": f"{n:016X}", "source": "bank_callback", "paid_at": at[i] + timedelta(hours=3),
                 "recorded_at": at[i] + timedelta(hours=3)} for i, n in enumerate(ids) if n % 5 < 3])
            db.session.commit()


def export(path: str, fmt: str) -> dict:
    """Run in a child process: one export of every invoice, counting rows and bytes."""
    from core import spreadsheets
    from orders.finance import exports, queries

    app = _app(path)
    with app.app_context(), app.test_request_context():
        baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        rows = exports.rows_of(queries.invoice_rows(queries.Filters()))
        if fmt == "csv":
            size = sum(len(chunk) for chunk in spreadsheets.csv_chunks(queries.INVOICE_COLUMNS, rows))
        else:
            file = spreadsheets.xlsx_file(queries.INVOICE_COLUMNS, rows, sheet="invoices")
            size = os.path.getsize(file)
            os.unlink(file)
        seconds = time.perf_counter() - started
    return {"seconds": seconds, "bytes": size, "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
            "baseline_mb": baseline / 1024}


def _child(path: str, fmt: str) -> dict:
    command = [sys.executable, __file__, "--child", fmt, "--db", path]
    out = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603 - our own script
    return json.loads(out.strip().splitlines()[-1])


def report(rows: int, build_seconds: float, csv_run: dict, xlsx_run: dict) -> str:
    rate = rows / csv_run["seconds"]
    verdict = "met" if (rate >= 50_000 and xlsx_run["seconds"] <= 30
                        and max(csv_run["peak_mb"], xlsx_run["peak_mb"]) < 250) else "NOT met"
    return "\n".join([
        "## Finance exports",
        "",
        f"`benchmarks/exports.py --rows {rows}`: {rows:,} invoices (with their orders, lines, consumers and "
        f"{rows * 3 // 5:,} payments) in a SQLite file, built in {build_seconds:.1f} s; each export runs in a fresh "
        "process through `orders.finance.queries.invoice_rows` and `orders.finance.exports` (rows fetched 1,000 at a "
        "time, written as they come). Peak memory is the process's maximum resident set, interpreter and "
        "application included (baseline: the same process before the export).",
        "",
        "| export | time | rows/s | file size | peak memory | baseline |",
        "|---|---|---|---|---|---|",
        f"| CSV | {csv_run['seconds']:.2f} s | {rate:,.0f} | {csv_run['bytes'] / 1e6:.1f} MB | "
        f"{csv_run['peak_mb']:.0f} MB | {csv_run['baseline_mb']:.0f} MB |",
        f"| XLSX (xlsxwriter, constant memory) | {xlsx_run['seconds']:.2f} s | {rows / xlsx_run['seconds']:,.0f} | "
        f"{xlsx_run['bytes'] / 1e6:.1f} MB | {xlsx_run['peak_mb']:.0f} MB | {xlsx_run['baseline_mb']:.0f} MB |",
        "",
        f"Targets (CSV ≥ 50,000 rows/s, XLSX ≤ 30 s, both < 250 MB): {verdict}.",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--child", choices=("csv", "xlsx"))
    parser.add_argument("--db")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(export(args.db, args.child)))
        return
    with tempfile.TemporaryDirectory() as scratch:
        path = os.path.join(scratch, "exports.db")
        started = time.perf_counter()
        build(path, args.rows)
        build_seconds = time.perf_counter() - started
        text = report(args.rows, build_seconds, _child(path, "csv"), _child(path, "xlsx"))
    print(text)
    write_section("Finance exports", text)


if __name__ == "__main__":
    main()
