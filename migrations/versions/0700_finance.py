"""Finance: bank statements, their reconciled lines, refund requests

Revision ID: 0700_finance
Revises: 0600_catalog
Create Date: 2026-11-23 04:05:07.260572

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0700_finance'
down_revision = '0600_catalog'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('finance_bank_statement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.String(length=200), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('uploaded_by_id', sa.Integer(), nullable=False),
    sa.Column('uploaded_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_finance_bank_statement_uploaded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_bank_statement')),
    sa.UniqueConstraint('sha256', name=op.f('uq_finance_bank_statement_sha256'))
    )
    op.create_table('finance_refund_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=False),
    sa.Column('reason', sa.Text(), nullable=False),
    sa.Column('status', sa.Enum('requested', 'approved', 'declined', name='refundstatus', native_enum=False, length=32), nullable=False),
    sa.Column('requested_by_id', sa.Integer(), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_note', sa.Text(), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_finance_refund_request_refund_amount_positive')),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_finance_refund_request_decided_by_id_user_account')),
    sa.ForeignKeyConstraint(['invoice_id'], ['order_invoice.id'], name=op.f('fk_finance_refund_request_invoice_id_order_invoice')),
    sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'], name=op.f('fk_finance_refund_request_requested_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_refund_request'))
    )
    with op.batch_alter_table('finance_refund_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finance_refund_request_invoice_id'), ['invoice_id'], unique=False)
        batch_op.create_index('uq_finance_refund_live', ['invoice_id'], unique=True, sqlite_where=sa.text("status <> 'declined'"), postgresql_where=sa.text("status <> 'declined'"))

    op.create_table('finance_statement_line',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('statement_id', sa.Integer(), nullable=False),
    sa.Column('line_no', sa.Integer(), nullable=False),
    sa.Column('booked_on', sa.Date(), nullable=True),
    sa.Column('reference', sa.String(length=255), nullable=False),
    sa.Column('billing_code', sa.String(length=40), nullable=False),
    sa.Column('amount', sa.BigInteger(), nullable=True),
    sa.Column('outcome', sa.Enum('matched', 'already_recorded', 'mismatched', 'unmatched', 'skipped', name='lineoutcome', native_enum=False, length=32), nullable=False),
    sa.Column('invoice_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['invoice_id'], ['order_invoice.id'], name=op.f('fk_finance_statement_line_invoice_id_order_invoice')),
    sa.ForeignKeyConstraint(['statement_id'], ['finance_bank_statement.id'], name=op.f('fk_finance_statement_line_statement_id_finance_bank_statement'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_finance_statement_line'))
    )
    with op.batch_alter_table('finance_statement_line', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_finance_statement_line_statement_id'), ['statement_id'], unique=False)



def downgrade():
    with op.batch_alter_table('finance_statement_line', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_finance_statement_line_statement_id'))

    op.drop_table('finance_statement_line')
    with op.batch_alter_table('finance_refund_request', schema=None) as batch_op:
        batch_op.drop_index('uq_finance_refund_live', sqlite_where=sa.text("status <> 'declined'"), postgresql_where=sa.text("status <> 'declined'"))
        batch_op.drop_index(batch_op.f('ix_finance_refund_request_invoice_id'))

    op.drop_table('finance_refund_request')
    op.drop_table('finance_bank_statement')
