"""The cube store: versioned table data, one row per cell (replaces catalog_table_data)

Revision ID: 1000_cubes
Revises: 0980_two_factor
Create Date: 2026-12-01 12:40:00

The JSON-blob tables of ``catalog_table_data`` become version 1 of a cube each: every old
dimension keeps its name as code and its values as codes and labels; the old measure text becomes
the unit; every cell keeps its number.
"""
import json
import math

from alembic import op
import sqlalchemy as sa


revision = '1000_cubes'
down_revision = '0980_two_factor'
branch_labels = None
depends_on = None

TIME_NAMES = {"tahun", "year", "bulan", "month", "periode", "period"}


def _convert(measure, dimensions, cells):
    dims, indexes = [], []
    for d in dimensions:
        values = [str(v) for v in d["values"]]
        label = d.get("label") or d["name"]
        dims.append({"code": d["name"], "label": {"id": label, "en": label},
                     "role": "time" if d["name"].lower() in TIME_NAMES else "other",
                     "values": [{"code": v, "label": {"id": v, "en": v}} for v in values]})
        indexes.append({v: i for i, v in enumerate(values)})
    strides, step = [], 1
    for index in reversed(indexes):
        strides.insert(0, step)
        step *= len(index)
    rows = []
    for key, value in cells.items():
        parts = key.split("|")
        if len(parts) != len(indexes) or any(p not in i for p, i in zip(parts, indexes)):
            continue
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            continue
        rows.append((sum(i[p] * s for p, i, s in zip(parts, indexes, strides)), float(value)))
    structure = {"dimensions": dims, "unit": {"id": measure, "en": measure} if measure else {}, "decimals": 2,
                 "source": {}, "contact": "", "notes": []}
    return structure, rows


def upgrade():
    version = op.create_table('catalog_cube_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('changelog', sa.Text(), nullable=False),
    sa.Column('structure', sa.JSON(), nullable=False),
    sa.Column('cell_count', sa.Integer(), nullable=False),
    sa.Column('revised_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['catalog_item.id'], name=op.f('fk_catalog_cube_version_item_id_catalog_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_cube_version')),
    sa.UniqueConstraint('item_id', 'number', name=op.f('uq_catalog_cube_version_item_id_number'))
    )
    with op.batch_alter_table('catalog_cube_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_cube_version_item_id'), ['item_id'], unique=False)

    cell = op.create_table('catalog_cube_cell',
    sa.Column('version_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('pos', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('value', sa.Float(), nullable=True),
    sa.Column('symbol', sa.String(length=2), nullable=False),
    sa.Column('note', sa.SmallInteger(), nullable=False),
    sa.Column('revised', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['catalog_cube_version.id'], name=op.f('fk_catalog_cube_cell_version_id_catalog_cube_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('version_id', 'pos', name=op.f('pk_catalog_cube_cell'))
    )

    connection = op.get_bind()
    old = sa.table('catalog_table_data', sa.column('item_id', sa.Integer), sa.column('measure', sa.String),
                   sa.column('dimensions', sa.JSON), sa.column('cells', sa.JSON))
    from datetime import datetime, timezone
    now = datetime.now(timezone.utc)
    for item_id, measure, dimensions, cells in connection.execute(sa.select(old.c.item_id, old.c.measure,
                                                                            old.c.dimensions, old.c.cells)).all():
        if isinstance(dimensions, str):
            dimensions, cells = json.loads(dimensions), json.loads(cells)
        structure, rows = _convert(measure, dimensions, cells)
        version_id = connection.execute(sa.insert(version).values(
            item_id=item_id, number=1, changelog="Dipindahkan dari tabel dinamis lama.", structure=structure,
            cell_count=len(rows), revised_count=0, created_at=now).returning(version.c.id)).scalar_one()
        if rows:
            connection.execute(sa.insert(cell), [{"version_id": version_id, "pos": pos, "value": value, "symbol": "",
                                                  "note": 0, "revised": False} for pos, value in rows])
    op.drop_table('catalog_table_data')


def downgrade():
    op.create_table('catalog_table_data',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('measure', sa.String(length=160), nullable=False),
    sa.Column('dimensions', sa.JSON(), nullable=False),
    sa.Column('cells', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['catalog_item.id'], name=op.f('fk_catalog_table_data_item_id_catalog_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', name=op.f('pk_catalog_table_data'))
    )
    op.drop_table('catalog_cube_cell')
    with op.batch_alter_table('catalog_cube_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_cube_version_item_id'))
    op.drop_table('catalog_cube_version')
