"""Catalog tables

Revision ID: 0600_catalog
Revises: 0500_orders
Create Date: 2026-11-23 03:49:27.369792

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0600_catalog'
down_revision = '0500_orders'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('catalog_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=80), nullable=True),
    sa.Column('kind', sa.Enum('table', 'publication', 'microdata', 'map', name='itemkind', native_enum=False, length=32), nullable=False),
    sa.Column('title_id', sa.String(length=300), nullable=False),
    sa.Column('title_en', sa.String(length=300), nullable=False),
    sa.Column('abstract_id', sa.Text(), nullable=False),
    sa.Column('abstract_en', sa.Text(), nullable=False),
    sa.Column('keywords', sa.JSON(), nullable=False),
    sa.Column('subject_code', sa.String(length=40), nullable=False),
    sa.Column('region_code', sa.String(length=8), nullable=False),
    sa.Column('reference_period', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('unit', sa.String(length=120), nullable=False),
    sa.Column('access', sa.Enum('free', 'paid', 'restricted', name='access', native_enum=False, length=32), nullable=False),
    sa.Column('tariff_kind', sa.Enum('none', 'flat', 'per_unit', 'regressive', name='tariffkind', native_enum=False, length=32), nullable=False),
    sa.Column('tariff', sa.JSON(), nullable=False),
    sa.Column('status', sa.Enum('draft', 'scheduled', 'released', 'withdrawn', name='releasestatus', native_enum=False, length=32), nullable=False),
    sa.Column('release_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('withdrawn_reason', sa.Text(), nullable=False),
    sa.Column('coverage_region', sa.String(length=8), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_item')),
    sa.UniqueConstraint('ref', name=op.f('uq_catalog_item_ref'))
    )
    with op.batch_alter_table('catalog_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_item_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalog_item_region_code'), ['region_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalog_item_release_at'), ['release_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalog_item_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalog_item_subject_code'), ['subject_code'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalog_item_unit'), ['unit'], unique=False)
        batch_op.create_index(batch_op.f('ix_catalog_item_year'), ['year'], unique=False)

    op.create_table('catalog_item_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('storage_key', sa.String(length=255), nullable=False),
    sa.Column('filename', sa.String(length=120), nullable=False),
    sa.Column('content_type', sa.String(length=120), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['catalog_item.id'], name=op.f('fk_catalog_item_file_item_id_catalog_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_item_file'))
    )
    with op.batch_alter_table('catalog_item_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_item_file_item_id'), ['item_id'], unique=False)

    op.create_table('catalog_item_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('changelog', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['catalog_item.id'], name=op.f('fk_catalog_item_version_item_id_catalog_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_item_version')),
    sa.UniqueConstraint('item_id', 'number', name=op.f('uq_catalog_item_version_item_id_number'))
    )
    with op.batch_alter_table('catalog_item_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_item_version_item_id'), ['item_id'], unique=False)

    op.create_table('catalog_table_data',
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('measure', sa.String(length=160), nullable=False),
    sa.Column('dimensions', sa.JSON(), nullable=False),
    sa.Column('cells', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['catalog_item.id'], name=op.f('fk_catalog_table_data_item_id_catalog_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('item_id', name=op.f('pk_catalog_table_data'))
    )
    op.create_table('catalog_variable',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=64), nullable=False),
    sa.Column('label', sa.String(length=255), nullable=False),
    sa.Column('var_type', sa.String(length=16), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['catalog_item.id'], name=op.f('fk_catalog_variable_item_id_catalog_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_catalog_variable')),
    sa.UniqueConstraint('item_id', 'name', name=op.f('uq_catalog_variable_item_id_name'))
    )
    with op.batch_alter_table('catalog_variable', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_catalog_variable_item_id'), ['item_id'], unique=False)



def downgrade():
    with op.batch_alter_table('catalog_variable', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_variable_item_id'))

    op.drop_table('catalog_variable')
    op.drop_table('catalog_table_data')
    with op.batch_alter_table('catalog_item_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_item_version_item_id'))

    op.drop_table('catalog_item_version')
    with op.batch_alter_table('catalog_item_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_item_file_item_id'))

    op.drop_table('catalog_item_file')
    with op.batch_alter_table('catalog_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_catalog_item_year'))
        batch_op.drop_index(batch_op.f('ix_catalog_item_unit'))
        batch_op.drop_index(batch_op.f('ix_catalog_item_subject_code'))
        batch_op.drop_index(batch_op.f('ix_catalog_item_status'))
        batch_op.drop_index(batch_op.f('ix_catalog_item_release_at'))
        batch_op.drop_index(batch_op.f('ix_catalog_item_region_code'))
        batch_op.drop_index(batch_op.f('ix_catalog_item_kind'))

    op.drop_table('catalog_item')
