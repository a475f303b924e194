"""The issue's own examples on the demo catalog: what a consumer types first finds the right item first."""

from catalog import demo
from core import clock
from tests.catalog.conftest import NOW


def test_the_demo_catalog_answers_the_first_searches_people_make(app, client):
    with clock.frozen(NOW), app.app_context():
        assert demo.load() > 0
    assert app.test_cli_runner().invoke(args=["search", "reindex"]).exit_code == 0
    first = client.get("/api/v1/search?q=penduduk+lombok+timur&per_page=3").get_json()["hits"][0]
    assert first["title"].startswith("Jumlah Penduduk") and "Lombok Timur" in first["title"]
    first = client.get("/api/v1/search?q=inflasi+2024&per_page=3").get_json()["hits"][0]
    assert "Inflasi" in first["title"] and "2024" in first["title"]
    english = client.get("/api/v1/search?q=population+surabaya&lang=en").get_json()["hits"][0]
    assert english["title"] == "Population by District and Sex, Surabaya City, 2025"
    assert client.get("/api/v1/search?q=pendudk+lombok").get_json()["suggestion"] == "penduduk lombok"
