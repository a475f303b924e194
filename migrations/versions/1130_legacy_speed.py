"""Payment callbacks kept raw in the provider-event inbox and processed by a job

Revision ID: 1130_legacy_speed
Revises: 1080_continuity
Create Date: 2026-12-01 15:50:00

"""
from alembic import op
import sqlalchemy as sa



revision = '1130_legacy_speed'
down_revision = '1120_search_speed'
branch_labels = None
depends_on = None


def upgrade():
    # Rows written before this revision had their effect in the request that stored them: "processed".
    with op.batch_alter_table('order_provider_event') as batch_op:
        batch_op.add_column(sa.Column('body', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('invoice_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('status', sa.String(length=16), server_default='processed', nullable=False))
        batch_op.add_column(sa.Column('outcome', sa.String(length=40), server_default='', nullable=False))
        batch_op.add_column(sa.Column('request_id', sa.String(length=64), server_default='', nullable=False))
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('processed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('processed_by', sa.String(length=120), server_default='', nullable=False))
        batch_op.create_foreign_key(op.f('fk_order_provider_event_invoice_id_order_invoice'), 'order_invoice',
                                    ['invoice_id'], ['id'], ondelete='SET NULL')
        batch_op.create_index('ix_order_provider_event_status', ['status', 'received_at'], unique=False)


def downgrade():
    with op.batch_alter_table('order_provider_event') as batch_op:
        batch_op.drop_index('ix_order_provider_event_status')
        batch_op.drop_constraint(op.f('fk_order_provider_event_invoice_id_order_invoice'), type_='foreignkey')
        for column in ('processed_by', 'processed_at', 'attempts', 'request_id', 'outcome', 'status',
                       'invoice_id', 'body'):
            batch_op.drop_column(column)
