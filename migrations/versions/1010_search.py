"""Search: failed index updates kept for retry; an index on the year of search documents

Revision ID: 1010_search
Revises: 1000_cubes
Create Date: 2026-12-01 13:15:00

"""
from alembic import op
import sqlalchemy as sa


revision = '1010_search'
down_revision = '1000_cubes'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('search_pending',
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('last_error', sa.Text(), nullable=False),
    sa.Column('failed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('source', 'key', name=op.f('pk_search_pending'))
    )
    with op.batch_alter_table('search_document', schema=None) as batch_op:
        batch_op.create_index('ix_search_document_year', ['year'], unique=False)


def downgrade():
    with op.batch_alter_table('search_document', schema=None) as batch_op:
        batch_op.drop_index('ix_search_document_year')
    op.drop_table('search_pending')
