"""Every state-changing route refuses a browser request that carries no CSRF token.

The routes are read from the URL map, so routes other packages add later are
covered too.  Only the machine-to-machine endpoints below are exempt; they are
authenticated by signatures instead (tested in their packages).
"""

import pytest

SIGNED_INSTEAD_OF_CSRF = {
    "orders_api.bank_callback",  # HMAC-SHA256 over timestamp and body
    "orders_api.stripe_webhook",  # Stripe-Signature
    "subscriptions.unsubscribe",  # RFC 8058 one-click POST from a mail client: the HMAC-signed token in the URL
    # Bearer token only: a session cookie answers 401 (api/guard.py, tests/api/test_tokens.py)
    "api_me.open_consultation", "api_me.reply", "api_me.rate",
    # read-only CKAN actions, which ckanapi sends as POST
    "api_ckan.status_show", "api_ckan.package_list", "api_ckan.package_search", "api_ckan.package_show",
    "api_ckan.organization_list", "api_ckan.group_list",
}
SAMPLE_ARGUMENTS = {"IntegerConverter": 1, "UUIDConverter": "00000000-0000-0000-0000-000000000000"}


@pytest.fixture
def app_config(app_config):
    return dict(app_config, WTF_CSRF_ENABLED=True)


def state_changing_routes(app):
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods & {"POST", "PUT", "PATCH", "DELETE"}):
            arguments = {name: SAMPLE_ARGUMENTS.get(type(rule._converters[name]).__name__, "x")
                         for name in rule.arguments}
            yield rule.endpoint, method, rule.build(arguments, append_unknown=False)[1]


def test_there_are_state_changing_routes_to_check(app):
    assert len(list(state_changing_routes(app))) >= 10


def csrf_token(client, path="/login") -> str:
    page = client.get(path).get_data(as_text=True)
    return page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]


def test_every_state_changing_route_needs_a_csrf_token(app, users):
    email = users.make("admin", "operator", "supervisor", "finance", "producer", "consumer")
    signed_in = app.test_client()
    response = signed_in.post("/login", data={"email": email, "password": users.PASSWORD,
                                              "csrf_token": csrf_token(signed_in)})
    assert response.status_code == 302
    users.pass_second_step(signed_in, response, email, csrf_token=csrf_token(signed_in, "/login/two-factor"))
    anonymous = app.test_client()
    unprotected = set()
    for endpoint, method, path in state_changing_routes(app):
        for client in (anonymous, signed_in):
            response = client.open(path, method=method, data={"anything": "1"})
            if response.status_code != 400 or b"Formulir sudah kedaluwarsa" not in response.data:
                unprotected.add(endpoint)
    assert unprotected == SIGNED_INSTEAD_OF_CSRF, f"routes without CSRF protection: {unprotected}"
    assert signed_in.get("/home").headers["Location"].startswith("/home/")  # refusals changed nothing


def test_a_form_with_its_token_goes_through(app):
    client = app.test_client()
    token = csrf_token(client, "/password/forgot")
    response = client.post("/password/forgot", data={"email": "someone@example.org", "csrf_token": token})
    assert response.status_code == 200
