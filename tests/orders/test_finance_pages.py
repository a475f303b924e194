"""The finance lists page through their rows with the shared pager, keeping the filters."""

from __future__ import annotations

import re

import pytest

from orders.finance import views


@pytest.fixture
def finance(ledger, users, login, monkeypatch):
    monkeypatch.setattr(views, "PER_PAGE", 1)
    return login(users.make("finance"))


def _rows(body: str) -> int:
    table = body.split('id="finance-invoices"', 1)[1].split("</tbody>", 1)[0]
    return table.count("<tr><td>")


def test_each_page_shows_its_rows_and_links_keep_the_filters(client, finance):
    first = client.get("/finance/invoices", query_string={"status": "paid"}).get_data(as_text=True)
    second = client.get("/finance/invoices", query_string={"status": "paid", "page": "2"}).get_data(as_text=True)
    assert _rows(first) == _rows(second) == 1
    assert re.search(r'href="/finance/invoices\?[^"]*page=2[^"]*"', first)
    links = re.findall(r'class="page-link" href="([^"]+)"', second)
    assert links and all("status=paid" in link for link in links)


@pytest.mark.parametrize("page", ["0", "-3", "x", "9" * 25])
def test_a_page_number_typed_by_hand_never_fails(client, finance, page):
    assert client.get("/finance/invoices", query_string={"page": page}).status_code == 200
