"""A release followed by 1,000 people, directly or through its series, subject, region, producer or a saved
search, gives each exactly one alert in the language and channel they chose, also when the fan-out runs
twice, and (PostgreSQL) when two RQ workers on Redis run it at the same time."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from catalog import services as catalog_services
from core.extensions import db
from core.models import OutboxMessage
from subscriptions import fanout, matching
from subscriptions.models import Alert, AlertEvent, Frequency, Subscription, Target
from tests.subscriptions.conftest import bulk_follow, bulk_users

FOLLOWERS = 1000
TITLE_ID = "Indeks Harga Konsumen Kota Mataram Januari 2026"
TITLE_EN = "Consumer Price Index of Mataram City January 2026"


def _mixed_followers(item) -> dict[int, tuple]:
    """1,000 followers, each expected to hear of ``item`` once through the subscription noted for them."""
    ids = bulk_users(FOLLOWERS, "follower")
    outsiders = bulk_users(50, "outsider")
    search = urlencode({"q": "harga konsumen", "region": "52"})
    targets = [(Target.ITEM, str(item.id)), (Target.SERIES, matching.series_key(item)),
               (Target.SUBJECT, "EKO"), (Target.REGION, "52"), (Target.PRODUCER, item.unit),
               (Target.SEARCH, search)]
    expected, rows = {}, []
    for n, user_id in enumerate(ids):
        target, value = targets[n % len(targets)]
        frequency = Frequency.DAILY if n % 7 == 0 else Frequency.INSTANT
        by_email, in_site = [(True, True), (True, False), (False, True)][n % 3]
        language = "en" if n % 2 else "id"
        rows.append((user_id, target, value, frequency, by_email, in_site, language))
        expected[user_id] = (target, frequency, by_email, in_site, language)
        if n % 5 == 0 and target is not Target.REGION:  # a second, less specific follow of the same release
            rows.append((user_id, Target.REGION, "5271", Frequency.WEEKLY, True, True, "id"))
    rows += [(user_id, Target.SUBJECT, "SOS", Frequency.INSTANT, True, True, "id") for user_id in outsiders]
    bulk_follow(rows)
    return expected


def _released_item(app, items, editor) -> int:
    item_id = items.make(kind="table", status="draft", title=TITLE_ID, region="5271", subject="EKO.HRG",
                         unit="Bidang Statistik Distribusi")
    with app.app_context():
        item = db.session.get(catalog_services.Item, item_id)
        item.title_en = TITLE_EN
        db.session.commit()
    return item_id


def _check_exactly_once(expected: dict[int, tuple], item_id: int) -> None:
    alerts = db.session.scalars(sa.select(Alert)).all()
    assert len(alerts) == FOLLOWERS
    assert Counter(a.user_id for a in alerts) == Counter(dict.fromkeys(expected, 1))
    chosen = {s.id: s for s in db.session.scalars(sa.select(Subscription))}
    for alert in alerts:
        target, frequency, by_email, in_site, language = expected[alert.user_id]
        assert chosen[alert.subscription_id].target is target
        assert (alert.frequency, alert.by_email, alert.in_site, alert.language) == (frequency, by_email, in_site,
                                                                                     language)
    mails = db.session.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "subscription_alert")).all()
    emails = {u.id: u.email for u in db.session.scalars(sa.select(fanout.User).where(
        fanout.User.id.in_(list(expected))))}
    wanted = {emails[uid]: exp[4] for uid, exp in expected.items() if exp[2] and exp[1] is Frequency.INSTANT}
    assert Counter(m.recipient for m in mails) == Counter(dict.fromkeys(wanted, 1))
    for mail in mails:
        title = TITLE_EN if wanted[mail.recipient] == "en" else TITLE_ID
        assert title in mail.subject and title in mail.body_text
        assert mail.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert mail.headers["List-Unsubscribe"].startswith("<http")


def test_a_thousand_followers_each_get_one_alert_even_when_the_fan_out_runs_twice(app, items, editor):
    item_id = _released_item(app, items, editor)
    with app.app_context():
        expected = _mixed_followers(db.session.get(catalog_services.Item, item_id))
        catalog_services.release_now(editor(), item_id)  # the signal stores the event after the commit
        event = db.session.scalar(sa.select(AlertEvent))
        assert event.key == f"released:{item_id}" and event.fanned_out_at is None
        assert fanout.pending_events() == FOLLOWERS
        assert fanout.pending_events() == 0
        db.session.execute(sa.update(AlertEvent).values(fanned_out_at=None))  # a job retried after a crash
        db.session.commit()
        assert fanout.fan_out(event.id) == 0
        _check_exactly_once(expected, item_id)
        assert db.session.get(AlertEvent, event.id).recipients == FOLLOWERS


def test_withdrawal_alert_carries_the_reason_and_a_version_its_changelog(app, items, editor, users):
    item_id = items.make(kind="publication", status="released", region="5271", subject="EKO.HRG")
    with app.app_context():
        [user_id] = bulk_users(1, "reader", locale="en")
        bulk_follow([(user_id, Target.ITEM, str(item_id), Frequency.INSTANT, True, True, "en")])
        catalog_services.publish_version(editor(), item_id, "Revised figures for February.")
        catalog_services.withdraw(editor(), item_id, "An error in the weights.")
        fanout.pending_events()
        bodies = [m.body_text for m in db.session.scalars(sa.select(OutboxMessage).order_by(OutboxMessage.id))]
    assert len(bodies) == 2
    assert "Revised figures for February." in bodies[0] and "Version 2" in bodies[0]
    assert "An error in the weights." in bodies[1] and "withdrawn" in bodies[1]


def test_daily_digest_gathers_waiting_alerts_into_one_message(app, items, editor):
    from datetime import timedelta

    from core import clock

    first = items.make(status="draft", subject="EKO.HRG")
    second = items.make(status="draft", subject="EKO.HRG")
    with app.app_context():
        [user_id] = bulk_users(1, "digest")
        bulk_follow([(user_id, Target.SUBJECT, "EKO", Frequency.DAILY, True, True, "id")])
        catalog_services.release_now(editor(), first)
        catalog_services.release_now(editor(), second)
        fanout.pending_events()
        assert fanout.send_digests() == 0  # not before the day is over
        db.session.execute(sa.update(Alert).values(created_at=clock.now() - timedelta(days=1)))
        db.session.commit()
        assert fanout.send_digests() == 1
        assert fanout.send_digests() == 0
        [mail] = db.session.scalars(sa.select(OutboxMessage)).all()
    assert mail.kind == "subscription_digest" and mail.headers["List-Unsubscribe"]


# -- two RQ workers at once (PostgreSQL + Redis) ------------------------------------------------------

@pytest.fixture
def redis_queue(app_config):
    import uuid

    from tests.support import servers

    return servers.redis_url(), f"statdesk-alerts-{uuid.uuid4().hex[:8]}"


def _workers_env(app, redis_url: str, queue: str) -> dict:
    return dict(os.environ, DATABASE_URL=app.config["SQLALCHEMY_DATABASE_URI"], STATDESK_REDIS_URL=redis_url,
                STATDESK_JOB_QUEUE=queue, SECRET_KEY=app.config["SECRET_KEY"], STATDESK_ENV="testing",
                STATDESK_STORAGE_DIR=app.config["STATDESK_STORAGE_DIR"],
                STATDESK_SEARCH_DIR=app.config["STATDESK_SEARCH_DIR"],
                FLASK_APP="app")


def test_two_rq_workers_running_the_fan_out_at_once_alert_each_follower_once(app, backend, items, editor,
                                                                            redis_queue):
    if backend != "postgresql":
        pytest.skip("PostgreSQL only: two worker processes write at the same moment")
    from redis import Redis

    from core.jobs import job_queue

    redis_url, queue = redis_queue
    app.config.update(STATDESK_REDIS_URL=redis_url, STATDESK_JOB_QUEUE=queue)
    item_id = _released_item(app, items, editor)
    connection = Redis.from_url(redis_url)
    try:
        with app.app_context():
            expected = _mixed_followers(db.session.get(catalog_services.Item, item_id))
            catalog_services.release_now(editor(), item_id)  # queues the job after the commit
            event_id = db.session.scalar(sa.select(AlertEvent.id))
            rq = job_queue(app, connection)
            rq.enqueue(fanout.run_job, event_id)  # the same job once more: a retry, or a second scheduler
            assert rq.count == 2
            env = _workers_env(app, redis_url, queue)
            workers = [subprocess.Popen([sys.executable, "-m", "flask", "jobs", "worker", "--burst"], env=env,
                                        cwd=os.path.dirname(os.path.dirname(os.path.dirname(__file__))),
                                        stdout=subprocess.PIPE, stderr=subprocess.STDOUT) for _ in range(2)]
            outputs = [worker.communicate(timeout=300)[0].decode() for worker in workers]
            assert [w.returncode for w in workers] == [0, 0], outputs
            assert rq.count == 0 and rq.failed_job_registry.count == 0, outputs
            db.session.expire_all()
            _check_exactly_once(expected, item_id)
    finally:
        for key in connection.scan_iter(f"*{queue}*"):
            connection.delete(key)
