"""The release calendar people can plan with: filters, bilingual titles, announcement pages, .ics feeds (whole,
filtered, personal) whose every URL answers 200 and whose SEQUENCE rises when a date moves, Atom feeds."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

import feedparser
import sqlalchemy as sa
from icalendar import Calendar

from catalog import services as catalog_services
from core import clock
from core.extensions import db
from subscriptions import fanout
from subscriptions.models import AlertEvent, EventKind, Frequency, Target
from tests.subscriptions.conftest import bulk_follow, bulk_users


def _events(response) -> dict[str, object]:
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    return {str(e["uid"]): e for e in Calendar.from_ical(response.data).walk("VEVENT")}


def _path(url: str) -> str:
    parts = urlsplit(str(url))
    return parts.path + (f"?{parts.query}" if parts.query else "")


def _calendar_items(items):
    soon = clock.now() + timedelta(days=5)
    return {
        "cpi": items.make(kind="table", status="scheduled", release_at=soon, subject="EKO.HRG", region="5271",
                          unit="Bidang Statistik Distribusi", title="Indeks Harga Konsumen Mataram April 2026"),
        "poverty": items.make(kind="publication", status="scheduled", release_at=soon + timedelta(days=1),
                              subject="SOS.MSK", region="5203", title="Profil Kemiskinan Lombok Timur 2026"),
        "released": items.make(kind="publication", status="released", subject="SOS.MSK", region="5203",
                               title="Statistik Kesejahteraan Rakyat 2025"),
    }


def test_every_ics_event_url_answers_200_and_titles_follow_the_language(client, items):
    made = _calendar_items(items)
    for query in ("", "?lang=en", "?kind=table", "?subject=SOS", "?region=52", "?producer=Bidang+Statistik+Distribusi"):
        events = _events(client.get(f"/catalog/calendar.ics{query}"))
        assert events, query
        for event in events.values():
            assert client.get(_path(event["url"])).status_code == 200, (query, event["url"])
            assert str(event["description"]).strip()
    whole = _events(client.get("/catalog/calendar.ics?lang=id"))
    assert {f"catalog-item-{i}@statdesk" for i in made.values()} <= set(whole)
    english = _events(client.get("/catalog/calendar.ics?lang=en"))
    cpi = f"catalog-item-{made['cpi']}@statdesk"
    assert str(whole[cpi]["summary"]).startswith("Indeks Harga") and str(english[cpi]["summary"]).startswith("Test")
    assert "Indeks Harga Konsumen" in str(english[cpi]["description"])  # both titles in the description
    tables = _events(client.get("/catalog/calendar.ics?kind=table"))
    assert set(tables) == {cpi}
    assert set(_events(client.get("/catalog/calendar.ics?region=5203"))) == {
        f"catalog-item-{made['poverty']}@statdesk", f"catalog-item-{made['released']}@statdesk"}


def test_the_calendar_page_filters_and_links_to_announcements_before_the_release(client, items):
    made = _calendar_items(items)
    month = (clock.now() + timedelta(days=5)).astimezone(clock.now().tzinfo)
    html = client.get(f"/catalog/calendar?year={month.year}&month={month.month}&subject=EKO&lang=en").get_data(
        as_text=True)
    assert f"/catalog/{made['cpi']}/announcement" in html and "Profil Kemiskinan" not in html
    assert "Test Statistics" in html  # English titles in English
    assert "/12/" not in html.split("</h1>")[0]  # the month is named, not "12/2026"
    announcement = client.get(f"/catalog/{made['cpi']}/announcement?lang=en")
    assert announcement.status_code == 200
    text = announcement.get_data(as_text=True)
    assert "Bidang Statistik Distribusi" in text and "Scheduled release" in text
    assert client.get(f"/catalog/{made['cpi']}").status_code == 404  # the item itself stays hidden until then


def test_a_moved_release_raises_sequence_and_alerts_followers(app, client, items, editor):
    made = _calendar_items(items)
    uid = f"catalog-item-{made['cpi']}@statdesk"
    before = int(_events(client.get("/catalog/calendar.ics"))[uid]["sequence"])
    with app.app_context():
        [user_id] = bulk_users(1, "planner")
        bulk_follow([(user_id, Target.ITEM, str(made["cpi"]), Frequency.INSTANT, True, True, "en")])
        catalog_services.schedule_release(editor(), made["cpi"], clock.now() + timedelta(days=9))
        event = db.session.scalar(sa.select(AlertEvent))
        assert event.kind is EventKind.MOVED
        fanout.pending_events()
        from core.models import OutboxMessage

        [mail] = db.session.scalars(sa.select(OutboxMessage)).all()
    assert "has moved from" in mail.body_text
    moved = _events(client.get("/catalog/calendar.ics"))[uid]
    assert int(moved["sequence"]) == before + 1
    assert moved.decoded("dtstart") > clock.now() + timedelta(days=8)


def test_personal_ics_feed_lists_what_i_follow_and_refuses_a_forged_key(app, client, users, login, items):
    made = _calendar_items(items)
    login(users.make("consumer"))
    client.post("/subscriptions/follow", data={"target": "subject", "value": "SOS", "frequency": "instant",
                                               "in_site": "y", "language": "id"})
    page = client.get("/subscriptions/").get_data(as_text=True)
    import re

    feed_url = re.search(r'href="([^"]+)" id="my-calendar"', page).group(1)
    anonymous = app.test_client()  # calendar programs have no session
    events = _events(anonymous.get(_path(feed_url)))
    assert set(events) == {f"catalog-item-{made['poverty']}@statdesk", f"catalog-item-{made['released']}@statdesk"}
    for event in events.values():
        assert anonymous.get(_path(event["url"])).status_code == 200
    assert anonymous.get(_path(feed_url)[:-10] + "AAAAAA.ics").status_code == 404


def test_atom_feeds_per_subject_region_and_saved_search_parse(client, items):
    made = _calendar_items(items)
    subject = feedparser.parse(client.get("/subscriptions/feeds/subject/SOS.atom").data)
    assert not subject.bozo and subject.feed.title
    assert [e.link for e in subject.entries] == [f"http://127.0.0.1:5000/catalog/{made['released']}"]
    region = feedparser.parse(client.get("/subscriptions/feeds/region/52.atom?lang=en").data)
    assert not region.bozo and [e.title for e in region.entries][0].startswith("Test Statistics")
    search = client.get("/subscriptions/feeds/search.atom?q=kesejahteraan+rakyat")
    parsed = feedparser.parse(search.data)
    assert search.mimetype == "application/atom+xml" and not parsed.bozo
    assert [e.id for e in parsed.entries] == [f"tag:statdesk,2026:catalog-item-{made['released']}"]
    assert client.get("/subscriptions/feeds/subject/NOPE.atom").status_code == 404
    assert client.get("/subscriptions/feeds/search.atom?q=").status_code == 400
