"""Legacy import: runs, provenance of imported rows, legacy orders and invoices

Revision ID: 1060_legacy
Revises: 1040_subscriptions
Create Date: 2026-12-01 12:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '1060_legacy'
down_revision = '1040_subscriptions'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('legacy_run',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_name', sa.String(length=255), nullable=False),
    sa.Column('source_digest', sa.String(length=64), nullable=False),
    sa.Column('mapping_digest', sa.String(length=64), nullable=False),
    sa.Column('state', sa.String(length=16), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('started_by_id', sa.Integer(), nullable=True),
    sa.Column('checkpoint', sa.JSON(), nullable=False),
    sa.Column('counts', sa.JSON(), nullable=False),
    sa.Column('source_totals', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['started_by_id'], ['user_account.id'], name=op.f('fk_legacy_run_started_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legacy_run'))
    )
    with op.batch_alter_table('legacy_run', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legacy_run_source_digest'), ['source_digest'], unique=False)
    op.create_table('legacy_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entity', sa.String(length=24), nullable=False),
    sa.Column('source_id', sa.String(length=80), nullable=False),
    sa.Column('target_id', sa.Integer(), nullable=False),
    sa.Column('digest', sa.String(length=40), nullable=False),
    sa.Column('source_file', sa.String(length=255), nullable=False),
    sa.Column('line', sa.Integer(), nullable=False),
    sa.Column('run_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=16), server_default='', nullable=False),
    sa.Column('imported_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['legacy_run.id'], name=op.f('fk_legacy_record_run_id_legacy_run'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legacy_record')),
    sa.UniqueConstraint('entity', 'source_id', name=op.f('uq_legacy_record_entity_source_id'))
    )
    with op.batch_alter_table('legacy_record', schema=None) as batch_op:
        batch_op.create_index('ix_legacy_record_target', ['entity', 'target_id'], unique=False)
    with op.batch_alter_table('order_record', schema=None) as batch_op:
        batch_op.add_column(sa.Column('legacy', sa.Boolean(), server_default=sa.false(), nullable=False))
    with op.batch_alter_table('order_invoice', schema=None) as batch_op:
        batch_op.add_column(sa.Column('legacy', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.alter_column('sequence', existing_type=sa.Integer(), nullable=True)


def downgrade():
    with op.batch_alter_table('order_invoice', schema=None) as batch_op:
        batch_op.alter_column('sequence', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column('legacy')
    with op.batch_alter_table('order_record', schema=None) as batch_op:
        batch_op.drop_column('legacy')
    with op.batch_alter_table('legacy_record', schema=None) as batch_op:
        batch_op.drop_index('ix_legacy_record_target')
    op.drop_table('legacy_record')
    with op.batch_alter_table('legacy_run', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_legacy_run_source_digest'))
    op.drop_table('legacy_run')
