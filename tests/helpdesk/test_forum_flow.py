"""Mentions, subscriptions, accepted answers and links to requests."""

from tests.consultation.helpers import open_request
from tests.helpdesk.helpers import start, thread


def test_mentions_notify_exactly_the_mentioned_staff(app, client, users, login, outbox):
    author = users.make("operator")
    mentioned = users.make("operator")
    other_staff = users.make("supervisor")
    consumer = users.make()
    start(app, author, body=f"Tolong bantu @{mentioned} dan @{consumer}, terima kasih.")
    recipients = [m.recipient for m in outbox() if m.kind == "mention"]
    assert recipients == [mentioned]
    assert other_staff not in [m.recipient for m in outbox()]


def test_reply_mentions_and_subscribers_are_notified_once(app, client, users, login, outbox):
    author = users.make("operator")
    colleague = users.make("operator")
    thread_id = start(app, author)
    login(colleague)
    client.post(f"/helpdesk/forum/{thread_id}/reply", data={"body": f"Jawabannya ini, @{author}"})
    messages = [m for m in outbox() if m.recipient == author]
    assert [m.kind for m in messages] == ["mention"]


def test_author_accepts_an_answer_and_it_is_marked(app, client, users, login):
    author = users.make("operator")
    colleague = users.make("operator")
    thread_id = start(app, author)
    login(colleague)
    client.post(f"/helpdesk/forum/{thread_id}/reply", data={"body": "Gunakan tabel 3."})
    with app.app_context():
        post_id = thread(thread_id).posts[1].id
    assert client.post(f"/helpdesk/forum/{thread_id}/accept/{post_id}").status_code == 403
    client.post("/logout")
    login(author)
    assert client.post(f"/helpdesk/forum/{thread_id}/accept/{post_id}").status_code == 302
    with app.app_context():
        assert thread(thread_id).accepted_post_id == post_id
    html = client.get(f"/helpdesk/forum/{thread_id}").get_data(as_text=True)
    assert "accepted-answer" in html


def test_request_link_shows_on_both_sides(app, client, users, login):
    operator = users.make("supervisor")
    number = open_request(app, users.make())
    thread_id = start(app, operator, ticket_number=number)
    login(operator)
    thread_html = client.get(f"/helpdesk/forum/{thread_id}").get_data(as_text=True)
    assert f"/consultations/{number}" in thread_html
    detail_html = client.get(f"/consultations/{number}").get_data(as_text=True)
    assert f"/helpdesk/forum/{thread_id}" in detail_html


def test_requester_does_not_see_the_forum_link_on_their_request(app, client, users, login):
    consumer = users.make()
    operator = users.make("operator")
    number = open_request(app, consumer)
    thread_id = start(app, operator, ticket_number=number)
    login(consumer)
    html = client.get(f"/consultations/{number}").get_data(as_text=True)
    assert f"/helpdesk/forum/{thread_id}" not in html
    assert "Pertanyaan internal rahasia" not in html


def test_thread_page_names_its_category_in_words(app, client, users, login):
    author = users.make("operator")
    thread_id = start(app, author)  # category "data"
    login(author)
    html = client.get(f"/helpdesk/forum/{thread_id}").get_data(as_text=True)
    assert "Mencari data</span>" in html
    assert ">data</span>" not in html
