"""Hostile values sent to every form, filter and JSON endpoint never produce a server error.

The demo data is loaded, then a crawler signed in with every role (and one not
signed in) visits one page per endpoint and collects the forms it shows.  Each
form is submitted with each of its fields in turn replaced by a hostile value
(a NUL byte, 10,000 characters, 400 digits, 1e400, JSON that is not table data),
then with every field at once set to each value (control characters too); a form that takes files gets
CSV files with a field over 131,072 characters, a NUL byte and bytes that are not
UTF-8.  Every GET page gets every known filter set to each hostile value, and
every request is also sent once with headers that are not ASCII.  POST routes no
crawled page shows get a generic body, the bank callback a correctly signed one.

The values are a fixed sample, not random, so a run is repeatable; the test
collects every server error (tests run with exceptions propagating, so an
exception counts as one) and fails listing them all.
"""

from __future__ import annotations

import io
import json
import time
from urllib.parse import urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from orders.payments import local
from tests.support.crawl import crawl

HOSTILE = {
    "nul": "a\x00b",
    "control": "a\x01\x08\x1b[31m\x7f\x85b",
    "long": "x" * 10_000,
    "digits": "9" * 400,
    "minus-digits": "-" + "9" * 400,
    "exponent": "1e400",
    "unicode": "\u202e\ufeff\u00e9\U0001f600 \t\r\n",
}
# One field at a time gets these; every field at once and every filter at once get all of HOSTILE.
ONE_AT_A_TIME = ("nul", "long", "digits", "exponent", "unicode")
TABLE_JSON = ['{"dimensions":"x","cells":{}}', '{"dimensions":[null],"cells":{}}', '{"dimensions":[1],"cells":[]}',
              '{"dimensions":[{"name":"a","values":["1"]}],"cells":{"1":1e400}}', "null", "[]"]
HEADERS = {"X-Statdesk-Signature": "\u00e9\u00ff", "X-Statdesk-Timestamp": "\u00b2",
           "Stripe-Signature": "t=\u00e9,v1=\u00ff", "Accept-Language": "\u00e9\u00ff;q=\u00e9",
           "Referer": "http://\u00e9\u00ff/", "If-None-Match": "\u00ff"}
# Flask-Login's strong session protection ends a session whose X-Forwarded-For changes: anonymous only.
ANONYMOUS_HEADERS = dict(HEADERS, **{"X-Forwarded-For": "\u00e9\u00ff"})
BIG_FIELD = "x" * 140_000
FILES = {
    "huge-first-field": f'"{BIG_FIELD}",b\n1,2\n'.encode(),
    "huge-later-field": f'date,reference,billing_code,amount\n2026-03-02,R1,{BIG_FIELD},10\n'.encode(),
    "nul": b"date,reference,billing_code,amount\n2026-03-02,R\x001,B,10\n" + b"x" * 9000 + b"\x00\n",
    "not-utf8": b"date,reference\n\xff\xfe\xfa,1\n",
}
ARG_NAMES = ["q", "page", "status", "next", "month", "year", "category", "state", "role", "kind", "item", "from",
             "to", "sort", "subject", "region", "period", "lang", "operator", "actor", "action", "object_type",
             "object_id", "type", "weekday", "start", "end", "rows", "cols", "format"]
GENERIC_FIELDS = ["email", "password", "full_name", "subject", "question", "body", "message", "quantity", "amount",
                  "reason", "decision", "operator_id", "weekday", "start", "end", "item_id", "title", "year", "price",
                  "data", "measure", "max_open", "rating", "release_at", "note", "kind", "status"]
SKIP = {"accounts.logout", "static", "bootstrap.static", "core.static", "accounts.sso_start", "accounts.sso_callback"}


@pytest.fixture
def app_config(app_config):
    # Hostile sign-ins all fail from one address; the throttle must not lock the crawler out.
    return dict(app_config, STATDESK_LOGIN_MAX_FAILURES=1_000_000)


