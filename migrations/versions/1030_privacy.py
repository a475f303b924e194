"""Privacy: consent recorded at registration, closed accounts, and requests for a copy of one's data; English titles of order lines

Revision ID: 1030_privacy
Revises: 1020_api_tokens
Create Date: 2026-12-01 12:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '1030_privacy'
down_revision = '1020_api_tokens'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('privacy_consent_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('privacy_notice_version', sa.String(length=20), nullable=False,
                                      server_default=''))
        batch_op.add_column(sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.alter_column('privacy_notice_version', server_default=None)
    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.add_column(sa.Column('title_en', sa.String(length=300), nullable=False, server_default=''))
    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.alter_column('title_en', server_default=None)
    op.create_table('privacy_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('export', 'closure', name='privacykind', native_enum=False, length=32), nullable=False),
    sa.Column('status', sa.Enum('pending', 'ready', 'expired', 'done', name='privacystatus', native_enum=False, length=32), nullable=False),
    sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('completed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('file_key', sa.String(length=200), nullable=True),
    sa.Column('file_size', sa.BigInteger(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_privacy_request_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_request')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_privacy_request_token_hash'))
    )
    with op.batch_alter_table('privacy_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_privacy_request_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_privacy_request_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('privacy_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_privacy_request_user_id'))
        batch_op.drop_index(batch_op.f('ix_privacy_request_status'))
    op.drop_table('privacy_request')
    with op.batch_alter_table('order_line', schema=None) as batch_op:
        batch_op.drop_column('title_en')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('closed_at')
        batch_op.drop_column('privacy_notice_version')
        batch_op.drop_column('privacy_consent_at')
