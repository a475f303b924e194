"""Indonesian by default, English on request: pages, e-mails, error pages and the catalogs."""

import pytest

from scripts import i18n

SAMPLES = [
    ("/", "Pelayanan data statistik terpadu", "Integrated statistical data service"),
    ("/login", "Lupa kata sandi?", "Forgot your password?"),
    ("/register", "Buat akun", "Create an account"),
    ("/password/forgot", "Kirim tautan", "Send the link"),
    ("/no-such-page", "Halaman tidak ditemukan", "Page not found"),
]


@pytest.mark.parametrize(("path", "indonesian", "english"), SAMPLES)
def test_pages_speak_indonesian_by_default_and_english_on_request(app, path, indonesian, english):
    client = app.test_client()
    assert indonesian in client.get(path).get_data(as_text=True)
    assert english in client.get(path, query_string={"lang": "en"}).get_data(as_text=True)


def test_the_language_choice_sticks_for_the_session(client):
    client.get("/language/en")
    assert "Forgot your password?" in client.get("/login").get_data(as_text=True)
    client.get("/language/id")
    assert "Lupa kata sandi?" in client.get("/login").get_data(as_text=True)


def test_language_switch_only_redirects_within_the_site(client):
    assert client.get("/language/en?next=https://evil.example/").headers["Location"] == "/"
    assert client.get("/language/en?next=/login").headers["Location"] == "/login"


def test_emails_are_written_in_the_recipients_language(client, outbox):
    from tests.accounts.helpers import REGISTRATION

    client.post("/register", data=dict(REGISTRATION, locale="en"))
    client.post("/register", data=dict(REGISTRATION, email="ketut@example.org", locale="id"))
    english, indonesian = outbox()
    assert english.subject.startswith("Confirm your e-mail address")
    assert indonesian.subject.startswith("Konfirmasikan alamat e-mail Anda")


def test_every_interface_string_has_an_indonesian_translation():
    assert i18n.missing() == []


def test_every_stored_code_has_a_label_in_both_languages():
    """Each member of every enum kept in a column has a ``label`` that is not the code itself (the check that
    ``scripts/i18n.py check`` runs)."""
    assert i18n.unlabelled_codes() == []


def test_the_check_finds_a_code_printed_as_text(tmp_path):
    template = tmp_path / "page.html"
    template.write_text('<td>{{ row.status.value }}</td>\n<option value="{{ s.value }}">{{ s.label }}</option>\n'
                        "{{ badge(m.state.value) }}\n{% if x %}{{ 'on' if m.state.value == 'sent' }}{% endif %}\n",
                        encoding="utf-8")
    problems = i18n.raw_codes([str(template)])
    assert [problem.split(": ")[0].rsplit(":", 1)[1] for problem in problems] == ["1", "3"]
    assert i18n.raw_codes() == []


RAW_CODES = ("consultation", "complaint", "fulfilment", "assigned", "queued", "held", "pending", "sent", "walk_in",
             "government", "per_unit", "bank_simulator", "least_loaded", "nobody_on_duty")


def _visible_text(html: str) -> str:
    import re

    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]*>", " ", html)


def test_staff_pages_in_indonesian_show_no_raw_codes(app, client, roster, users, login):
    """The console, desk, reports, decision log, roster and outbox, with real work in them, in Indonesian."""
    import re

    from consultation.models import Channel, RequestKind
    from consultation.people import PersonData
    from consultation.services import RequestData, enter_on_behalf
    from core import clock
    from tests.consultation.helpers import open_request, user
    from tests.support.roster import wib

    roster.operator(email="ani@example.org", shifts=[(0, "08:00", "16:00", "data,complaint")])
    supervisor = users.make("supervisor", email="sri@example.org")
    with clock.frozen(wib(2026, 11, 23, 9)):
        open_request(app, users.make(email="budi@example.org"))
        open_request(app, users.make(email="citra@example.org"), RequestKind.COMPLAINT)
        with app.app_context():
            enter_on_behalf(user("ani@example.org"), PersonData(full_name="Inaq Sahnun", phone="081900001111"),
                            RequestData(kind=RequestKind.DATA, subject="Harga beras",
                                        question="Berapa harga beras di Lombok Tengah?"), Channel.WALK_IN)
    with clock.frozen(wib(2026, 11, 28, 9)):  # Saturday: one waits in the queue
        open_request(app, users.make(email="dewi@example.org"))
    pages = {"ani@example.org": ["/helpdesk/", "/consultations/desk", "/roster/mine"],
             supervisor: ["/helpdesk/", "/helpdesk/team", "/consultations/desk", "/helpdesk/reports/",
                          "/roster/", "/roster/decisions"],
             users.make("admin", email="adi@example.org"): ["/admin/outbox"]}
    found = {}
    for email, urls in pages.items():
        login(email)
        with clock.frozen(wib(2026, 11, 30, 10)):
            for url in urls:
                response = client.get(url)
                assert response.status_code == 200, url
                words = set(re.findall(r"[a-z_]+", _visible_text(response.get_data(as_text=True))))
                raw = sorted(words & set(RAW_CODES))
                if raw:
                    found[url] = raw
        client.post("/logout")
    assert found == {}