class Fuzzer:
    def __init__(self, app, users, email, anonymous):
        self.app, self.users, self.email, self.anonymous = app, users, email, anonymous
        self.failures: list[str] = []
        self.sent = 0

    def send(self, client, method, url, label, **kwargs):
        self.sent += 1
        if kwargs.get("headers") is HEADERS and client is self.anonymous:
            kwargs["headers"] = ANONYMOUS_HEADERS
        try:
            response = client.open(url, method=method, **kwargs)
        except Exception as exc:  # noqa: BLE001 - every exception is a finding
            self.failures.append(f"{method} {url} [{label}]: {type(exc).__name__}: {str(exc)[:200]}")
            return None
        if response.status_code >= 500:
            self.failures.append(f"{method} {url} [{label}]: HTTP {response.status_code}")
        return response

    def stay_signed_in(self, client, after: str):
        """Sign back in when a form ended the session; a fuzzer signed out would test nothing."""
        if client.get("/account").status_code != 200:
            self.sign_in(client)
            assert client.get("/account").status_code == 200, f"cannot sign in again after {after}"

    def sign_in(self, client):
        """Password and second step; the fuzzer may sign in again within one code's time step,
        so the factor's memory of used codes is forgotten first (replays are tested elsewhere)."""
        import sqlalchemy as sa

        from accounts.models import SecondFactor, User
        from core.extensions import db

        with self.app.app_context():
            user_id = db.session.scalar(sa.select(User.id).where(User.email == self.email))
            db.session.execute(sa.update(SecondFactor).where(SecondFactor.user_id == user_id).values(last_step=None))
            db.session.commit()
        response = client.post("/login", data={"email": self.email, "password": self.users.PASSWORD})
        return self.users.pass_second_step(client, response, self.email)

    def query_strings(self, client, page):
        path, _sep, query = page.url.partition("?")
        for name, value in HOSTILE.items():
            self.send(client, "GET", path, f"all args {name}", query_string=dict.fromkeys(ARG_NAMES, value))
        self.send(client, "GET", path, "headers", query_string=query, headers=HEADERS)
        for form in page.forms:
            if form.method != "GET":
                continue
            for field in form.names():
                for name in ONE_AT_A_TIME:
                    value = HOSTILE[name]
                    query = dict(form.fields, **{field: value})
                    self.send(client, "GET", form.action.partition("?")[0], f"{field}={name}", query_string=query)

    def form(self, client, form):
        baseline = dict(form.fields)
        for field in form.names():
            values = {name: HOSTILE[name] for name in ONE_AT_A_TIME}
            if field in form.textareas:
                values.update({f"json{i}": v for i, v in enumerate(TABLE_JSON)})
            for name, value in values.items():
                self.post(client, form, dict(baseline, **{field: value}), f"{field}={name}")
        for name, value in HOSTILE.items():
            self.post(client, form, dict.fromkeys(baseline, value), f"all fields {name}")
        self.post(client, form, baseline, "headers", headers=HEADERS)
        for file_field in form.files:
            for name, content in FILES.items():
                data = dict(baseline, **{file_field: (io.BytesIO(content), "statement.csv", "text/csv")})
                self.post(client, form, data, f"file {file_field}={name}")

    def post(self, client, form, data, label, **kwargs):
        if form.multipart or form.files:
            kwargs["content_type"] = "multipart/form-data"
        self.send(client, form.method, form.action, label, data=data, **kwargs)

    def generic(self, client, url):
        for name, value in HOSTILE.items():
            self.send(client, "POST", url, f"generic {name}", data=dict.fromkeys(GENERIC_FIELDS, value))
        self.send(client, "POST", url, "generic headers", data={}, headers=HEADERS)

    def bank_callback(self, client):
        secret = self.app.config["STATDESK_BANK_CALLBACK_SECRET"]
        bodies = [{"billing_code": v, "amount": v, "bank_reference": v, "ntpn": v, "paid_at": v}
                  for v in HOSTILE.values()]
        bodies += [{"billing_code": "1", "amount": 10 ** 400, "bank_reference": "r"}, [], "x", None, "\ud800",
                   {"billing_code": "a\udfffb", "amount": 1, "bank_reference": "\ud800"},
                   {"billing_code": [None], "amount": {"a": 1}, "bank_reference": None, "paid_at": 1e308}]
        for number, body in enumerate(bodies):
            raw = json.dumps(body).encode()
            self.send(client, "POST", "/api/v1/payments/local/callback", f"signed body {number}", data=raw,
                      content_type="application/json", headers=local.signed_headers(raw, secret))


