"""Every error a person can cause reaches them through the one mapping, in their language.

Pages get the HTML error page (or their form again, with the message); ``/api/`` gets an RFC 9457
problem document as ``application/problem+json``. Each case runs three times: with nothing said about
the language (Indonesian), with ``Accept-Language: en`` and with ``?lang=en``.
"""

from __future__ import annotations

import pytest

from orders.payments.local import signed_headers
from tests.accounts.helpers import REGISTRATION, link_in
from tests.orders.conftest import SECRET, callback_body, shop  # noqa: F401
from tests.orders.conftest import app_config as orders_app_config  # noqa: F401  (the bank secret)
from tests.orders.conftest import catalog as orders_catalog  # noqa: F401
from tests.support.orders_catalog import MAP

LANGUAGES = {
    "id": ({}, {}),
    "en-header": ({"Accept-Language": "en"}, {}),
    "en-query": ({}, {"lang": "en"}),
}
PROBLEM_MEMBERS = {"type", "title", "status", "detail", "instance"}


@pytest.fixture
def app_config(orders_app_config):  # noqa: F811
    return dict(orders_app_config, RATELIMIT_ENABLED=True, STATDESK_PAYMENT_CALLBACK_RATE="2/minute")


@pytest.fixture
def catalog(orders_catalog):  # noqa: F811
    return orders_catalog


class Asker:
    """Sends one request in the chosen language."""

    def __init__(self, client, language: str):
        self.client, (self.headers, self.query) = client, LANGUAGES[language]
        self.english = language != "id"

    def __call__(self, method: str, path: str, **kwargs):
        headers = {**self.headers, **kwargs.pop("headers", {})}
        separator = "&" if "?" in path else "?"
        target = path + (separator + "lang=en" if self.query else "")
        return self.client.open(target, method=method, headers=headers, **kwargs)

    def says(self, indonesian: str, english: str) -> str:
        return english if self.english else indonesian


@pytest.fixture(params=list(LANGUAGES))
def ask(request, client):
    return Asker(client, request.param)


def _page(response, status: int, text: str):
    assert response.status_code == status
    assert response.mimetype == "text/html"
    assert text in response.get_data(as_text=True)


def _problem(response, status: int, title: str) -> dict:
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/problem+json"
    body = response.get_json()
    assert set(body) >= PROBLEM_MEMBERS
    assert body["status"] == status and body["title"] == title and body["detail"]
    assert body["instance"] == response.request.path
    return body


# --- pages --------------------------------------------------------------------------------------------


def test_an_unknown_page_and_an_unknown_object_are_404_pages(ask):
    _page(ask("GET", "/no-such-page"), 404, ask.says("Halaman tidak ditemukan", "Page not found"))
    _page(ask("GET", "/catalog/999999"), 404, ask.says("Halaman tidak ditemukan", "Page not found"))


def test_another_persons_order_on_the_staff_desk_is_a_403_page(ask, shop, login):  # noqa: F811
    [order_id] = shop.order(shop.consumer(), (MAP, 1, {"region": "5203"}))
    login(shop.consumer(locale="en" if ask.english else "id"))  # a signed-in person's profile language wins
    _page(ask("GET", f"/desk/orders/{order_id}"), 403, ask.says("Akses ditolak", "Access denied"))


def test_a_wrong_method_is_a_405_page(ask):
    response = ask("DELETE", "/login")
    _page(response, 405, ask.says("Metode tidak diizinkan", "Method not allowed"))
    assert "POST" in response.headers["Allow"]


