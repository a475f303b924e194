"""Runs on a small hand-written export: a changed row is updated, a broken batch resumes, a bad mapping is
explained, merges follow the rule, the administrator's page runs the import as a background job."""

from __future__ import annotations

import io
import re
import uuid

import pytest
import sqlalchemy as sa

from accounts.models import ConsumerProfile, User
from core.extensions import db
from legacy.models import LegacyRecord, LegacyRun
from orders.models import Invoice, Order, Payment
from tests.support import servers

MAPPING = """
[source]
timezone = "Asia/Jakarta"
date_format = ["%d/%m/%Y %H:%M", "%d/%m/%Y"]
thousands = "."
decimal = ","
batch_size = 2

[consumers]
file = "pelanggan.csv"
contact = "never"
[consumers.columns]
source_id = "ID"
full_name = "NAMA"
email = "EMAIL"
phone = "TELP"
registered_at = "TGL"

[orders]
file = "pesanan.csv"
[orders.columns]
source_id = "ID"
number = "NO"
consumer_id = "PELANGGAN"
kind = "JENIS"
state = "STATUS"
placed_at = "TGL"
total = "TOTAL"
[orders.codes.state]
SELESAI = "delivered"
[orders.defaults]
kind = "paid"

[invoices]
file = "tagihan.csv"
[invoices.columns]
source_id = "ID"
order_id = "PESANAN"
number = "NO"
issued_at = "TGL"
amount = "JUMLAH"
status = "STATUS"
[invoices.codes.status]
LUNAS = "paid"

[payments]
file = "bayar.csv"
[payments.columns]
source_id = "ID"
invoice_id = "TAGIHAN"
paid_at = "TGL"
amount = "JUMLAH"
"""

CONSUMERS = ("ID,NAMA,EMAIL,TELP,TGL\n"
             "C1,Siti Rahma,siti@contoh.id,,01/02/2020\n"
             "C2,Siti R.,SITI@contoh.id,0812 3456 7890,05/02/2020\n"  # the same person: merged into C1
             "C3,Budi,budi@contoh.id,628123456789,01/03/2020\n"
             "C4,Ani,ani@example.org,,02/03/2020\n")  # an account that already exists in Statdesk: merged
ORDERS = ("ID,NO,PELANGGAN,JENIS,STATUS,TGL,TOTAL\n"
          "O1,LAMA/1,C1,,SELESAI,03/02/2020 10:00,1.500.000\n"
          "O2,LAMA/2,C2,,SELESAI,31/01/2020 23:30,250.000\n"  # Jakarta 31 Jan 23:30 is January there
          "O3,LAMA/3,C3,,SELESAI,02/03/2020 09:00,75.000\n")
INVOICES = ("ID,PESANAN,NO,TGL,JUMLAH,STATUS\n"
            "T1,O1,INV-OLD-1,03/02/2020 11:00,1.500.000,LUNAS\n"
            "T2,O2,INV-OLD-2,01/02/2020 08:00,250.000,LUNAS\n"
            "T3,O3,INV-OLD-3,02/03/2020 10:00,75.000,LUNAS\n")
PAYMENTS = ("ID,TAGIHAN,TGL,JUMLAH\n"
            "B1,T1,04/02/2020 09:00,1.500.000\n"
            "B2,T2,01/02/2020 09:00,250.000\n"
            "B3,T3,03/03/2020 09:00,75.000\n")


@pytest.fixture
def source(tmp_path):
    folder = tmp_path / "export"
    folder.mkdir()
    for name, text in (("pelanggan.csv", CONSUMERS), ("pesanan.csv", ORDERS), ("tagihan.csv", INVOICES),
                       ("bayar.csv", PAYMENTS)):
        (folder / name).write_text(text, encoding="utf-8")
    (tmp_path / "mapping.toml").write_text(MAPPING, encoding="utf-8")
    return folder


def _run(app, source, *args, mapping=None):
    mapping = mapping or source.parent / "mapping.toml"
    return app.test_cli_runner().invoke(args=["legacy", "import", str(source), "--mapping", str(mapping),
                                              "--report", str(source.parent / f"report-{uuid.uuid4().hex[:6]}"),
                                              "--lang", "en", "--quiet", *args])


