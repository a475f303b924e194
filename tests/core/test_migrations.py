"""The migrations build the schema from empty, go down again, and agree with the models."""

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from app import create_app
from core.extensions import db
from tests.conftest import base_config
from tests.support import servers


def _fresh_url(backend, tmp_path, stack):
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'fresh.db'}"
    return stack.enter_context(servers.postgres_database())


def test_upgrade_from_empty_matches_models_and_downgrades_to_empty(backend, tmp_path):
    from contextlib import ExitStack

    with ExitStack() as stack:
        app = create_app(base_config(tmp_path, _fresh_url(backend, tmp_path, stack)))
        with app.app_context():
            upgrade()
            with db.engine.connect() as connection:
                diff = compare_metadata(MigrationContext.configure(connection, opts={"compare_type": True}),
                                        db.metadata)
            assert diff == [], f"models and migrations disagree: {diff}"
            downgrade(revision="base")
            remaining = set(sa.inspect(db.engine).get_table_names()) - {"alembic_version"}
            assert remaining == set()
            db.engine.dispose()
