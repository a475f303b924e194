"""Indexes the public lists are read in order from, and the catalog's version stamp

Revision ID: 1090_page_indexes
Revises: 1080_continuity
Create Date: 2026-12-01 15:50:00

Each list of public items (home, browse, related items) reads one of the ``(…, status, release_at, id)``
indexes backwards and stops at its LIMIT; they replace the one-column indexes they start with.
``catalog_version`` holds one row whose ``stamp`` a trigger renews on every write to ``catalog_item``
(``catalog/snapshot.py`` keys what each process computes from the catalog on it).
"""
from alembic import op
import sqlalchemy as sa


revision = '1090_page_indexes'
down_revision = '1080_continuity'
branch_labels = None
depends_on = None

LISTING = ['status', 'release_at', 'id']
REPLACED = {'kind': 'ix_catalog_item_kind', 'subject_code': 'ix_catalog_item_subject_code',
            'region_code': 'ix_catalog_item_region_code', 'year': 'ix_catalog_item_year'}

SQLITE_TRIGGER = """CREATE TRIGGER catalog_item_version_{event} AFTER {event} ON catalog_item
BEGIN
  INSERT INTO catalog_version (id, stamp) VALUES (1, lower(hex(randomblob(12))))
    ON CONFLICT (id) DO UPDATE SET stamp = excluded.stamp;
END"""

POSTGRES_FUNCTION = """CREATE FUNCTION catalog_version_renew() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO catalog_version (id, stamp) VALUES (1, md5(random()::text || clock_timestamp()::text))
    ON CONFLICT (id) DO UPDATE SET stamp = excluded.stamp;
  RETURN NULL;
END $$"""

POSTGRES_TRIGGER = """CREATE TRIGGER catalog_item_version AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON catalog_item
FOR EACH STATEMENT EXECUTE FUNCTION catalog_version_renew()"""


def upgrade():
    with op.batch_alter_table('catalog_item') as batch_op:
        batch_op.drop_index('ix_catalog_item_status')
        for column, name in REPLACED.items():
            batch_op.drop_index(name)
        batch_op.create_index('ix_catalog_item_listing', LISTING, unique=False)
        for column in REPLACED:
            batch_op.create_index(f'ix_catalog_item_{column}_listing', [column, *LISTING], unique=False)
    op.create_table('catalog_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('stamp', sa.String(length=32), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_version'))
    )
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("INSERT INTO catalog_version (id, stamp) VALUES (1, md5(random()::text || clock_timestamp()::text))")
        op.execute(POSTGRES_FUNCTION)
        op.execute(POSTGRES_TRIGGER)
    else:
        op.execute("INSERT INTO catalog_version (id, stamp) VALUES (1, lower(hex(randomblob(12))))")
        for event in ('INSERT', 'UPDATE', 'DELETE'):
            op.execute(SQLITE_TRIGGER.format(event=event))


def downgrade():
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER catalog_item_version ON catalog_item')
        op.execute('DROP FUNCTION catalog_version_renew()')
    else:
        for event in ('INSERT', 'UPDATE', 'DELETE'):
            op.execute(f'DROP TRIGGER catalog_item_version_{event}')
    op.drop_table('catalog_version')
    with op.batch_alter_table('catalog_item') as batch_op:
        for column in REPLACED:
            batch_op.drop_index(f'ix_catalog_item_{column}_listing')
        batch_op.drop_index('ix_catalog_item_listing')
        for column, name in REPLACED.items():
            batch_op.create_index(name, [column], unique=False)
        batch_op.create_index('ix_catalog_item_status', ['status'], unique=False)
