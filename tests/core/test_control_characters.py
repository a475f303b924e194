"""Control characters in any request text are refused once, at the edge, with a translated 400."""

from __future__ import annotations

import pytest

REFUSED = "karakter kendali"


@pytest.mark.parametrize("path", ["/catalog/?q=a%00b", "/search?q=%1b[31m", "/catalog/?q=a%C2%85b",
                                  "/consultations/KNS%00"])
def test_a_control_character_in_the_url_is_refused_anonymously(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert REFUSED in response.get_data(as_text=True)


def test_the_refusal_speaks_english_with_the_english_locale(client):
    response = client.get("/catalog/?q=a%00b&lang=en")
    assert response.status_code == 400
    assert "control characters" in response.get_data(as_text=True)


def test_a_nul_in_the_login_form_is_refused_before_the_database(app, client, users):
    email = users.make()
    response = client.post("/login", data={"email": email + "\x00", "password": users.PASSWORD})
    assert response.status_code == 400
    assert REFUSED in response.get_data(as_text=True)


def test_tabs_and_newlines_stay_allowed_in_form_text(client, users, login):
    login(users.make())
    response = client.post("/consultations/new", data={"kind": "data", "subject": "Data\tpenduduk",
                                                      "question": "Baris satu\r\nbaris dua\n\tbaris tiga"})
    assert response.status_code == 302


def test_a_json_body_with_an_escaped_nul_or_a_lone_surrogate_is_refused(client):
    for text in ('{"billing_code": "a\\u0000b"}', '{"a": ["\\ud800"]}', '{"a\\u0001": 1}'):
        response = client.post("/api/v1/payments/local/callback", data=text, content_type="application/json")
        assert response.status_code == 400, text
        assert response.mimetype == "application/problem+json" and response.json["status"] == 400


def test_a_deeply_nested_json_body_is_refused(client):
    response = client.post("/api/v1/payments/local/callback", data="[" * 100_000, content_type="application/json")
    assert response.status_code == 400


def test_a_control_character_in_a_header_is_refused_but_utf8_bytes_are_not(client):
    assert client.get("/healthz", headers={"X-Note": "a\x01b"}).status_code == 400
    # "—" in UTF-8 arrives as bytes 0xE2 0x80 0x94, decoded as Latin-1.
    assert client.get("/healthz", headers={"User-Agent": "Caf\u00e9 \u00e2\u0080\u0094"}).status_code == 200
