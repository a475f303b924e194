"""The knowledge base: promote an accepted answer, edit both languages, publish; the public finds it."""

from __future__ import annotations

import re

import pytest

from core.extensions import db
from helpdesk.models import FaqEntry
from search_index import service
from search_index.backend import SearchRequest
from search_index.query import parse
from tests.helpdesk.helpers import start, thread

ENGLISH = {"category": "data", "question_id": "Di mana data penduduk per desa?",
           "question_en": "Where is population data by village?",
           "answer_id": "Lihat publikasi **Kecamatan Dalam Angka**.",
           "answer_en": "See the **District in Figures** publication.", "published": "1"}


@pytest.fixture
def accepted(app, client, users, login):
    author, colleague = users.make("operator"), users.make("operator")
    thread_id = start(app, author, body="Konsumen menanyakan penduduk per desa. Rahasia internal: nomor HP 0812.")
    login(colleague)
    client.post(f"/helpdesk/forum/{thread_id}/reply", data={"body": "Ada di Kecamatan Dalam Angka."})
    with app.app_context():
        post_id = thread(thread_id).posts[1].id
    client.post("/logout")
    login(author)
    client.post(f"/helpdesk/forum/{thread_id}/accept/{post_id}")
    return thread_id


def promote(client, thread_id) -> int:
    response = client.post(f"/helpdesk/faq/promote-thread/{thread_id}")
    assert response.status_code == 302
    return int(response.headers["Location"].rstrip("/").rsplit("/", 1)[1])


def search(app, text: str) -> list[tuple[str, str]]:
    with app.app_context():
        result = service.backend().search(SearchRequest(query=parse(text)))
        return [(hit.source, hit.key) for hit in result.hits]


def test_a_promoted_answer_is_a_draft_until_published_in_both_languages(app, client, accepted):
    entry_id = promote(client, accepted)
    with app.app_context():
        entry = db.session.get(FaqEntry, entry_id)
        assert not entry.published and entry.answer_id == "Ada di Kecamatan Dalam Angka."
    assert client.get(f"/faq/{entry_id}").status_code == 404
    assert search(app, "kecamatan") == []
    half = dict(ENGLISH, question_en="", answer_en="")
    assert client.post(f"/helpdesk/faq/{entry_id}", data=half).status_code == 400
    assert client.post(f"/helpdesk/faq/{entry_id}", data=ENGLISH).status_code == 302
    page = client.get(f"/faq/{entry_id}").get_data(as_text=True)
    assert "Kecamatan Dalam Angka</strong>" in page and "0812" not in page
    assert search(app, "penduduk desa") == [("faq", str(entry_id))]
    assert search(app, "village population") == [("faq", str(entry_id))]
    unpublished = dict(ENGLISH, published="")
    client.post(f"/helpdesk/faq/{entry_id}", data=unpublished)
    assert search(app, "penduduk desa") == [] and client.get(f"/faq/{entry_id}").status_code == 404


def test_suggestions_while_typing_a_question(app, client, accepted, users, login):
    entry_id = promote(client, accepted)
    client.post(f"/helpdesk/faq/{entry_id}", data=ENGLISH)
    client.post("/logout")
    consumer = users.make()
    login(consumer)
    found = client.get("/faq/suggest?q=data penduduk desa").get_json()["suggestions"]
    assert found == [{"question": "Di mana data penduduk per desa?", "url": f"/faq/{entry_id}"}]
    assert client.get("/faq/suggest?q=pe").get_json() == {"suggestions": []}
    assert client.get("/faq/suggest?q=kelautan").get_json() == {"suggestions": []}
    form = client.get("/consultations/new").get_data(as_text=True)
    assert re.search(r"/faq/static/faq-suggest\.[0-9a-f]{10}\.js", form)  # content-hashed name


def test_the_search_page_shows_faq_entries_beside_catalog_items(app, client, accepted):
    entry_id = promote(client, accepted)
    client.post(f"/helpdesk/faq/{entry_id}", data=ENGLISH)
    client.post("/logout")
    html = client.get("/search?q=penduduk+desa").get_data(as_text=True)
    assert f'data-key="faq:{entry_id}"' in html and "FAQ" in html


def test_promotion_needs_an_accepted_answer_and_staff(app, client, users, login):
    author = users.make("operator")
    thread_id = start(app, author)
    login(author)
    assert client.post(f"/helpdesk/faq/promote-thread/{thread_id}").status_code == 409
    client.post("/logout")
    for role in (None, "finance", "producer"):
        email = users.make(role) if role else users.make()
        login(email)
        assert client.post(f"/helpdesk/faq/promote-thread/{thread_id}").status_code in (403, 404)
        assert client.get("/helpdesk/faq/").status_code in (403, 404)
        client.post("/logout")
    assert client.get("/helpdesk/faq/").status_code in (302, 401)


def test_promoting_a_resolved_request(app, client, users, login):
    from tests.consultation.helpers import open_request

    operator = users.make("operator")
    login(operator)
    assert client.post("/helpdesk/faq/promote-request", data={"number": "KNS-0000-404"}).status_code == 404
    number = open_request(app, users.make())
    assert client.post("/helpdesk/faq/promote-request", data={"number": number}).status_code == 409


def test_public_faq_lists_only_published_entries(app, client, accepted):
    draft = promote(client, accepted)
    published = promote(client, accepted)
    client.post(f"/helpdesk/faq/{published}", data=ENGLISH)
    client.post("/logout")
    html = client.get("/faq/").get_data(as_text=True)
    assert f"/faq/{published}" in html and f"/faq/{draft}" not in html
    assert client.get("/faq/?lang=en").status_code == 200
    assert client.get("/faq/999999").status_code == 404


@pytest.mark.parametrize("role", [None, "consumer", "operator", "supervisor", "admin"])
def test_forum_content_and_drafts_never_reach_search(app, client, accepted, users, login, role):
    draft = promote(client, accepted)  # a draft holds the accepted forum answer's text
    client.post("/logout")
    if role:
        login(users.make(role) if role != "consumer" else users.make())
    for text in ("rahasia internal", "0812", "Kecamatan Dalam Angka", "penduduk desa"):
        page = client.get("/search", query_string={"q": text}).get_data(as_text=True)
        assert "search-hit" not in page, (role, text)
        assert client.get("/api/v1/search", query_string={"q": text}).get_json()["total"] == 0
        assert client.get("/faq/suggest", query_string={"q": text}).get_json() == {"suggestions": []}
    assert client.get(f"/faq/{draft}").status_code == 404