def test_duplicates_merge_by_the_rule_and_a_changed_row_is_updated_on_the_next_run(app, source, users):
    users.make(email="ani@example.org", full_name="Ani Statdesk")
    result = _run(app, source)
    assert result.exit_code == 0 and "Reconciliation: matches" in result.output, result.output
    with app.app_context():
        siti = db.session.scalar(sa.select(User).where(User.email == "siti@contoh.id"))
        assert siti.full_name == "Siti Rahma" and siti.password_hash is None  # the first row wins
        assert siti.profile.phone == "+6281234567890"  # the duplicate filled a blank
        assert db.session.scalar(sa.select(sa.func.count(Order.id)).where(Order.user_id == siti.id)) == 2
        ani = db.session.scalar(sa.select(User).where(User.email == "ani@example.org"))
        assert ani.full_name == "Ani Statdesk"  # an existing account is never changed by a merge
        budi = db.session.scalar(sa.select(ConsumerProfile.phone).join(User).where(User.email == "budi@contoh.id"))
        assert budi == "+628123456789"
        assert db.session.scalar(sa.select(sa.func.count()).where(LegacyRecord.note == "merged")) == 2

    (source / "pesanan.csv").write_text(ORDERS.replace("75.000", "80.000"), encoding="utf-8")
    (source / "tagihan.csv").write_text(INVOICES.replace("75.000", "80.000"), encoding="utf-8")
    (source / "bayar.csv").write_text(PAYMENTS.replace("75.000", "80.000"), encoding="utf-8")
    again = _run(app, source)
    assert again.exit_code == 0, again.output
    assert "updated 1" in again.output and "inserted" not in again.output
    assert "Reconciliation: matches" in again.output
    with app.app_context():
        assert db.session.scalar(sa.select(Order.total).where(Order.number == "LAMA/3")) == 80_000
        assert db.session.scalar(sa.select(Invoice.amount).where(Invoice.number == "INV-OLD-3")) == 80_000
        assert db.session.scalar(sa.select(sa.func.count(Payment.id))) == 3


def test_a_run_that_breaks_resumes_after_its_last_committed_batch(app, source, monkeypatch):
    from orders import history

    real_insert = history.insert_payments
    calls = []

    def broken(rows):
        calls.append(rows)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real_insert(rows)

    monkeypatch.setattr(history, "insert_payments", broken)
    result = _run(app, source)
    assert result.exit_code != 0 and isinstance(result.exception, RuntimeError)
    with app.app_context():
        run = db.session.scalar(sa.select(LegacyRun))
        assert run.state == "failed" and run.checkpoint["payments"] == 3  # lines 2 and 3 committed
        assert db.session.scalar(sa.select(sa.func.count(Payment.id))) == 2
    monkeypatch.setattr(history, "insert_payments", real_insert)
    resumed = _run(app, source)
    assert resumed.exit_code == 0 and "Reconciliation: matches" in resumed.output, resumed.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(LegacyRun.id))) == 1  # the same run, resumed
        assert db.session.scalar(sa.select(LegacyRun.state)) == "done"
        assert db.session.scalar(sa.select(sa.func.count(Payment.id))) == 3
        assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 3


def test_a_bad_mapping_lists_every_problem_and_changes_nothing(app, source):
    bad = source.parent / "bad.toml"
    bad.write_text(MAPPING.replace('number = "NO"\nconsumer_id', 'nomor = "NO"\nconsumer_id')
                   .replace('SELESAI = "delivered"', 'SELESAI = "done"'), encoding="utf-8")
    result = _run(app, source, mapping=bad)
    assert result.exit_code != 0 and result.exception is None or isinstance(result.exception, SystemExit)
    assert "nomor is not a field of orders" in result.output
    assert "the required field number has no column" in result.output
    assert "done is not a Statdesk code of state" in result.output
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(LegacyRun.id))) == 0


@pytest.fixture
def app_config(app_config, request):
    if "page" in request.node.name:
        return dict(app_config, STATDESK_REDIS_URL=servers.redis_url(),
                    STATDESK_JOB_QUEUE=f"statdesk-test-{uuid.uuid4().hex[:8]}")
    return app_config


