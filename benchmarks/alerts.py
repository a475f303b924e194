"""Release alerts at scale: from an item's release to the last of 50,000 subscribers' alerts in the outbox.

    .venv/bin/python benchmarks/alerts.py [--subscribers 50000] [--database-url postgresql://...]

Builds a database with the migrations (a temporary SQLite file unless a PostgreSQL URL
is given, which must name an empty database), bulk-inserts the consumers and their
subscriptions (one in six each directly, by series, subject, region, producer and saved
search; mixed languages, channels and digests; every fifth person also follows the
region, so the fan-out has to choose), then in a fresh child process — one worker —
releases the item through ``catalog.services.release_now`` and runs the fan-out job
(``subscriptions.fanout.pending_events``, what ``flask sweep`` and the RQ job run) until
the last alert and e-mail are in the outbox.  It reports that time, the alerts and
e-mails written, the child's peak resident memory (``ru_maxrss``, interpreter and
application included; baseline: before the release) and, as the reference measured in
the same run, the time to bulk-insert the same number of bare outbox rows (the floor
any fan-out that writes one e-mail per person has).  Target: ≤ 60 s with one worker.
Writes the section "Release alerts" of ``docs/benchmarks.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
from urllib.parse import urlencode

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

from benchmarks.sections import write_section  # noqa: E402

TITLE = "Indeks Harga Konsumen Kota Mataram Januari 2026"


def _app(url: str, storage: str):
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "STATDESK_ENV": "testing", "TESTING": True,
                       "SECRET_KEY": "benchmark-secret-key-0123456789abcdef", "STATDESK_MAIL_TRANSPORT": None,
                       "STATDESK_STORAGE_DIR": os.path.join(storage, "storage"),
                       "STATDESK_SEARCH_DIR": os.path.join(storage, "search")})


def build(url: str, storage: str, subscribers: int) -> int:
    import sqlalchemy as sa
    from flask_migrate import upgrade

    from accounts.models import Role, User, UserRole
    from catalog.models import Item, ItemKind, ItemVersion, ReleaseStatus
    from core import clock
    from core.extensions import db
    from subscriptions import matching
    from subscriptions.models import Frequency, Subscription, Target, new_nonce

    app = _app(url, storage)
    with app.app_context():
        upgrade()
        now = clock.now()
        item = Item(kind=ItemKind.TABLE, title_id=TITLE, title_en="Consumer Price Index of Mataram City January 2026",
                    subject_code="EKO.HRG", region_code="5271", year=2026, unit="Bidang Statistik Distribusi",
                    status=ReleaseStatus.DRAFT, keywords=["inflasi"])
        item.versions = [ItemVersion(number=1, changelog="Rilis pertama.")]
        admin = User(email="admin@bench.example.org", full_name="Admin", session_token=secrets.token_hex(16))
        admin.roles = [UserRole(role=Role.ADMIN)]
        db.session.add_all([item, admin])
        db.session.commit()
        targets = [(Target.ITEM, str(item.id)), (Target.SERIES, matching.series_key(item)),
                   (Target.SUBJECT, "EKO"), (Target.REGION, "52"), (Target.PRODUCER, item.unit),
                   (Target.SEARCH, urlencode({"q": "harga konsumen", "region": "52"}))]
        for first in range(0, subscribers, 10_000):
            block = range(first, min(first + 10_000, subscribers))
            db.session.execute(sa.insert(User), [
                {"email": f"pelanggan{n}@bench.example.org", "full_name": f"Pelanggan {n}", "active": True,
                 "locale": "en" if n % 2 else "id", "session_token": secrets.token_hex(16), "unit": "",
                 "created_at": now, "updated_at": now} for n in block])
            ids = list(db.session.scalars(sa.select(User.id).where(User.email.like("pelanggan%"))
                                          .order_by(User.id).offset(first).limit(len(block))))
            db.session.execute(sa.insert(UserRole), [{"user_id": i, "role": Role.CONSUMER} for i in ids])
            rows = []
            for n, user_id in zip(block, ids, strict=True):
                target, value = targets[n % len(targets)]
                rows.append({"user_id": user_id, "target": target, "value": value, "label": value[:300],
                             "frequency": Frequency.DAILY if n % 7 == 0 else Frequency.INSTANT,
                             "by_email": n % 3 != 2, "in_site": n % 3 != 1, "language": "en" if n % 2 else "id",
                             "token_nonce": new_nonce(), "created_at": now})
                if n % 5 == 0 and target is not Target.REGION:
                    rows.append({"user_id": user_id, "target": Target.REGION, "value": "5271", "label": "Mataram",
                                 "frequency": Frequency.WEEKLY, "by_email": True, "in_site": True,
                                 "language": "id", "token_nonce": new_nonce(), "created_at": now})
            db.session.execute(sa.insert(Subscription), rows)
            db.session.commit()
        return item.id


def run(url: str, storage: str, item_id: int, subscribers: int) -> dict:
    """In the child: release, fan out with one worker, measure; then the reference insert."""
    import sqlalchemy as sa

    from accounts.models import User
    from catalog import services
    from core import clock
    from core.extensions import db
    from core.models import OutboxMessage
    from subscriptions import fanout
    from subscriptions.models import Alert

    app = _app(url, storage)
    with app.app_context(), app.test_request_context():
        admin = db.session.scalar(sa.select(User).where(User.email == "admin@bench.example.org"))
        baseline = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        services.release_now(admin, item_id)
        fanout.pending_events()
        seconds = time.perf_counter() - started
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        alerts = db.session.scalar(sa.select(sa.func.count()).select_from(Alert))
        mails = db.session.scalar(sa.select(sa.func.count()).where(OutboxMessage.kind == "subscription_alert"))
        assert alerts == subscribers, (alerts, subscribers)
        now = clock.now()
        reference_started = time.perf_counter()
        for first in range(0, mails, 2000):
            db.session.execute(sa.insert(OutboxMessage), [
                {"recipient": f"ref{n}@bench.example.org", "subject": "Dirilis: " + TITLE,
                 "body_text": "x" * 600, "body_html": "<p>" + "x" * 700 + "</p>", "kind": "reference",
                 "headers": {"List-Unsubscribe": "<http://x/>"}, "next_attempt_at": now, "created_at": now,
                 "attempts": 0, "last_error": ""} for n in range(first, min(first + 2000, mails))])
            db.session.commit()
        reference = time.perf_counter() - reference_started
    return {"seconds": seconds, "alerts": alerts, "mails": mails, "peak_mb": peak / 1024,
            "baseline_mb": baseline / 1024, "reference_seconds": reference}


def report(subscribers: int, backend: str, build_seconds: float, result: dict) -> str:
    verdict = "met" if result["seconds"] <= 60 else "NOT met"
    return "\n".join([
        "## Release alerts",
        "",
        f"`benchmarks/alerts.py --subscribers {subscribers}` on {backend}: {subscribers:,} consumers following one "
        "table directly, by series, subject, region, producer or saved search (a fifth of them twice), with mixed "
        f"languages, channels and digests, built in {build_seconds:.1f} s. One worker process releases the item "
        "(`catalog.services.release_now`) and runs the fan-out job (`subscriptions.fanout.pending_events`) until the "
        "last alert and e-mail are committed. Peak memory is that process's maximum resident set (baseline: the "
        "same process before the release). Reference: bulk-inserting the same number of bare outbox rows.",
        "",
        "| release → last alert in the outbox | alerts | e-mails | per second | peak memory | baseline | "
        "reference insert | ratio |",
        "|---|---|---|---|---|---|---|---|",
        f"| {result['seconds']:.1f} s | {result['alerts']:,} | {result['mails']:,} | "
        f"{result['alerts'] / result['seconds']:,.0f} | {result['peak_mb']:.0f} MB | {result['baseline_mb']:.0f} MB | "
        f"{result['reference_seconds']:.1f} s | {result['seconds'] / result['reference_seconds']:.1f}× |",
        "",
        f"Target (≤ 60 s with one worker): {verdict}.",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--subscribers", type=int, default=50_000)
    parser.add_argument("--database-url", default="")
    parser.add_argument("--child", nargs=3, metavar=("URL", "STORAGE", "ITEM"))
    args = parser.parse_args()
    if args.child:
        url, storage, item_id = args.child
        print(json.dumps(run(url, storage, int(item_id), args.subscribers)))
        return
    with tempfile.TemporaryDirectory() as storage:
        url = args.database_url or f"sqlite:///{os.path.join(storage, 'alerts.db')}"
        started = time.perf_counter()
        item_id = build(url, storage, args.subscribers)
        build_seconds = time.perf_counter() - started
        command = [sys.executable, __file__, "--subscribers", str(args.subscribers),
                   "--child", url, storage, str(item_id)]
        out = subprocess.run(command, check=True, capture_output=True, text=True).stdout  # noqa: S603 - our script
        result = json.loads(out.strip().splitlines()[-1])
    backend = "PostgreSQL" if url.startswith("postgresql") else "SQLite"
    text = report(args.subscribers, backend, build_seconds, result)
    print(text)
    write_section("Release alerts", text)


if __name__ == "__main__":
    main()
