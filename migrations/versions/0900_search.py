"""Tables of the PostgreSQL search backend

Revision ID: 0900_search
Revises: 0800_helpdesk
Create Date: 2026-11-23 06:40:00

"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql


revision = '0900_search'
down_revision = '0800_helpdesk'
branch_labels = None
depends_on = None

TERMS = sa.Text().with_variant(postgresql.TSVECTOR(), "postgresql")
LIST = sa.JSON().with_variant(postgresql.ARRAY(sa.String(length=120)), "postgresql")


def upgrade():
    op.create_table('search_document',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=40), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('access', sa.String(length=20), nullable=False),
    sa.Column('subject_path', LIST, nullable=False),
    sa.Column('region_path', LIST, nullable=False),
    sa.Column('year', sa.Integer(), nullable=True),
    sa.Column('price', sa.BigInteger(), nullable=False),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('sort_title_id', sa.Text(), nullable=False),
    sa.Column('sort_title_en', sa.Text(), nullable=False),
    sa.Column('words', LIST, nullable=False),
    sa.Column('terms', TERMS, nullable=False),
    sa.Column('document', sa.JSON(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_search_document')),
    sa.UniqueConstraint('source', 'key', name='uq_search_document_source')
    )
    op.create_index('ix_search_document_terms', 'search_document', ['terms'], unique=False, postgresql_using='gin')
    op.create_index('ix_search_document_region_path', 'search_document', ['region_path'], unique=False,
                    postgresql_using='gin')
    op.create_index('ix_search_document_subject_path', 'search_document', ['subject_path'], unique=False,
                    postgresql_using='gin')
    op.create_table('search_vocabulary',
    sa.Column('word', sa.String(length=120), nullable=False),
    sa.Column('documents', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('word', name=op.f('pk_search_vocabulary'))
    )


def downgrade():
    op.drop_table('search_vocabulary')
    op.drop_index('ix_search_document_subject_path', table_name='search_document')
    op.drop_index('ix_search_document_region_path', table_name='search_document')
    op.drop_index('ix_search_document_terms', table_name='search_document')
    op.drop_table('search_document')
