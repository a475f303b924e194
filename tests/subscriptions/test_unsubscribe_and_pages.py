"""One-click unsubscribe without a session (RFC 8058), forged and reused tokens refused; following from the
item page, my subscriptions, the notifications list and its unread count in the header."""

from __future__ import annotations

import re
from email import message_from_bytes, policy

import sqlalchemy as sa

from catalog import services as catalog_services
from core.extensions import db
from core.mail import MemoryTransport
from core.outbox import deliver_due
from subscriptions import fanout, tokens
from subscriptions.models import Alert, Frequency, Subscription, Target
from tests.subscriptions.conftest import bulk_follow, bulk_users


def _alert_mail(app, items, editor):
    item_id = items.make(status="draft", subject="EKO.HRG")
    with app.app_context():
        [user_id] = bulk_users(1, "unsub")
        bulk_follow([(user_id, Target.SUBJECT, "EKO", Frequency.INSTANT, True, True, "en")])
        catalog_services.release_now(editor(), item_id)
        fanout.pending_events()
        transport = MemoryTransport()
        deliver_due(transport)
        [sent] = transport.sent
    return message_from_bytes(bytes(sent), policy=policy.default)


def test_the_sent_alert_has_rfc8058_headers_and_one_post_unsubscribes_without_a_session(app, items, editor):
    mail = _alert_mail(app, items, editor)
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    url = re.fullmatch(r"<(.+)>", mail["List-Unsubscribe"]).group(1)
    path = url.split("127.0.0.1:5000", 1)[1]
    body = mail.get_body(("plain",)).get_content()
    assert url in body
    client = app.test_client()  # no session, no cookie, no CSRF token: what a mail client sends
    page = client.get(path)
    assert page.status_code == 200 and "unsubscribe-button" in page.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Subscription)) == 1  # GET changes nothing
    response = client.post(path, data={"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200 and 'id="unsubscribed"' in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Subscription)) == 0
    assert client.post(path).status_code == 410  # reused
    assert client.get(path).status_code == 410


def test_forged_tokens_are_refused(app, items, editor):
    mail = _alert_mail(app, items, editor)
    path = re.fullmatch(r"<(.+)>", mail["List-Unsubscribe"]).group(1).split("127.0.0.1:5000", 1)[1]
    token = path.rsplit("/", 1)[1]
    client = app.test_client()
    with app.app_context():
        subscription = db.session.scalar(sa.select(Subscription))
        forged = [token[:-2] + ("AA" if not token.endswith("AA") else "BB"), "not-a-token",
                  tokens.sign([subscription.id, subscription.token_nonce], tokens.UNSUBSCRIBE_SALT,
                              secret="another-site-secret"),
                  tokens.unsubscribe_token(subscription.id, "0" * 32)]  # signed, but not this subscription's
    for bad in forged[:3]:
        assert client.post(f"/subscriptions/unsubscribe/{bad}").status_code == 400
    assert client.post(f"/subscriptions/unsubscribe/{forged[3]}").status_code == 410
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Subscription)) == 1