def test_an_invalid_form_comes_back_400_with_the_message_next_to_its_field(ask):
    response = ask("POST", "/register", data={**REGISTRATION, "email": "not-an-address"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    message = ask.says("Masukkan alamat e-mail yang valid.", "Enter a valid e-mail address.")
    assert 'class="invalid-feedback' in html and html.count(message) >= 2  # flashed, and under the field


def test_a_taken_address_is_a_409_conflict(ask, users):
    users.make(email=REGISTRATION["email"])
    response = ask("POST", "/register", data=REGISTRATION)
    assert response.status_code == 409
    assert ask.says("sudah ada", "already exists") in response.get_data(as_text=True)


def test_a_used_link_is_410(ask, client, outbox):
    client.post("/register", data=REGISTRATION)
    link = link_in(outbox()[-1], "/verify/")
    client.post(link)
    response = ask("POST", link)
    assert response.status_code == 410
    assert ask.says("sudah pernah digunakan", "already been used") in response.get_data(as_text=True)


def test_a_body_over_the_limit_is_a_413_page(ask, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    _page(ask("POST", "/login", data={"email": "x" * 4096}), 413, ask.says("Terlalu besar", "Too large"))


def test_a_rate_limit_is_a_429_page_with_retry_after(ask):
    for _ in range(10):
        ask("POST", "/password/forgot", data={"email": "x@example.org"})
    response = ask("POST", "/password/forgot", data={"email": "x@example.org"})
    _page(response, 429, ask.says("Terlalu banyak permintaan", "Too many requests"))
    assert int(response.headers["Retry-After"]) > 0


def test_a_form_without_its_csrf_token_is_a_400_page(ask, app):
    app.config["WTF_CSRF_ENABLED"] = True
    response = ask("POST", "/login", data={"email": "a@example.org", "password": "whatever-123"})
    _page(response, 400, ask.says("Formulir sudah kedaluwarsa", "The form has expired"))


def test_a_control_character_is_a_400_page(ask):
    _page(ask("GET", "/search?q=a%00b"), 400, ask.says("karakter kendali", "control characters"))


# --- /api/ ---------------------------------------------------------------------------------------------


def test_an_unknown_api_address_and_object_are_404_problems(ask):
    title = ask.says("Halaman tidak ditemukan", "Page not found")
    _problem(ask("GET", "/api/v1/no-such-thing"), 404, title)
    _problem(ask("GET", "/api/v1/catalog/items/999999"), 404, title)


def test_a_wrong_method_on_the_api_is_a_405_problem(ask):
    _problem(ask("DELETE", "/api/v1/search"), 405, ask.says("Metode tidak diizinkan", "Method not allowed"))


def test_a_bad_parameter_is_a_400_problem_naming_it(ask):
    body = _problem(ask("GET", "/api/v1/search?q=penduduk&year=abc"), 400,
                    ask.says("Permintaan tidak valid", "Bad request"))
    assert body["errors"]["year"] == [body["detail"]]
    assert ask.says("Tahun harus", "A year must") in body["detail"]


def _callback(ask, body: bytes):
    headers = {**signed_headers(body, SECRET), "Content-Type": "application/json"}
    return ask("POST", "/api/v1/payments/local/callback", data=body, headers=headers)


def test_a_refused_bank_callback_is_a_problem_that_keeps_its_reason(ask, shop):  # noqa: F811
    [order_id] = shop.order(shop.consumer(), (MAP, 1, {"region": "5203"}))
    invoice = shop.invoice(order_id)
    wrong = _callback(ask, callback_body(invoice.billing_code, invoice.amount + 1))
    body = _problem(wrong, 422, ask.says("Tidak dapat diproses", "Cannot be processed"))
    assert body["reason"] == "wrong_amount"
    unknown = _callback(ask, callback_body("0" * len(invoice.billing_code), invoice.amount))
    assert unknown.status_code == 404 and unknown.get_json()["reason"] == "unknown_reference"


def test_a_body_over_the_limit_on_the_api_is_a_413_problem(ask, app):
    app.config["MAX_CONTENT_LENGTH"] = 1024
    response = ask("POST", "/api/v1/payments/local/callback", data=b"{" + b" " * 4096 + b"}",
                   headers={"Content-Type": "application/json"})
    _problem(response, 413, ask.says("Terlalu besar", "Too large"))


def test_a_rate_limit_on_the_api_is_a_429_problem_with_retry_after(ask):
    for _ in range(2):
        ask("POST", "/api/v1/payments/local/callback", data=b"{}", headers={"Content-Type": "application/json"})
    response = ask("POST", "/api/v1/payments/local/callback", data=b"{}",
                   headers={"Content-Type": "application/json"})
    _problem(response, 429, ask.says("Terlalu banyak permintaan", "Too many requests"))
    assert int(response.headers["Retry-After"]) > 0


def test_a_control_character_on_the_api_is_a_400_problem(ask):
    body = _problem(ask("GET", "/api/v1/search?q=a%00b"), 400, ask.says("Permintaan tidak valid", "Bad request"))
    assert ask.says("karakter kendali", "control characters") in body["detail"]
