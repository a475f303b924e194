"""The search page and ``GET /api/v1/search`` over real catalog items and the configured backend."""

from __future__ import annotations

import pytest

from tests.catalog.conftest import ItemMaker


@pytest.fixture
def catalog(app, frozen_now):
    maker = ItemMaker(app)
    made = {
        "lotim": maker.make(kind="table", title="Jumlah Penduduk Kabupaten Lombok Timur menurut Kecamatan",
                            region="5203", subject="SOS.MSK", year=2024),
        "inflasi": maker.make(kind="publication", title="Inflasi Kota Mataram 2024", region="5271",
                              subject="SOS.MSK", year=2024, access="paid", tariff_kind="flat",
                              tariff={"price": 150_000}),
        "surabaya": maker.make(kind="map", title="Peta Kepadatan Penduduk Kota Surabaya", region="3578",
                               subject="SOS.MSK", year=2023),
        "draft": maker.make(kind="table", title="Penduduk Lombok Timur rancangan", status="draft"),
    }
    result = app.test_cli_runner().invoke(args=["search", "reindex"])
    assert result.exit_code == 0, result.output
    return made


@pytest.fixture
def frozen_now():
    from core import clock
    from tests.catalog.conftest import NOW

    with clock.frozen(NOW):
        yield NOW


def test_the_page_shows_highlighted_hits_and_facets(client, catalog):
    response = client.get("/search?q=penduduk+lombok+timur")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'data-key="catalog:{catalog["lotim"]}"' in html
    assert "<mark>Penduduk</mark>" in html and "<mark>Lombok</mark>" in html
    assert 'id="facet-region"' in html and "rancangan" not in html  # drafts are never shown


def test_filters_narrow_the_page(client, catalog):
    html = client.get("/search?q=penduduk&region=35").get_data(as_text=True)
    assert f'data-key="catalog:{catalog["surabaya"]}"' in html
    assert f'data-key="catalog:{catalog["lotim"]}"' not in html


def test_nothing_found_offers_a_free_consultation(client, catalog):
    response = client.get("/search?q=kelautan+perikanan")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="no-results"' in html and 'id="ask-consultation"' in html and "/consultations/new" in html


def test_a_misspelling_offers_a_suggestion(client, catalog):
    html = client.get("/search?q=pendudk").get_data(as_text=True)
    assert 'id="suggestion"' in html and "penduduk" in html


@pytest.mark.parametrize("query", ['"penduduk lombok', "penduduk -", "yang dan", "a" * 10_000, "-sensus",
                                   "p*"])
def test_queries_that_cannot_be_understood_answer_400_with_help(client, catalog, query):
    page = client.get("/search", query_string={"q": query})
    assert page.status_code == 400 and 'id="search-error"' in page.get_data(as_text=True)
    api = client.get("/api/v1/search", query_string={"q": query})
    assert api.status_code == 400 and api.get_json()["errors"]["q"] == [api.get_json()["detail"]]


def test_control_characters_are_refused_at_the_edge_and_tabs_count_as_spaces(client, catalog):
    response = client.get("/api/v1/search", query_string={"q": "inflasi\x00\x1b mataram"})
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert "karakter kendali" in response.get_json()["detail"]
    response = client.get("/api/v1/search", query_string={"q": "inflasi\tmataram"})
    assert response.status_code == 200
    assert [hit["key"] for hit in response.get_json()["hits"]] == [str(catalog["inflasi"])]


@pytest.mark.parametrize("args", [{"year": "abc"}, {"year": "99999"}, {"year_from": "2025", "year_to": "2020"},
                                  {"access": "gratis"}, {"sort": "random"}, {"max_price": "-1"},
                                  {"page": "0"}, {"per_page": "1000"}, {"lang": "fr"}, {"region": "52<script>"}])
