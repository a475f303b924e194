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
