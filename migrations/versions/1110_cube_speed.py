"""Cube cells stored in chunks of 256 consecutive offsets (one row per chunk, figures packed); version ids never reused

Revision ID: 1110_cube_speed
Revises: 1080_continuity
Create Date: 2026-12-01 16:00:00

A row of ``catalog_cube_chunk`` holds the cells at offsets ``chunk * 256`` to ``chunk * 256 + 255`` of a
version: ``figures`` as 256 little-endian doubles (NaN: no number), ``marks`` a JSON list of
``[index, symbol, note, revised]`` for cells with a symbol, a footnote, a revised mark or no number.
``catalog_cube_version`` gets SQLite's AUTOINCREMENT, so a deleted draft version's id is never given again
(processes keep a version's structure by its id).
"""
import json
import math
import struct

from alembic import op
import sqlalchemy as sa


revision = '1110_cube_speed'
down_revision = '1090_page_indexes'
branch_labels = None
depends_on = None

CHUNK = 256
NAN = float("nan")


def _chunks(rows):
    """(version_id, pos, value, symbol, note, revised) rows, ordered by version and pos → chunk rows."""
    current, figures, marks = None, None, None
    for version_id, pos, value, symbol, note, revised in rows:
        key = (version_id, pos // CHUNK)
        if key != current:
            if current is not None:
                yield _row(current, figures, marks)
            current, figures, marks = key, [NAN] * CHUNK, []
        index = pos % CHUNK
        figures[index] = NAN if value is None else float(value)
        if value is None or symbol or note or revised:
            marks.append([index, symbol or "", int(note or 0), bool(revised)])
    if current is not None:
        yield _row(current, figures, marks)


def _row(key, figures, marks):
    return {"version_id": key[0], "chunk": key[1], "figures": struct.pack(f"<{CHUNK}d", *figures),
            "marks": json.dumps(marks, ensure_ascii=False) if marks else None}


def _version_table(autoincrement):
    with op.batch_alter_table('catalog_cube_version', recreate='always',
                              table_kwargs={'sqlite_autoincrement': autoincrement}) as batch_op:
        batch_op.alter_column('changelog', existing_type=sa.Text(), nullable=False)


def upgrade():
    connection = op.get_bind()
    sqlite = connection.dialect.name == 'sqlite'
    cell = sa.table('catalog_cube_cell', sa.column('version_id', sa.Integer), sa.column('pos', sa.BigInteger),
                    sa.column('value', sa.Float), sa.column('symbol', sa.String), sa.column('note', sa.SmallInteger),
                    sa.column('revised', sa.Boolean))
    rows = list(_chunks(connection.execute(
        sa.select(cell.c.version_id, cell.c.pos, cell.c.value, cell.c.symbol, cell.c.note, cell.c.revised)
        .order_by(cell.c.version_id, cell.c.pos))))
    op.drop_table('catalog_cube_cell')
    if sqlite:
        _version_table(True)
    chunk = op.create_table('catalog_cube_chunk',
    sa.Column('version_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('chunk', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('figures', sa.LargeBinary(), nullable=False),
    sa.Column('marks', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['version_id'], ['catalog_cube_version.id'], name=op.f('fk_catalog_cube_chunk_version_id_catalog_cube_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('version_id', 'chunk', name=op.f('pk_catalog_cube_chunk'))
    )
    if connection.dialect.name == 'postgresql':
        # 2 KiB of incompressible doubles: kept in the row, neither compressed nor moved out to TOAST
        op.execute('ALTER TABLE catalog_cube_chunk ALTER COLUMN figures SET STORAGE PLAIN')
    if rows:
        op.bulk_insert(chunk, rows)


def downgrade():
    connection = op.get_bind()
    chunk = sa.table('catalog_cube_chunk', sa.column('version_id', sa.Integer), sa.column('chunk', sa.Integer),
                     sa.column('figures', sa.LargeBinary), sa.column('marks', sa.Text))
    rows = []
    for version_id, number, figures, marks in connection.execute(
            sa.select(chunk.c.version_id, chunk.c.chunk, chunk.c.figures, chunk.c.marks)):
        values = struct.unpack(f"<{len(figures) // 8}d", figures)
        marked = {m[0]: m for m in json.loads(marks)} if marks else {}
        for index, value in enumerate(values):
            mark = marked.get(index)
            if math.isnan(value) and mark is None:
                continue
            rows.append({"version_id": version_id, "pos": number * CHUNK + index,
                         "value": None if math.isnan(value) else value, "symbol": mark[1] if mark else "",
                         "note": mark[2] if mark else 0, "revised": bool(mark[3]) if mark else False})
    op.drop_table('catalog_cube_chunk')
    if connection.dialect.name == 'sqlite':
        _version_table(False)
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
    if rows:
        op.bulk_insert(cell, rows)
