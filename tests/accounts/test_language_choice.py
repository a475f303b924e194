"""One language throughout: the browser's language on a first visit, the header's choice kept on the profile."""

import pytest


@pytest.mark.parametrize("header", ["en", "en-US,en;q=0.9", "en-US,id;q=0.5", "en-GB,fr;q=0.8"])
def test_a_first_visit_asking_for_english_gets_english(client, header):
    page = client.get("/login", headers={"Accept-Language": header})
    html = page.get_data(as_text=True)
    assert '<html lang="en">' in html and "Sign in" in html and "Masuk" not in html


def test_a_first_visit_asking_for_indonesian_or_nothing_gets_indonesian(app):
    for headers in ({"Accept-Language": "id-ID,id;q=0.9,en;q=0.5"}, {"Accept-Language": "fr"}, {}):
        html = app.test_client().get("/login", headers=headers).get_data(as_text=True)
        assert '<html lang="id">' in html


def test_the_header_switch_changes_the_profile_and_the_next_emails_language(client, login, users, outbox):
    email = login(users.make("consumer", locale="id"))
    response = client.get("/language/en?next=/account")
    assert response.status_code == 302 and response.headers["Location"] == "/account"
    assert users.get(email).locale == "en"
    assert '<html lang="en">' in client.get("/account").get_data(as_text=True)
    client.post("/logout")
    client.post("/password/forgot", data={"email": email})
    [mail] = [m for m in outbox() if m.kind == "reset"]
    assert mail.subject.startswith("Choose a new password") and "Pilih" not in mail.body_text
    client.get("/language/id")  # signed out, the switch only changes the session
    assert users.get(email).locale == "en"