def test_bad_arguments_answer_400_with_a_message(client, catalog, args):
    response = client.get("/api/v1/search", query_string={"q": "penduduk", **args})
    problem = response.get_json()
    assert response.status_code == 400 and response.mimetype == "application/problem+json"
    assert problem["detail"] and problem["errors"] and set(problem["errors"]) <= set(args)  # names the parameter
    assert client.get("/search", query_string={"q": "penduduk", **args}).status_code == (
        200 if set(args) & {"per_page", "lang"} else 400)  # the page has no per_page or lang


def test_the_api_returns_hits_facets_and_paging(client, catalog):
    body = client.get("/api/v1/search?q=penduduk&lang=en&per_page=1").get_json()
    assert body["total"] == 2 and body["pages"] == 2 and len(body["hits"]) == 1
    assert {hit["key"] for hit in body["hits"]} <= {str(catalog["lotim"]), str(catalog["surabaya"])}
    regions = {entry["value"]: entry for entry in body["facets"]["region"]}
    assert regions["52"]["count"] == 1 and regions["35"]["count"] == 1
    assert regions["5203"]["label"] == "Lombok Timur" or "Lombok Timur" in regions["5203"]["label"]
    kinds = {entry["value"]: entry["label"] for entry in body["facets"]["kind"]}
    assert kinds == {"table": "Table", "map": "Map"}
    assert body["hits"][0]["url"].startswith("http")


def test_paid_filter_and_price(client, catalog):
    body = client.get("/api/v1/search?access=paid").get_json()
    assert [hit["key"] for hit in body["hits"]] == [str(catalog["inflasi"])]
    assert body["hits"][0]["price"] == 150_000


def test_empty_query_lists_every_public_item_newest_first(client, catalog):
    body = client.get("/api/v1/search").get_json()
    assert body["total"] == 3


def test_the_pager_keeps_every_filter_and_marks_the_page_shown(app, client, catalog):
    import re

    app.config["STATDESK_PAGE_SIZE"] = 1  # two hits for "penduduk" among tables and maps: two pages
    html = client.get("/search?q=penduduk&kind=table&kind=map&page=2").get_data(as_text=True)
    links = re.findall(r'<a class="page-link" href="([^"]+)">([^<]+)</a>', html)
    assert [label for _href, label in links] == ["Sebelumnya", "1", "2"]
    assert all("kind=table&amp;kind=map" in href and "q=penduduk" in href for href, _label in links)
    assert '<li class="page-item active"><a class="page-link" href="/search?q=penduduk&amp;kind=table&amp;kind=map' \
           '&amp;page=2">2</a>' in html


def test_the_search_box_suggests_regions_series_and_titles(client, catalog):
    body = client.get("/api/v1/search/suggest?q=lom").get_json()
    kinds = [(s["kind"], s["label"]) for s in body["suggestions"]]
    assert kinds[0] == ("region", "Lombok Timur") and body["suggestions"][0]["url"] == "/search?region=5203"
    assert ("title", "Jumlah Penduduk Kabupaten Lombok Timur menurut Kecamatan") in kinds
    assert client.get("/api/v1/search/suggest?q=l").get_json()["suggestions"] == []
    assert client.get("/api/v1/search/suggest?q=penduduk+sur").get_json()["suggestions"][0]["label"] == \
        "Kota Surabaya"
    assert client.get("/api/v1/search/suggest?q=lom&lang=xx").status_code == 400


def test_a_search_without_hits_offers_a_word_dropped_and_the_wider_region(client, catalog):
    html = client.get("/search?q=penduduk+papua").get_data(as_text=True)
    assert 'id="alternatives"' in html and "q=penduduk" in html and 'id="ask-consultation"' in html
    html = client.get("/search?q=penduduk&region=5201").get_data(as_text=True)
    assert 'id="no-results"' in html and "region=52" in html and 'id="ask-consultation"' in html


def test_series_drop_their_period():
    from search_index.suggest import series_of

    assert series_of("Inflasi Kota Mataram, Desember 2025") == "Inflasi Kota Mataram"
    assert series_of("Proyeksi Penduduk NTB 2020-2035") == "Proyeksi Penduduk NTB"
    assert series_of("Statistik Indonesia") == "Statistik Indonesia"
