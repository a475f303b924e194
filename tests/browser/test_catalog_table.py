"""In Chromium: browse → item → dynamic table (pick rows, columns, a filter) → CSV download of the selection."""

import csv
import io
from pathlib import Path

import pytest

from tests.catalog.conftest import POVERTY, ItemMaker

pytestmark = pytest.mark.browser


def test_browse_item_dynamic_table_and_csv_download(page, live_app):
    item_id = ItemMaker(live_app).make(kind="table", table=POVERTY, region="52", subject="SOS.MSK",
                                       title="Persentase Penduduk Miskin Kabupaten/Kota NTB")
    page.goto("/catalog/?kind=table")
    page.click("text=Persentase Penduduk Miskin Kabupaten/Kota NTB")
    assert page.url.endswith(f"/catalog/{item_id}")
    page.click("#open-table")
    page.select_option("#rows", "wilayah")
    page.select_option("#cols", "daerah")
    page.select_option("#f_tahun", "2022")
    page.click("#show-table")
    page.wait_for_url("**f_tahun=2022**")
    assert "17.9" in page.locator("#pivot").inner_text()
    with page.expect_download() as info:
        page.click("#download-csv")
    content = Path(info.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows[0][1:] == ["Perkotaan", "Perdesaan"]
    assert rows[1:] == [["Lombok Barat", "13.5", "15.25"], ["Lombok Timur", "16.1", "17.9"],
                        ["Kota Mataram", "8.9", "9.4"]]
