"""Forum pages: staff only; consumers and anonymous visitors never see forum content."""

import pytest

from tests.helpdesk.helpers import start

STAFF = ["operator", "producer", "supervisor", "finance", "admin"]


def _urls(thread_id):
    return ["/helpdesk/forum", "/helpdesk/forum?q=rahasia", "/helpdesk/forum/new",
            f"/helpdesk/forum/{thread_id}"]


def _posts(thread_id, post_id):
    return [("/helpdesk/forum/new", {"category": "data", "title": "x", "body": "y"}),
            (f"/helpdesk/forum/{thread_id}/reply", {"body": "jawaban"}),
            (f"/helpdesk/forum/{thread_id}/accept/{post_id}", {}),
            (f"/helpdesk/forum/{thread_id}/subscription", {"on": "1"})]


@pytest.fixture
def thread_id(app, users):
    return start(app, users.make("operator"))


@pytest.mark.parametrize("role", STAFF)
def test_staff_reads_every_forum_page(client, users, login, thread_id, role):
    login(users.make(role))
    for url in _urls(thread_id):
        response = client.get(url)
        assert response.status_code == 200, url
    assert "Pertanyaan internal rahasia" in client.get(f"/helpdesk/forum/{thread_id}").get_data(as_text=True)


def test_consumer_is_refused_every_forum_page_and_action(client, users, login, thread_id):
    login(users.make())
    for url in _urls(thread_id):
        response = client.get(url)
        assert response.status_code == 403, url
        assert "Pertanyaan internal" not in response.get_data(as_text=True)
    for url, data in _posts(thread_id, 1):
        assert client.post(url, data=data).status_code == 403, url


def test_anonymous_is_sent_to_login_from_every_forum_page_and_action(client, thread_id):
    for url in _urls(thread_id):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    for url, data in _posts(thread_id, 1):
        response = client.post(url, data=data)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url


def test_unknown_thread_is_404_for_staff(client, users, login):
    login(users.make("operator"))
    assert client.get("/helpdesk/forum/999999").status_code == 404


def test_forum_body_is_rendered_and_sanitised(app, client, users, login):
    email = users.make("operator")
    thread_id = start(app, email, body="**tebal** <script>alert(1)</script> [x](javascript:alert(1))")
    login(email)
    html = client.get(f"/helpdesk/forum/{thread_id}").get_data(as_text=True)
    assert "<strong>tebal</strong>" in html
    assert "<script>alert(1)" not in html
    assert "javascript:alert" not in html
