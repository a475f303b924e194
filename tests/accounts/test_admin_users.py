from accounts.models import Role
from tests.accounts.helpers import link_in


def _new_user(**overrides):
    data = {"email": "petugas.baru@example.org", "full_name": "Petugas Baru", "unit": "PST",
            "segment": "internal", "institution": "", "roles": ["operator"], "active": "y"}
    data.update(overrides)
    return data


def test_admin_creates_a_staff_account_and_the_person_sets_a_password(client, users, login, outbox):
    login(users.make("admin"))
    assert client.post("/admin/users/new", data=_new_user()).status_code == 302
    created = users.get("petugas.baru@example.org")
    assert created.has_role(Role.OPERATOR) and created.unit == "PST"
    link = link_in(outbox()[-1], "/password/reset/")
    client.post("/logout")
    assert client.post(link, data={"password": "Piket-Senin-2026", "confirm": "Piket-Senin-2026"}).status_code == 302
    assert client.post("/login", data={"email": "petugas.baru@example.org",
                                       "password": "Piket-Senin-2026"}).status_code == 302


def test_admin_grants_roles_and_deactivates(app, client, users, login):
    login(users.make("admin"))
    target = users.make("consumer", email="someone@example.org")
    user_id = users.get(target).id
    response = client.post(f"/admin/users/{user_id}", data={"full_name": "Someone", "unit": "Keuangan",
                                                            "roles": ["finance", "consumer"]})
    assert response.status_code == 302
    updated = users.get(target)
    assert set(updated.role_names()) == {"finance", "consumer"} and not updated.active


def test_deactivation_ends_the_persons_sessions(app, client, users, login):
    target = users.make("consumer")
    their_browser = app.test_client()
    their_browser.post("/login", data={"email": target, "password": users.PASSWORD})
    login(users.make("admin"))
    client.post(f"/admin/users/{users.get(target).id}", data={"full_name": "X", "roles": ["consumer"]})
    assert their_browser.get("/home").status_code == 302


def test_admin_cannot_remove_their_own_admin_role(client, users, login):
    admin = login(users.make("admin"))
    response = client.post(f"/admin/users/{users.get(admin).id}",
                           data={"full_name": "Me", "roles": ["consumer"], "active": "y"})
    assert response.status_code == 409
    assert users.get(admin).has_role(Role.ADMIN)


def test_duplicate_account_is_refused(client, users, login):
    login(users.make("admin"))
    users.make(email="petugas.baru@example.org")
    assert client.post("/admin/users/new", data=_new_user()).status_code == 409


def test_account_needs_a_role(client, users, login):
    login(users.make("admin"))
    assert client.post("/admin/users/new", data=_new_user(roles=[])).status_code == 400
    assert users.get("petugas.baru@example.org") is None


def test_user_list_searches_by_name_email_institution_and_role(client, users, login):
    login(users.make("admin", full_name="Ayu Admin"))
    users.make("consumer", full_name="Made Konsumen", institution="Universitas Mataram")
    users.make("operator", full_name="Oki Operator")
    body = client.get("/admin/users?q=mataram").get_data(as_text=True)
    assert "Made Konsumen" in body and "Oki Operator" not in body
    body = client.get("/admin/users?role=operator").get_data(as_text=True)
    assert "Oki Operator" in body and "Made Konsumen" not in body


def test_user_list_filters_that_name_no_role_show_everyone(client, users, login):
    login(users.make("admin", full_name="Ayu Admin"))
    users.make("consumer", full_name="Made Konsumen")
    users.make("operator", full_name="Oki Operator")
    response = client.get("/admin/users", query_string={"role": "pilot", "q": "  oki  "})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "Oki Operator" in body and "Made Konsumen" not in body
    body = client.get("/admin/users", query_string={"role": "pilot"}).get_data(as_text=True)
    assert "Oki Operator" in body and "Made Konsumen" in body


def test_unknown_user_is_404(client, users, login):
    login(users.make("admin"))
    assert client.get("/admin/users/999999").status_code == 404
