"""Malformed input thrown at every form and JSON endpoint never produces a server error.

Hypothesis picks a route from the URL map, a signed-in or anonymous client, and
a body of odd field names and values (control characters, huge numbers, broken
dates, markup, path tricks) sent as a form, a query string or JSON.  The demo
data is loaded first so that object routes reach real objects.  A server error
propagates as an exception in testing mode, so any 500 fails the test.
"""

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

FIELDS = ["email", "password", "confirm", "full_name", "segment", "institution", "phone", "npwp", "locale", "q",
          "page", "kind", "subject", "question", "body", "message", "quantity", "amount", "reason", "decision",
          "operator_id", "weekday", "start", "end", "kinds", "billing_code", "bank_reference", "ntpn", "item_id",
          "variables", "region", "purpose", "roles", "unit", "active", "title", "year", "sort", "channel",
          "complaint_about", "paid_at", "status", "period", "from", "to", "csrf_token"]
ODD_VALUES = ["", "-1", "0", "1", "99999999999999999999999", "1e309", "NaN", "2026-02-30", "24:61", "\x00",
              "\u202e", "<script>alert(1)</script>", "' OR 1=1 --", "../../etc/passwd", "%s%s%n", "[]", "{}",
              "x" * 10_000, "public", "data", "consumer", "operator"]
SKIP_ENDPOINTS = {"accounts.logout", "static", "bootstrap.static", "core.static"}

values = st.one_of(st.sampled_from(ODD_VALUES), st.text(max_size=200), st.integers().map(str))
bodies = st.dictionaries(st.one_of(st.sampled_from(FIELDS), st.text(string.printable, max_size=12)), values,
                         max_size=8)
json_values = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True),
                                     st.text(max_size=50)),
                           lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                   st.dictionaries(st.sampled_from(FIELDS), inner, max_size=5)),
                           max_leaves=12)


def routes(app):
    found = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in SKIP_ENDPOINTS or rule.endpoint.endswith(".static"):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule, method))
    return sorted(found, key=lambda pair: (pair[0].rule, pair[1]))


def build_path(rule, draw_int, draw_text):
    arguments = {}
    for name in rule.arguments:
        converter = type(rule._converters[name]).__name__
        arguments[name] = draw_int if converter == "IntegerConverter" else draw_text
    return rule.build(arguments, append_unknown=False)[1]


@pytest.fixture
def clients(app, users):
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    anonymous, privileged = app.test_client(), app.test_client()
    email = users.make("admin", "operator", "supervisor", "finance", "producer", "consumer")
    response = privileged.post("/login", data={"email": email, "password": users.PASSWORD})
    assert response.status_code == 302
    users.pass_second_step(privileged, response, email)
    return anonymous, privileged


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                   HealthCheck.too_slow])
@given(data=st.data())
def test_no_route_answers_a_server_error(app, clients, data):
    rule, method = data.draw(st.sampled_from(routes(app)), label="route")
    path = build_path(rule, data.draw(st.sampled_from([1, 2, 3, 999999, 0])),
                      data.draw(st.one_of(st.sampled_from(["x", "KNS-2026-000001", "..", "%00"]),
                                          st.text(string.ascii_letters + string.digits + "-_.", min_size=1,
                                                  max_size=40))))
    client = data.draw(st.sampled_from(clients), label="client")
    body = data.draw(bodies, label="body")
    if method == "GET":
        response = client.get(path, query_string=body)
    elif path.startswith("/api/") and data.draw(st.booleans(), label="as json"):
        response = client.open(path, method=method, json=data.draw(json_values, label="json"))
    else:
        response = client.open(path, method=method, data=body)
    assert response.status_code < 500, f"{method} {path} {body!r} -> {response.status_code}"
