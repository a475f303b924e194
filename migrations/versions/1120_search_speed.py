"""Search: a small tsvector of titles and keywords and the order count, which the PostgreSQL backend ranks by

Revision ID: 1120_search_speed
Revises: 1080_continuity
Create Date: 2026-12-01 16:10:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = '1120_search_speed'
down_revision = '1110_cube_speed'
branch_labels = None
depends_on = None

TERMS = sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql")


def upgrade():
    # filled by the next `flask search reindex`; until then every hit ranks as an abstract match
    with op.batch_alter_table('search_document', schema=None) as batch_op:
        batch_op.add_column(sa.Column('rank_terms', TERMS, nullable=False, server_default=''))
        batch_op.add_column(sa.Column('popularity', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('search_document', schema=None) as batch_op:
        batch_op.drop_column('popularity')
        batch_op.drop_column('rank_terms')
