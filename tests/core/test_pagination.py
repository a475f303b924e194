import pytest


@pytest.mark.parametrize("page", ["99999999999999999999999", "-5", "0", "abc", "1e9", ""])
def test_any_page_number_answers_a_page_not_an_error(client, users, login, page):
    login(users.make("admin"))
    for url in ("/admin/audit", "/admin/outbox", "/admin/users"):
        assert client.get(url, query_string={"page": page}).status_code == 200, url


def test_a_page_beyond_the_end_is_empty(client, users, login):
    admin = login(users.make("admin"))
    body = client.get("/admin/users", query_string={"page": "500"}).get_data(as_text=True)
    assert admin not in body
