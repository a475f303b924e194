"""In Chromium: browse → item → table viewer: choose values, pivot, read the caption, switch to English,
see the chart, download CSV and XLSX holding the selection and its metadata."""

import csv
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook

from tests.catalog.conftest import POVERTY, ItemMaker

pytestmark = pytest.mark.browser


def _download(page, selector) -> Path:
    with page.expect_download() as info:
        page.click(selector)
    return Path(info.value.path())


def test_choose_pivot_caption_language_chart_and_downloads(page, live_app):
    item_id = ItemMaker(live_app).make(kind="table", table=POVERTY, region="52", subject="SOS.MSK",
                                       title="Persentase Penduduk Miskin Kabupaten/Kota NTB")
    page.goto("/catalog/?kind=table")
    page.click("text=Persentase Penduduk Miskin Kabupaten/Kota NTB")
    assert page.url.endswith(f"/catalog/{item_id}")
    page.click("#open-table")
    # choose: one year (so it is fixed and named), both areas across, two regions found by searching
    page.uncheck("fieldset[data-dimension=tahun] >> text=2022")
    page.click("fieldset[data-dimension=daerah] >> text=Pilih semua")
    page.select_option("#place_daerah", "cols")
    page.click("fieldset[data-dimension=wilayah] >> text=Kosongkan")
    page.check("fieldset[data-dimension=wilayah] >> text=Lombok Barat")
    page.check("fieldset[data-dimension=wilayah] >> text=Lombok Timur")
    page.click("#show-table")
    page.wait_for_url("**tahun=2023**")
    caption = page.locator("#table-caption").inner_text()
    assert "Tahun: 2023" in caption and "Satuan: Persen" in caption
    header = page.locator("#pivot thead").inner_text()
    assert "Perkotaan" in header and "Perdesaan" in header
    body = page.locator("#pivot tbody").inner_text()
    assert "Lombok Barat" in body and "12,75" in body and "Kota Mataram" not in body
    # pivot: regions across, areas down
    page.select_option("#place_wilayah", "cols")
    page.select_option("#place_daerah", "rows")
    page.click("#show-table")
    page.wait_for_url("**place_wilayah=cols**")
    assert "Lombok Timur" in page.locator("#pivot thead").inner_text()
    assert "Perdesaan" in page.locator("#pivot tbody").inner_text()
    permalink = page.input_value("#permalink")
    # English labels and number format
    page.click("#language-menu")
    page.click("text=English")
    page.wait_for_selector("text=Permanent link to this selection")
    caption = page.locator("#table-caption").inner_text()
    assert "Year: 2023" in caption and "Unit: Percent" in caption
    assert "Rural" in page.locator("#pivot tbody").inner_text()
    assert "12.75" in page.locator("#pivot").inner_text() and "12,75" not in page.locator("#pivot").inner_text()
    # the chart: drawn on the page, named for screen readers, its bars labelled with their values
    chart = page.locator("svg#chart")
    assert chart.is_visible()
    assert "Lombok Barat" in chart.locator("desc").text_content()
    # both years: a line over time
    page.goto(permalink.replace("tahun=2023", "tahun=2022,2023").replace("cols=wilayah", "cols=tahun")
              .replace("rows=daerah", "rows=wilayah"))
    assert page.locator("svg#chart polyline").count() == 4  # two regions × two areas, one line each
    # downloads hold the selection and its metadata
    page.goto(permalink + "&lang=en")
    rows = list(csv.reader(io.StringIO(_download(page, "#download-csv").read_text(encoding="utf-8-sig"))))
    meta = {row[0]: row[1] for row in rows if row and row[0].startswith("#")}
    assert meta["# Unit"] == "Percent" and meta["# Selection: Year"] == "2023 (2023)"
    assert meta["# Source"] == "BPS-Statistics Indonesia" and meta["# Link"].startswith("http")
    data = [row for row in rows if row and not row[0].startswith("#")]
    assert len(data) == 1 + 4 and {r[0] for r in data[1:]} == {"5201", "5203"}
    workbook = load_workbook(io.BytesIO(_download(page, "#download-xlsx").read_bytes()))
    cells = list(workbook["Data"].iter_rows(values_only=True))
    assert len(cells) == 1 + 4 and 12.75 in [row[6] for row in cells]
    metadata = {row[0]: row[1] for row in workbook["Metadata"].iter_rows(values_only=True)}
    assert metadata["Unit"] == "Percent" and "Lombok Timur (5203)" in metadata["Selection: Region"]
