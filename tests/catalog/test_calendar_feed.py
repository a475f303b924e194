"""The iCalendar feed parses and lists the scheduled releases."""

from datetime import timedelta

from icalendar import Calendar


def test_ics_feed_parses_and_lists_scheduled_releases(client, items, frozen_now):
    at = frozen_now + timedelta(days=10)
    items.make(status="scheduled", release_at=at, title="Berita Resmi Statistik Inflasi April")
    items.make(status="draft", title="Draf Tak Terjadwal")
    response = client.get("/catalog/calendar.ics")
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    events = Calendar.from_ical(response.data).walk("VEVENT")
    summaries = {str(e["summary"]): e for e in events}
    assert "Berita Resmi Statistik Inflasi April" in summaries
    assert "Draf Tak Terjadwal" not in summaries
    assert summaries["Berita Resmi Statistik Inflasi April"].decoded("dtstart") == at


def test_month_follows_local_time(client, items, frozen_now):
    from datetime import UTC, datetime

    items.make(status="scheduled", release_at=datetime(2026, 3, 31, 17, 30, tzinfo=UTC),  # 1 April 00:30 WIB
               title="Rilis Tengah Malam April")
    assert "Rilis Tengah Malam April" in client.get("/catalog/calendar?year=2026&month=4").get_data(as_text=True)
    assert "Rilis Tengah Malam April" not in client.get("/catalog/calendar?year=2026&month=3").get_data(as_text=True)


def test_nonsense_months_fall_back_to_this_month(client, frozen_now):
    for query in ("year=1&month=1", "year=abc&month=2", "year=2026&month=13", "year=99999999999999999999&month=1"):
        assert client.get(f"/catalog/calendar?{query}").status_code == 200
