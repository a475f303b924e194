"""Orders tables

Revision ID: 0500_orders
Revises: 0300_roster_consultation
Create Date: 2026-11-23 00:38:37.074351

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0500_orders'
down_revision = '0300_roster_consultation'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('order_invoice_counter',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_order_invoice_counter'))
    )
    op.create_table('order_provider_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=16), nullable=False),
    sa.Column('event_id', sa.String(length=255), nullable=False),
    sa.Column('event_type', sa.String(length=80), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_provider_event')),
    sa.UniqueConstraint('provider', 'event_id', name=op.f('uq_order_provider_event_provider_event_id'))
    )
    op.create_table('order_cart_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('quantity > 0', name=op.f('ck_order_cart_line_quantity_positive')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_order_cart_line_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_cart_line'))
    )
    with op.batch_alter_table('order_cart_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_cart_line_user_id'), ['user_id'], unique=False)

    op.create_table('order_record',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('free', 'paid', 'zero_rupiah', 'internal', name='transactionkind', native_enum=False, length=32), nullable=False),
    sa.Column('state', sa.Enum('pending_review', 'awaiting_payment', 'awaiting_agreement', 'in_fulfilment', 'delivered', 'rejected', 'cancelled', 'expired', name='orderstate', native_enum=False, length=32), nullable=False),
    sa.Column('total', sa.BigInteger(), nullable=False),
    sa.Column('segment', sa.String(length=32), nullable=False),
    sa.Column('institution', sa.String(length=200), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('needs_review', sa.Boolean(), nullable=False),
    sa.Column('needs_agreement', sa.Boolean(), nullable=False),
    sa.Column('abstract_key', sa.String(length=200), nullable=True),
    sa.Column('letter_key', sa.String(length=200), nullable=True),
    sa.Column('sample_key', sa.String(length=200), nullable=True),
    sa.Column('sample_name', sa.String(length=200), nullable=False),
    sa.Column('review_reason', sa.Text(), nullable=False),
    sa.Column('reviewed_by_id', sa.Integer(), nullable=True),
    sa.Column('agreement_accepted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('agreement_signed_key', sa.String(length=200), nullable=True),
    sa.Column('delivered_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['reviewed_by_id'], ['user_account.id'], name=op.f('fk_order_record_reviewed_by_id_user_account')),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_order_record_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_record')),
    sa.UniqueConstraint('number', name=op.f('uq_order_record_number'))
    )
    with op.batch_alter_table('order_record', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_record_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_record_user_id'), ['user_id'], unique=False)

    op.create_table('order_stripe_customer',
    sa.Column('user_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('customer_id', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_order_stripe_customer_user_id_user_account')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_order_stripe_customer')),
    sa.UniqueConstraint('customer_id', name=op.f('uq_order_stripe_customer_customer_id'))
    )
    op.create_table('order_delivered_file',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('size', sa.BigInteger(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('max_downloads', sa.Integer(), nullable=False),
    sa.Column('download_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['order_record.id'], name=op.f('fk_order_delivered_file_order_id_order_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_delivered_file'))
    )
    with op.batch_alter_table('order_delivered_file', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_delivered_file_order_id'), ['order_id'], unique=False)

    op.create_table('order_fulfilment_task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.Enum('open', 'done', name='taskstate', native_enum=False, length=32), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['user_account.id'], name=op.f('fk_order_fulfilment_task_assignee_id_user_account')),
    sa.ForeignKeyConstraint(['order_id'], ['order_record.id'], name=op.f('fk_order_fulfilment_task_order_id_order_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_fulfilment_task')),
    sa.UniqueConstraint('order_id', name=op.f('uq_order_fulfilment_task_order_id'))
    )
    with op.batch_alter_table('order_fulfilment_task', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_fulfilment_task_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_fulfilment_task_state'), ['state'], unique=False)

    op.create_table('order_invoice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=32), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('status', sa.Enum('open', 'paid', 'expired', 'cancelled', name='invoicestatus', native_enum=False, length=32), nullable=False),
    sa.Column('provider', sa.String(length=16), nullable=False),
    sa.Column('billing_code', sa.String(length=15), nullable=True),
    sa.Column('provider_ref', sa.String(length=255), nullable=True),
    sa.Column('hosted_url', sa.String(length=500), nullable=False),
    sa.Column('amount_received', sa.BigInteger(), nullable=False),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_order_invoice_amount_positive')),
    sa.ForeignKeyConstraint(['order_id'], ['order_record.id'], name=op.f('fk_order_invoice_order_id_order_record')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_invoice')),
    sa.UniqueConstraint('billing_code', name=op.f('uq_order_invoice_billing_code')),
    sa.UniqueConstraint('number', name=op.f('uq_order_invoice_number')),
    sa.UniqueConstraint('order_id', name=op.f('uq_order_invoice_order_id')),
    sa.UniqueConstraint('provider_ref', name=op.f('uq_order_invoice_provider_ref')),
    sa.UniqueConstraint('year', 'sequence', name=op.f('uq_order_invoice_year_sequence'))
    )
    with op.batch_alter_table('order_invoice', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_invoice_expires_at'), ['expires_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_invoice_status'), ['status'], unique=False)

    op.create_table('order_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('item_kind', sa.String(length=32), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('quantity', sa.Integer(), nullable=False),
    sa.Column('unit_price', sa.BigInteger(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('options', sa.JSON(), nullable=False),
    sa.Column('needs_preparation', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['order_record.id'], name=op.f('fk_order_line_order_id_order_record'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_line'))
    )
    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_line_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_order_line_order_id'), ['order_id'], unique=False)

    op.create_table('order_zero_rupiah_claim',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('institution_key', sa.String(length=200), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['order_record.id'], name=op.f('fk_order_zero_rupiah_claim_order_id_order_record'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_zero_rupiah_claim')),
    sa.UniqueConstraint('item_id', 'institution_key', name=op.f('uq_order_zero_rupiah_claim_item_id_institution_key'))
    )
    with op.batch_alter_table('order_zero_rupiah_claim', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_order_zero_rupiah_claim_order_id'), ['order_id'], unique=False)

    op.create_table('order_payment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('provider', sa.String(length=16), nullable=False),
    sa.Column('reference', sa.String(length=255), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('ntpn', sa.String(length=32), nullable=False),
    sa.Column('source', sa.String(length=32), nullable=False),
    sa.Column('paid_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['order_invoice.id'], name=op.f('fk_order_payment_invoice_id_order_invoice')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_payment')),
    sa.UniqueConstraint('invoice_id', name=op.f('uq_order_payment_invoice_id')),
    sa.UniqueConstraint('provider', 'reference', name=op.f('uq_order_payment_provider_reference'))
    )


def downgrade():
    op.drop_table('order_payment')
    with op.batch_alter_table('order_zero_rupiah_claim', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_zero_rupiah_claim_order_id'))

    op.drop_table('order_zero_rupiah_claim')
    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_line_order_id'))
        batch_op.drop_index(batch_op.f('ix_order_line_item_id'))

    op.drop_table('order_line')
    with op.batch_alter_table('order_invoice', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_invoice_status'))
        batch_op.drop_index(batch_op.f('ix_order_invoice_expires_at'))

    op.drop_table('order_invoice')
    with op.batch_alter_table('order_fulfilment_task', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_fulfilment_task_state'))
        batch_op.drop_index(batch_op.f('ix_order_fulfilment_task_assignee_id'))

    op.drop_table('order_fulfilment_task')
    with op.batch_alter_table('order_delivered_file', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_delivered_file_order_id'))

    op.drop_table('order_delivered_file')
    op.drop_table('order_stripe_customer')
    with op.batch_alter_table('order_record', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_record_user_id'))
        batch_op.drop_index(batch_op.f('ix_order_record_state'))

    op.drop_table('order_record')
    with op.batch_alter_table('order_cart_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_order_cart_line_user_id'))

    op.drop_table('order_cart_line')
    op.drop_table('order_provider_event')
    op.drop_table('order_invoice_counter')