def post_endpoint(app, url: str) -> str | None:
    parts = urlsplit(url)
    try:
        return app.url_map.bind("localhost").match(parts.path, method="POST")[0]
    except HTTPException:
        return None


def path_arguments(app, pages) -> dict[str, str]:
    """A real value for each URL argument name, taken from the crawled URLs."""
    found: dict[str, str] = {}
    adapter = app.url_map.bind("localhost")
    for page in pages:
        _endpoint, arguments = adapter.match(page.url.split("?")[0], method="GET")
        for key, value in arguments.items():
            found.setdefault(key, str(value))
    return found


def unshown_post_routes(app, shown: set[str], arguments: dict[str, str]) -> list[str]:
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if rule.endpoint in SKIP or not rule.methods & {"POST", "PUT", "PATCH"} or rule.endpoint in shown:
            continue
        urls.append(rule.build({name: arguments.get(name, "1") for name in rule.arguments},
                               append_unknown=False)[1])
    return urls


def string_argument_urls(app, arguments) -> list[str]:
    """Each rule with a text URL argument, built with every hostile value in that argument."""
    urls = []
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        texts = [n for n in rule.arguments if type(rule._converters[n]).__name__ == "UnicodeConverter"]
        if rule.endpoint in SKIP or not texts or "GET" not in rule.methods:
            continue
        for value in HOSTILE.values():
            values = {name: (value if name in texts else arguments.get(name, "1")) for name in rule.arguments}
            urls.append(rule.build(values, append_unknown=False)[1])
    return urls


def test_hostile_values_never_cause_a_server_error(app, users):
    started = time.monotonic()
    result = app.test_cli_runner().invoke(args=["demo", "load"])
    assert result.exit_code == 0, result.output
    email = users.make("admin", "operator", "supervisor", "finance", "producer", "consumer",
                       unit="Direktorat Statistik Kependudukan")
    loaded = time.monotonic()
    staff, anonymous = app.test_client(), app.test_client()
    fuzzer = Fuzzer(app, users, email, anonymous)
    assert fuzzer.sign_in(staff).status_code == 302
    shown: set[str] = set()
    all_pages = []
    for client in (anonymous, staff):
        pages = crawl(app, client, SKIP, users.PASSWORD)
        all_pages += pages
        for page in pages:
            fuzzer.query_strings(client, page)
        for page in pages:
            for form in page.forms:
                target = post_endpoint(app, form.action) if form.method == "POST" else None
                if target is None or target in SKIP:
                    continue
                shown.add(target)
                fuzzer.form(client, form)
                if client is staff:
                    fuzzer.stay_signed_in(staff, form.action)
    arguments = path_arguments(app, all_pages)
    for url in unshown_post_routes(app, shown, arguments):
        fuzzer.generic(staff, url)
        fuzzer.generic(anonymous, url)
    for url in string_argument_urls(app, arguments):
        fuzzer.send(staff, "GET", url, "text URL argument")
    fuzzer.bank_callback(anonymous)
    print(f"hostile input: {fuzzer.sent} requests, {len(shown)} form targets, {len(all_pages)} pages; "
          f"demo load {loaded - started:.0f} s, requests {time.monotonic() - loaded:.0f} s")
    assert len(shown) >= 25 and fuzzer.sent > 1000, "the crawler found too little to test"
    assert not fuzzer.failures, "\n".join(fuzzer.failures)
