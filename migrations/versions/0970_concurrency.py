"""The checkout form's one-time token on orders, so a repeated submission finds its orders

Revision ID: 0970_concurrency
Revises: 0950_faq
Create Date: 2026-12-01 10:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0970_concurrency'
down_revision = '0950_faq'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('order_record') as batch_op:
        batch_op.add_column(sa.Column('checkout_token', sa.String(length=64), nullable=True))
        batch_op.create_index('ix_order_record_checkout_token', ['user_id', 'checkout_token'], unique=False)


def downgrade():
    with op.batch_alter_table('order_record') as batch_op:
        batch_op.drop_index('ix_order_record_checkout_token')
        batch_op.drop_column('checkout_token')
