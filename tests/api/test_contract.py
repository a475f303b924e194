"""The shape every ``/api/v1`` answer shares: validated parameters, one error shape in the asker's language,
paging with totals and Link headers, absolute URLs from the request, CORS on public reads, ETags."""

from __future__ import annotations

import pytest

from api import openapi as document_builder


def test_the_document_is_openapi_31_and_describes_every_v1_route(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"] == "3.1.0"
    described = {(path, method) for path, ops in document["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1/") or rule.rule in ("/api/v1/openapi.json",):
            continue
        if rule.rule.startswith("/api/v1/payments/"):
            continue  # bank and Stripe callbacks: signed machine-to-machine calls, documented in the README
        path, _ = document_builder._path(rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in described, rule.rule
    assert document["components"]["securitySchemes"]["token"]["scheme"] == "bearer"


@pytest.mark.parametrize(("args", "named"), [
    ({"kind": "foo"}, "kind"), ({"year": "abc"}, "year"), ({"per_page": "0"}, "per_page"),
    ({"per_page": "101"}, "per_page"), ({"page": "x"}, "page"), ({"lang": "fr"}, "lang"),
])
def test_bad_parameters_answer_400_naming_them(client, catalog, args, named):
    response = client.get("/api/v1/catalog/items", query_string=args)
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert set(problem["errors"]) == {named} and problem["status"] == 400 and problem["detail"]


def test_errors_speak_the_language_asked_for(client, catalog):
    english = client.get("/api/v1/catalog/items?kind=foo", headers={"Accept-Language": "en"}).get_json()
    indonesian = client.get("/api/v1/catalog/items?kind=foo", headers={"Accept-Language": "id"}).get_json()
    by_lang = client.get("/api/v1/catalog/items?kind=foo&lang=en", headers={"Accept-Language": "id"}).get_json()
    assert english["title"] == "Bad request" and by_lang["title"] == "Bad request"
    assert indonesian["title"] != "Bad request"
    assert client.get("/api/v1/catalog/items/999999", headers={"Accept-Language": "en"}).get_json()["title"] == (
        "Page not found")
    search = client.get("/api/v1/search?year=abc", headers={"Accept-Language": "en"})
    assert search.mimetype == "application/problem+json" and "year" in search.get_json()["errors"]


def test_paging_totals_link_headers_and_absolute_urls(client, catalog):
    response = client.get("/api/v1/catalog/items?per_page=2&page=2", base_url="http://data.test:8123")
    body = response.get_json()
    assert (body["total"], body["page"], body["per_page"], body["pages"], len(body["items"])) == (5, 2, 2, 3, 2)
    links = response.headers["Link"]
    assert '<http://data.test:8123/api/v1/catalog/items?per_page=2&page=3>; rel="next"' in links
    assert 'rel="prev"' in links and 'rel="first"' in links and 'rel="last"' in links
    assert all(item["url"].startswith("http://data.test:8123/catalog/") for item in body["items"])
    assert response.headers["X-Total-Count"] == "5"


def test_the_configured_base_url_wins_over_the_request(app, client, catalog):
    app.config["STATDESK_BASE_URL"] = "https://data.example.go.id"
    body = client.get("/api/v1/catalog/items", base_url="http://127.0.0.1:9999").get_json()
    assert body["items"][0]["url"].startswith("https://data.example.go.id/catalog/")


def test_public_reads_allow_any_origin_and_items_carry_an_etag(client, catalog):
    listing = client.get("/api/v1/catalog/items", headers={"Origin": "https://example.org"})
    assert listing.headers["Access-Control-Allow-Origin"] == "*"
    preflight = client.options("/api/v1/catalog/items", headers={"Origin": "https://example.org",
                                                                  "Access-Control-Request-Method": "GET"})
    assert "Authorization" in preflight.headers["Access-Control-Allow-Headers"]
    first = client.get(f"/api/v1/catalog/items/{catalog['public'][0]}")
    assert first.status_code == 200 and first.headers["ETag"]
    url = f"/api/v1/catalog/items/{catalog['public'][0]}"
    again = client.get(url, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert "Access-Control-Allow-Origin" not in client.get("/api/v1/me/orders").headers


def test_hidden_items_are_not_offered(client, catalog):
    listed = {item["id"] for item in client.get("/api/v1/catalog/items?per_page=100").get_json()["items"]}
    assert listed == set(catalog["public"])
    for hidden in catalog["hidden"]:
        assert client.get(f"/api/v1/catalog/items/{hidden}").status_code == 404


def test_the_reference_page_uses_installed_assets_only(client):
    page = client.get("/api/docs")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "/api/v1/catalog/items" in html
    for src in ("/api/docs/assets/swagger-ui-bundle.js", "/api/docs/assets/swagger-ui.css"):
        assert src in html and client.get(src).status_code == 200
    assert "https://" not in html and "//cdn" not in html
    assert client.get("/api/docs/assets/../../app.py").status_code == 404

