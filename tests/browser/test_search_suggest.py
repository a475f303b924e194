"""In Chromium: three letters typed in the search box offer suggestions; the keyboard picks one."""

import pytest

from tests.catalog.conftest import ItemMaker

pytestmark = pytest.mark.browser


def test_typing_three_letters_and_picking_a_suggestion_with_the_keyboard(page, live_app):
    maker = ItemMaker(live_app)
    wanted = maker.make(kind="table", region="5203", title="Jumlah Penduduk Kabupaten Lombok Timur, 2024")
    maker.make(kind="table", region="3578", title="Jumlah Penduduk Kota Surabaya, 2024")
    assert live_app.test_cli_runner().invoke(args=["search", "reindex"]).exit_code == 0
    page.goto("/search")
    box = page.locator("#q")
    assert box.get_attribute("role") == "combobox" and box.get_attribute("aria-expanded") == "false"
    box.press_sequentially("lom", delay=60)
    options = page.locator("#q-suggestions [role=option]")
    options.first.wait_for()
    assert box.get_attribute("aria-expanded") == "true"
    assert options.first.get_attribute("data-kind") == "region" and "Lombok Timur" in options.first.inner_text()
    assert "Surabaya" not in page.locator("#q-suggestions").inner_text()
    box.press("ArrowDown")
    assert box.get_attribute("aria-activedescendant") == "q-option-0"
    assert options.first.get_attribute("aria-selected") == "true"
    box.press("Enter")
    page.wait_for_url("**region=5203**")
    hits = page.locator(".search-hit")
    assert hits.count() == 1 and hits.first.get_attribute("data-key") == f"catalog:{wanted}"
