"""Staff whose roles require a second factor reach no page on their password alone.

Walks every page without URL arguments (the role-protected ones found as in
``tests/test_access.py``, and the public ones) with a session that passed only
the password, or only carries a remember-me cookie, for each required role;
then completes the second step and walks the role's pages again.
"""

import pytest

from tests.test_access import protected_pages

REQUIRED = ("admin", "finance", "supervisor")
STEP = "/login/two-factor"
SETUP = "/account/two-factor"
STEP_PAGES = {STEP, SETUP, "/account/two-factor/qr.svg"}


def every_page(app) -> list[str]:
    rules = []
    for rule in app.url_map.iter_rules():
        if "GET" in rule.methods and not rule.arguments and rule.rule not in STEP_PAGES:
            rules.append(rule.rule)
    return sorted(rules)


def _reached(client, pages, step) -> list[str]:
    wrong = []
    for page in pages:
        response = client.get(page)
        if response.status_code != 302 or response.headers["Location"] != step:
            wrong.append(f"{page}: {response.status_code} {response.headers.get('Location', '')}")
    return wrong


def _unreachable_for(client, app, role) -> list[str]:
    wrong = []
    for rule, roles in protected_pages(app):
        if roles and role not in roles:
            continue
        response = client.get(rule)
        location = response.headers.get("Location", "")
        if not (response.status_code == 200 or (response.status_code == 302 and "/login" not in location)):
            wrong.append(f"{rule}: {response.status_code} {location}")
    return wrong


def test_the_walk_covers_public_and_protected_pages(app):
    pages = set(every_page(app))
    assert {"/", "/home", "/account", "/admin/users", "/home/admin"} <= pages


@pytest.mark.parametrize("role", REQUIRED)
def test_with_a_factor_no_page_is_reachable_before_the_code(app, users, role):
    email = users.make(role)
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": users.PASSWORD}).headers["Location"] == STEP
    assert _reached(client, every_page(app), STEP) == []
    assert client.post(STEP, data={"code": users.code(email)}).status_code == 302
    assert _unreachable_for(client, app, role) == []


@pytest.mark.parametrize("role", REQUIRED)
def test_without_a_factor_no_page_is_reachable_before_enrolment(app, users, role):
    import pyotp

    from tests.accounts.helpers import secret_on

    email = users.make(role, second_factor=False)
    client = app.test_client()
    assert client.post("/login", data={"email": email, "password": users.PASSWORD}).headers["Location"] == SETUP
    assert _reached(client, every_page(app), SETUP) == []
    secret = secret_on(client.get(SETUP).get_data(as_text=True))
    assert client.post(SETUP, data={"code": pyotp.TOTP(secret).now()}).status_code == 200
    assert _unreachable_for(client, app, role) == []


@pytest.mark.parametrize("role", REQUIRED)
def test_a_remember_me_cookie_alone_reaches_no_page_before_the_code(app, users, role):
    email = users.make(role)
    first = app.test_client()
    response = first.post("/login", data={"email": email, "password": users.PASSWORD, "remember": "y"})
    users.pass_second_step(first, response, email)
    name = app.config.get("REMEMBER_COOKIE_NAME", "remember_token")
    remembered = app.test_client()
    remembered.set_cookie(name, first.get_cookie(name).value)
    assert _reached(remembered, every_page(app), STEP) == []
    assert remembered.post(STEP, data={"code": users.code(email)}).status_code == 302
    assert _unreachable_for(remembered, app, role) == []
