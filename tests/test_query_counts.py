"""Each main page runs as many SQL statements with ten times the rows as with the demo data.

The demo data is loaded once for the module (``flask demo load``) and every page counted; then the catalog,
the orders, the consultations and their work items are multiplied by ten in bulk (``tests.support.multiply``)
and every page counted again.  A query per row (an N+1) makes the second count larger; the bound per page
keeps the count small as well as flat.  Each page is requested once before it is counted: what a process
computes once per catalog version (``catalog.snapshot``) is not per-request work.
"""

from __future__ import annotations

import shutil

import pytest
import sqlalchemy as sa

from app import create_app
from core.extensions import db
from tests.conftest import base_config
from tests.support import servers
from tests.support.factories import UserMaker
from tests.support.multiply import multiply
from tests.support.statements import statements_of

DEMO_PASSWORD = "Statdesk-demo-2026"
CONSUMER = "consumer@demo.example.org"

#: The statements each page may run: what it runs with the demo data, and a little room.  The work list's
#: count follows the kinds of work on its page (one query per kind for their details), not their number.
BOUNDS = {"home": 2, "catalog list": 3, "item": 6, "search": 2, "table viewer": 5, "console": 20, "desk": 16,
          "orders": 12, "order": 12, "finance": 8}

MULTIPLIED = ["catalog_item", "catalog_item_version", "catalog_item_file", "catalog_variable",
              "order_record", "order_line", "order_fulfilment_task",
              "consultation_ticket", "consultation_message", "consultation_status_event", "roster_work_item"]
SHIFTED = {"roster_work_item": ["item_id"]}


def _first(sql: str) -> int:
    found = db.session.scalar(sa.text(sql))
    assert found is not None, sql
    return found


def _pages(app) -> dict[str, tuple[str, str]]:
    """page name -> (who, url)."""
    with app.app_context():
        item = _first("SELECT id FROM catalog_item WHERE status = 'released' AND kind = 'publication' ORDER BY id")
        table = _first("SELECT v.item_id FROM catalog_cube_version v JOIN catalog_item i ON i.id = v.item_id "
                       "WHERE i.status = 'released' ORDER BY v.item_id")
        order = _first("SELECT o.id FROM order_record o JOIN user_account u ON u.id = o.user_id "
                       f"WHERE u.email = '{CONSUMER}' ORDER BY o.id")
    return {"home": ("anonymous", "/"), "catalog list": ("anonymous", "/catalog/"),
            "item": ("anonymous", f"/catalog/{item}"), "search": ("anonymous", "/search?q=penduduk"),
            "table viewer": ("anonymous", f"/catalog/{table}/table"), "console": ("supervisor", "/helpdesk/"),
            "desk": ("supervisor", "/consultations/desk"), "orders": ("consumer", "/orders"),
            "order": ("consumer", f"/orders/{order}"), "finance": ("finance", "/finance/invoices")}


def _rows(tables: list[str]) -> dict[str, int]:
    return {table: db.session.scalar(sa.select(sa.func.count()).select_from(db.metadata.tables[table]))
            for table in tables}


def _sign_in(app, users: UserMaker, email: str, password: str):
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": password})
    assert response.status_code == 302, response.get_data(as_text=True)[:300]
    users.pass_second_step(client, response, email)
    return client


def _count(app, client, url: str) -> int:
    """The statements of ``url`` once it has been served (a first request may build per-process caches)."""
    assert client.get(url).status_code == 200, url
    return statements_of(app, client, url)


@pytest.fixture(scope="module")
def counted(backend, migrated_database, tmp_path_factory):
    """page name -> (statements with the demo data, statements with ten times the rows)."""
    tmp = tmp_path_factory.mktemp("query_counts")
    if backend == "sqlite":
        shutil.copyfile(migrated_database, tmp / "test.db")
        url = f"sqlite:///{tmp / 'test.db'}"
    else:
        url = migrated_database
    app = create_app(base_config(tmp, url))
    try:
        result = app.test_cli_runner().invoke(args=["demo", "load"])
        assert result.exit_code == 0, result.output
        users = UserMaker(app)
        clients = {"anonymous": app.test_client(), "consumer": _sign_in(app, users, CONSUMER, DEMO_PASSWORD),
                   "supervisor": _sign_in(app, users, users.make("supervisor", "operator"), users.PASSWORD),
                   "finance": _sign_in(app, users, users.make("finance"), users.PASSWORD)}
        pages = _pages(app)
        demo = {name: _count(app, clients[who], url) for name, (who, url) in pages.items()}
        with app.app_context():
            before = _rows(MULTIPLIED)
            multiply(MULTIPLIED, 10, SHIFTED)
            assert _rows(MULTIPLIED) == {table: 10 * n for table, n in before.items()}
        large = {name: _count(app, clients[who], url) for name, (who, url) in pages.items()}
        print("statements per page (demo, ten times):", {name: (demo[name], large[name]) for name in pages})
        yield {name: (demo[name], large[name]) for name in pages}
    finally:
        with app.app_context():
            db.session.remove()
            if backend == "postgresql":
                servers.truncate_all(db.engine)
            db.engine.dispose()


@pytest.mark.parametrize("page", sorted(BOUNDS))
def test_page_runs_the_same_bounded_number_of_queries_at_ten_times_the_rows(counted, page):
    demo, large = counted[page]
    assert demo <= BOUNDS[page], f"{page}: {demo} statements with the demo data, bound {BOUNDS[page]}"
    assert large <= BOUNDS[page], f"{page}: {large} statements with ten times the rows, bound {BOUNDS[page]}"
