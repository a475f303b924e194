def test_home_page_answers_in_indonesian_by_default(client):
    response = client.get("/")
    assert response.status_code == 200
    assert "Pelayanan data statistik terpadu" in response.get_data(as_text=True)


def test_audit_log_shows_who_did_what_from_where(app, client, users, login):
    app.test_client().post("/login", data={"email": "ghost@example.org", "password": "wrong-password-1"})
    admin = login(users.make("admin"))
    body = client.get("/admin/audit?action=account.").get_data(as_text=True)
    assert "account.login" in body and admin in body and "127.0.0.1" in body
    filtered = client.get("/admin/audit?action=account.login_failed").get_data(as_text=True)
    assert "account.login_failed" in filtered and "ghost@example.org" in filtered
    assert "account.login</code>" not in filtered
