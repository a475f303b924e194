"""Every role-protected page, walked with every role and with no login.

Views declare their roles with ``core.permissions.roles_required`` (or
``login_required``), which records them on the view; this test reads that record
from the URL map, so pages that later packages add are walked too.  Pages whose
URL needs an object id are covered by their package's own access tests.
"""

import pytest

from accounts.models import Role

ANONYMOUS = "anonymous"


def protected_pages(app):
    pages = []
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        roles = getattr(view, "required_roles", None)
        if roles is None or "GET" not in rule.methods or rule.arguments:
            continue
        pages.append((rule.rule, roles))
    return sorted(pages)


def test_the_walk_covers_the_role_homes_and_admin_pages(app):
    rules = {rule for rule, _ in protected_pages(app)}
    assert {f"/home/{role.value}" for role in Role} <= rules
    assert {"/admin/users", "/admin/outbox", "/account", "/home"} <= rules


@pytest.fixture
def clients(app, users):
    result = {ANONYMOUS: app.test_client()}
    for role in Role:
        client = app.test_client()
        email = users.make(role.value)
        response = client.post("/login", data={"email": email, "password": users.PASSWORD})
        assert response.status_code == 302
        users.pass_second_step(client, response, email)
        result[role.value] = client
    return result


def test_every_protected_page_answers_each_role_correctly(app, clients):
    wrong = []
    for rule, roles in protected_pages(app):
        for who, client in clients.items():
            response = client.get(rule)
            location = response.headers.get("Location", "")
            if who == ANONYMOUS:
                ok = response.status_code == 302 and location.startswith("/login?next=")
            elif not roles or who in roles:
                ok = response.status_code == 200 or (response.status_code == 302 and "/login" not in location)
            else:
                ok = response.status_code == 403
            if not ok:
                wrong.append(f"{rule} as {who}: {response.status_code} {location}")
    assert wrong == []
