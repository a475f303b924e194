"""The same backend tests run against every search backend.

``search_backend`` gives an empty backend of each kind: Whoosh in a temporary
directory on every pass; PostgreSQL only on the PostgreSQL pass, where its
tables live in the test database.
"""

from __future__ import annotations

import pytest

BACKENDS = ("whoosh", "postgresql")


@pytest.fixture(params=BACKENDS)
def search_backend(request, app, backend, tmp_path):
    if request.param == "whoosh":
        from search_index.whoosh_backend import WhooshBackend

        return WhooshBackend(str(tmp_path / "whoosh"))
    if backend != "postgresql":
        pytest.skip("the PostgreSQL search backend runs on the PostgreSQL pass")
    from core.extensions import db
    from search_index.postgres_backend import PostgresBackend

    with app.app_context():
        return PostgresBackend(db.engine)
