"""``core.spreadsheets``: text that begins like a formula is quoted; numbers, dates and blanks are not touched."""

import csv
import io
from datetime import date

import openpyxl
import pytest

from core.spreadsheets import csv_bytes, neutralise, xlsx_bytes


@pytest.mark.parametrize("text", ["=1+1", "+1", "-1", "@A1", "\tx", "\rx", '=HYPERLINK("http://x")'])
def test_text_beginning_like_a_formula_gets_a_quote(text):
    assert neutralise(text) == "'" + text


@pytest.mark.parametrize("value", ["Lombok Barat", "", "1-2", "a=b", "'=quoted already", 5, -5, -2.5, 0.0, None,
                                   True, date(2026, 1, 2)])
def test_everything_else_is_left_alone(value):
    assert neutralise(value) == value


def test_csv_keeps_negative_numbers_and_quotes_text():
    text = csv_bytes(["name", "value"], [["-1+2", -3], ["Budi", None]]).decode("utf-8-sig")
    assert list(csv.reader(io.StringIO(text))) == [["name", "value"], ["'-1+2", "-3"], ["Budi", ""]]


def test_xlsx_keeps_numbers_numbers_and_quotes_title_header_and_text():
    data = xlsx_bytes(["=header", "value"], [["-1+2", -3.5], ["@x", 7]], sheet="Tabel", title="+judul")
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert list(sheet.iter_rows(values_only=True)) == [
        ("'+judul", None), ("'=header", "value"), ("'-1+2", -3.5), ("'@x", 7)]
    assert sheet["B3"].data_type == "n" and sheet["A3"].data_type == "s"
