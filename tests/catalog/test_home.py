"""The site's home is the catalog's: search box, new and upcoming releases; staff keep their home link."""

from datetime import timedelta


def test_home_shows_search_box_new_and_upcoming(client, items, frozen_now):
    items.make(title="Statistik Indonesia 2026")
    items.make(status="scheduled", release_at=frozen_now + timedelta(days=5), title="Inflasi April 2026")
    page = client.get("/").get_data(as_text=True)
    assert 'name="q"' in page and "/catalog/" in page
    assert "Statistik Indonesia 2026" in page and "Inflasi April 2026" in page


def test_signed_in_staff_still_find_their_home(client, users, login):
    login(users.make("operator"))
    page = client.get("/").get_data(as_text=True)
    assert "/home" in page


def test_search_box_filters_browse(client, items, frozen_now):
    items.make(title="Data Mikro Susenas Maret 2024")
    items.make(title="Peta Wilkerstat Dompu")
    page = client.get("/catalog/?q=susenas").get_data(as_text=True)
    assert "Susenas Maret 2024" in page and "Wilkerstat Dompu" not in page


def test_browse_by_province_finds_its_regencies(client, items, frozen_now):
    items.make(title="Lombok Timur Dalam Angka", region="5203")
    items.make(title="Surabaya Dalam Angka", region="3578")
    page = client.get("/catalog/?region=52").get_data(as_text=True)
    assert "Lombok Timur Dalam Angka" in page and "Surabaya Dalam Angka" not in page


def test_browse_by_parent_subject_and_year(client, items, frozen_now):
    items.make(title="Kemiskinan 2023", subject="SOS.MSK", year=2023)
    items.make(title="Kemiskinan 2024", subject="SOS.MSK", year=2024)
    items.make(title="Inflasi 2023", subject="EKO.HRG", year=2023)
    page = client.get("/catalog/?subject=SOS&year=2023").get_data(as_text=True)
    assert "Kemiskinan 2023" in page and "Kemiskinan 2024" not in page and "Inflasi 2023" not in page


def test_browse_paginates(app, client, items, frozen_now):
    app.config["STATDESK_PAGE_SIZE"] = 2
    for n in range(5):
        items.make(title=f"Tabel Halaman {n}")
    first = client.get("/catalog/").get_data(as_text=True)
    third = client.get("/catalog/?page=3").get_data(as_text=True)
    assert first.count("item-link") == 2 and third.count("item-link") == 1


def test_api_lists_public_items_and_hides_drafts(client, items, frozen_now):
    public = items.make(kind="microdata", variables=[("r101", "Provinsi")])
    draft = items.make(status="draft")
    listing = client.get("/api/v1/catalog/items").get_json()
    assert [i["id"] for i in listing["items"]] == [public]
    detail = client.get(f"/api/v1/catalog/items/{public}").get_json()
    assert detail["variables"] == [{"name": "r101", "label": "Provinsi", "type": "numeric"}]
    assert client.get(f"/api/v1/catalog/items/{draft}").status_code == 404
