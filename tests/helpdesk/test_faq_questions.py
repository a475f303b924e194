"""FAQ suggestions understand questions (through the search backend); categories read as words; the demo
has entries; the FAQ and help pages are linked from every page."""

import sqlalchemy as sa

from core.extensions import db
from helpdesk.models import FaqEntry


def _demo(app):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output


def test_a_question_in_plain_words_finds_its_entry(app, client):
    _demo(app)
    with app.app_context():
        kbli = db.session.scalar(sa.select(FaqEntry.id).where(FaqEntry.question_id.contains("KBLI")))
    for text in ("Berapa kode KBLI untuk kopi keliling?", "kode KBLI kopi keliling", "kbli kopi"):
        found = client.get("/faq/suggest", query_string={"q": text}).get_json()["suggestions"]
        assert found and found[0]["url"] == f"/faq/{kbli}", text
    english = client.get("/faq/suggest", query_string={"q": "What is the KBLI code for mobile coffee?", "lang": "en"})
    assert english.get_json()["suggestions"][0]["question"].startswith("What is the KBLI code")
    assert client.get("/faq/suggest", query_string={"q": "zzzqqq xxyyzz"}).get_json() == {"suggestions": []}


def test_categories_are_translated_and_the_faq_is_linked_from_every_page(app, client):
    _demo(app)
    page = client.get("/faq/").get_data(as_text=True)
    assert "Mencari data" in page and ">data<" not in page
    english = client.get("/faq/?lang=en").get_data(as_text=True)
    assert "Finding data" in english
    for path in ("/", "/login", "/search?q=kopi", "/help", "/contact", "/about", "/privacy"):
        html = client.get(path).get_data(as_text=True)
        for link in ('href="/faq/"', 'href="/help"', 'href="/contact"', 'href="/about"', 'href="/privacy"'):
            assert link in html, (path, link)
    assert "Jl. Dr. Sutomo" in client.get("/contact").get_data(as_text=True)
    assert "Senin – Jumat: 08:00 – 16:00" in client.get("/contact?lang=id").get_data(as_text=True)