def test_follow_from_the_item_page_manage_it_and_read_notifications(app, client, users, login, items, editor):
    item_id = items.make(status="draft", subject="EKO.HRG", region="5271", title="Inflasi Kota Mataram Maret 2026")
    login(users.make("consumer"))
    client.get("/catalog/?lang=en")  # the header's words below are English
    announcement = client.get(f"/catalog/{item_id}/announcement")
    assert announcement.status_code == 404  # a draft is announced to nobody
    with app.app_context():
        from datetime import timedelta

        from core import clock

        item = db.session.get(catalog_services.Item, item_id)
        item.status, item.release_at = catalog_services.ReleaseStatus.SCHEDULED, clock.now() + timedelta(days=3)
        db.session.commit()
    page = client.get(f"/catalog/{item_id}/announcement").get_data(as_text=True)
    follow_url = re.search(r'href="([^"]+)" id="follow-item"', page).group(1).replace("&amp;", "&")
    follow_page = client.get(follow_url)
    assert follow_page.status_code == 200
    html = follow_page.get_data(as_text=True)
    series = re.search(r'value="(series\|[^"]+)"', html)
    assert series and "Every period of this series: Test Statistics<" in html
    response = client.post("/subscriptions/follow", data={"choice": series.group(1),
                                                           "frequency": "instant", "by_email": "y", "in_site": "y",
                                                           "language": "en"})
    assert response.status_code == 302
    listing = client.get("/subscriptions/").get_data(as_text=True)
    assert "Test Statistics</td>" in listing  # the series in the subscription's language, without the period
    with app.app_context():
        subscription = db.session.scalar(sa.select(Subscription))
        assert subscription.target is Target.SERIES and subscription.language == "en"
        subscription_id = subscription.id
        catalog_services.release_now(editor(), item_id)
        fanout.pending_events()
    home = client.get("/subscriptions/").get_data(as_text=True)
    assert re.search(r'Notifications <span class="badge[^"]*">1<', home)
    notes = client.get("/subscriptions/notifications").get_data(as_text=True)
    assert re.search(r"Test Statistics \d+</a>", notes)  # in the subscription's language
    assert client.post("/subscriptions/notifications/read").status_code == 302
    assert not re.search(r'Notifications <span class="badge', client.get("/subscriptions/").get_data(as_text=True))
    # change, then end
    assert client.post(f"/subscriptions/{subscription_id}", data={
        f"s{subscription_id}-frequency": "weekly", f"s{subscription_id}-language": "id",
        f"s{subscription_id}-in_site": "y"}).status_code == 302
    with app.app_context():
        changed = db.session.get(Subscription, subscription_id)
        assert (changed.frequency, changed.by_email, changed.language) == (Frequency.WEEKLY, False, "id")
    assert client.post(f"/subscriptions/{subscription_id}/end").status_code == 302
    with app.app_context():
        assert db.session.get(Subscription, subscription_id) is None
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Alert)) == 1  # the history stays


def test_nobody_follows_what_they_cannot_see_or_changes_someone_elses(app, client, users, login, items):
    draft = items.make(status="draft")
    owner = users.make("consumer")
    with app.app_context():
        user_id = db.session.scalar(sa.select(fanout.User.id).where(fanout.User.email == owner))
        bulk_follow([(user_id, Target.SUBJECT, "EKO", Frequency.INSTANT, True, True, "id")])
        theirs = db.session.scalar(sa.select(Subscription.id))
    login(users.make("consumer"))
    assert client.get(f"/subscriptions/follow?item_id={draft}").status_code == 404
    assert client.post("/subscriptions/follow", data={"target": "item", "value": str(draft), "frequency": "instant",
                                                       "in_site": "y", "language": "id"}).status_code == 303
    assert client.post("/subscriptions/follow", data={"target": "nonsense", "value": "x", "frequency": "instant",
                                                       "in_site": "y", "language": "id"}).status_code == 303
    assert client.post("/subscriptions/follow", data={"target": "subject", "value": "EKO", "frequency": "instant",
                                                       "language": "id"}).status_code == 303  # no channel
    assert client.post(f"/subscriptions/{theirs}/end").status_code == 404
    assert client.post(f"/subscriptions/{theirs}", data={f"s{theirs}-frequency": "daily",
                                                         f"s{theirs}-language": "id"}).status_code == 303
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Subscription)) == 1
        assert db.session.get(Subscription, theirs).frequency is Frequency.INSTANT
    assert app.test_client().get("/subscriptions/").status_code in (302, 401)


def test_twenty_simultaneous_uses_of_one_link_unsubscribe_once(app, backend, items, editor):
    import pytest

    if backend != "postgresql":
        pytest.skip("PostgreSQL only: twenty requests at the same moment")
    from tests.support.concurrency import run_together

    mail = _alert_mail(app, items, editor)
    path = re.fullmatch(r"<(.+)>", mail["List-Unsubscribe"]).group(1).split("127.0.0.1:5000", 1)[1]
    statuses = run_together(lambda _: app.test_client().post(path).status_code)
    assert sorted(statuses) == [200] + [410] * 19