def test_the_administrators_page_runs_the_import_as_a_job_and_shows_its_progress_and_report(app, client, users,
                                                                                            login, source):
    from redis import Redis

    from core.jobs import run_worker

    consumer = users.make()
    login(consumer)
    assert client.get("/admin/legacy/").status_code == 403
    client.post("/logout")
    login(users.make("admin"))
    assert client.get("/admin/legacy/").status_code == 200
    files = [(io.BytesIO((source / name).read_bytes()), name) for name in
             ("pelanggan.csv", "pesanan.csv", "tagihan.csv", "bayar.csv")]
    response = client.post("/admin/legacy/", data={"mapping": (io.BytesIO(MAPPING.encode()), "mapping.toml"),
                                                   "files": files, "dry_run": ""},
                           content_type="multipart/form-data")
    assert response.status_code == 302, response.get_data(as_text=True)[:800]
    progress = response.headers["Location"]
    waiting = client.get(progress).get_data(as_text=True)
    assert 'http-equiv="refresh"' in waiting and "<progress" in waiting
    redis = Redis.from_url(app.config["STATDESK_REDIS_URL"])
    try:
        with app.app_context():
            run_worker(app, redis, burst=True)
        page = client.get(progress).get_data(as_text=True)
        assert "Import finished." in page or "Impor selesai." in page, page[:2000]
        assert 'http-equiv="refresh"' not in page
        report = re.search(r'href="([^"]+/report\.html)"', page).group(1)
        html = client.get(report).get_data(as_text=True)
        assert 'id="reconciliation"' in html and "differs</td>" not in html
        rejected = client.get(report.replace("report.html", "rejected.csv"))
        assert rejected.status_code == 200
        assert rejected.get_data(as_text=True).lstrip("\ufeff").startswith("entity,file,line")
        with app.app_context():
            assert db.session.scalar(sa.select(sa.func.count(Order.id))) == 3
        bad = client.post("/admin/legacy/", data={"mapping": (io.BytesIO(b"[orders]\nfile = 1"), "m.toml"),
                                                  "files": [(io.BytesIO(b"ID\n"), "a.csv")]},
                          content_type="multipart/form-data")
        assert bad.status_code == 400 and 'id="mapping-problems"' in bad.get_data(as_text=True)
    finally:
        queue = app.config["STATDESK_JOB_QUEUE"]
        for key in redis.scan_iter(f"*{queue}*"):
            redis.delete(key)


def test_an_imported_consumer_asks_for_the_link_on_request_and_never_means_never(app, client, source, outbox):
    on_request = source.parent / "on_request.toml"
    on_request.write_text(MAPPING.replace('contact = "never"', 'contact = "on_request"'), encoding="utf-8")
    assert _run(app, source, mapping=on_request).exit_code == 0
    assert outbox() == []  # nobody is written to at the import
    for email in ("budi@contoh.id", "nobody@contoh.id"):
        page = client.post("/account/claim/", data={"email": email})
        assert page.status_code == 200 and email in page.get_data(as_text=True)
    sent = outbox()
    assert [m.recipient for m in sent] == ["budi@contoh.id"]
    link = re.search(r"(/password/reset/\S+)", sent[0].body_text).group(1)
    assert client.post(link, data={"password": "Kunci-Lama-7391!", "confirm": "Kunci-Lama-7391!"}).status_code == 302
    assert client.post("/login", data={"email": "budi@contoh.id", "password": "Kunci-Lama-7391!"}).status_code == 302
    assert "LAMA/3" in client.get("/orders").get_data(as_text=True)


def test_never_contacted_consumers_get_no_link(app, client, source, outbox):
    assert _run(app, source).exit_code == 0  # contact = "never"
    assert client.post("/account/claim/", data={"email": "budi@contoh.id"}).status_code == 200
    assert client.post("/account/claim/", data={"email": "not an address"}).status_code == 200
    assert client.post("/account/claim/", data={"email": ""}).status_code == 400
    assert outbox() == []
