"""Subscriptions (follows), alert events and alerts, standing orders; extra headers of outbox messages

Revision ID: 1040_subscriptions
Revises: 1030_privacy
Create Date: 2026-12-01 12:36:20.099310

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '1040_subscriptions'
down_revision = '1030_privacy'
branch_labels = None
depends_on = None


def upgrade():
    
    op.create_table('alert_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.Enum('released', 'versioned', 'withdrawn', 'moved', name='eventkind', native_enum=False, length=32), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('fanned_out_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('recipients', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['catalog_item.id'], name=op.f('fk_alert_event_item_id_catalog_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_event')),
    sa.UniqueConstraint('key', name=op.f('uq_alert_event_key'))
    )
    with op.batch_alter_table('alert_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_event_fanned_out_at'), ['fanned_out_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_alert_event_item_id'), ['item_id'], unique=False)

    op.create_table('standing_order',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('series', sa.String(length=300), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('state', sa.Enum('active', 'paused', 'ended', name='standingstate', native_enum=False, length=32), nullable=False),
    sa.Column('non_commercial', sa.Boolean(), nullable=False),
    sa.Column('purpose', sa.Text(), nullable=False),
    sa.Column('letter_key', sa.String(length=255), nullable=True),
    sa.Column('abstract_key', sa.String(length=255), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_standing_order_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_standing_order'))
    )
    with op.batch_alter_table('standing_order', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_standing_order_series'), ['series'], unique=False)
        batch_op.create_index(batch_op.f('ix_standing_order_user_id'), ['user_id'], unique=False)

    op.create_table('subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('target', sa.Enum('item', 'series', 'subject', 'region', 'producer', 'search', name='target', native_enum=False, length=32), nullable=False),
    sa.Column('value', sa.String(length=300), nullable=False),
    sa.Column('label', sa.String(length=300), nullable=False),
    sa.Column('frequency', sa.Enum('instant', 'daily', 'weekly', name='frequency', native_enum=False, length=32), nullable=False),
    sa.Column('by_email', sa.Boolean(), nullable=False),
    sa.Column('in_site', sa.Boolean(), nullable=False),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('token_nonce', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_subscription_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_subscription')),
    sa.UniqueConstraint('user_id', 'target', 'value', name=op.f('uq_subscription_user_id_target_value'))
    )
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.create_index('ix_subscription_target_value', ['target', 'value'], unique=False)
        batch_op.create_index(batch_op.f('ix_subscription_user_id'), ['user_id'], unique=False)

    op.create_table('alert',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=8), nullable=False),
    sa.Column('frequency', sa.Enum('instant', 'daily', 'weekly', name='frequency', native_enum=False, length=32), nullable=False),
    sa.Column('by_email', sa.Boolean(), nullable=False),
    sa.Column('in_site', sa.Boolean(), nullable=False),
    sa.Column('emailed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('read_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['alert_event.id'], name=op.f('fk_alert_event_id_alert_event'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['subscription_id'], ['subscription.id'], name=op.f('fk_alert_subscription_id_subscription'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_alert_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_alert')),
    sa.UniqueConstraint('event_id', 'user_id', name=op.f('uq_alert_event_id_user_id'))
    )
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_alert_subscription_id'), ['subscription_id'], unique=False)
        batch_op.create_index('ix_alert_user_id_read_at', ['user_id', 'read_at'], unique=False)

    op.create_table('standing_release',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('standing_order_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['catalog_item.id'], name=op.f('fk_standing_release_item_id_catalog_item'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['order_id'], ['order_record.id'], name=op.f('fk_standing_release_order_id_order_record'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['standing_order_id'], ['standing_order.id'], name=op.f('fk_standing_release_standing_order_id_standing_order'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_standing_release')),
    sa.UniqueConstraint('standing_order_id', 'item_id', name=op.f('uq_standing_release_standing_order_id_item_id'))
    )
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.add_column(sa.Column('headers', sa.JSON(), nullable=False, server_default=sa.text("'{}'")))

    


def downgrade():
    
    with op.batch_alter_table('outbox_message', schema=None) as batch_op:
        batch_op.drop_column('headers')

    op.drop_table('standing_release')
    with op.batch_alter_table('alert', schema=None) as batch_op:
        batch_op.drop_index('ix_alert_user_id_read_at')
        batch_op.drop_index(batch_op.f('ix_alert_subscription_id'))

    op.drop_table('alert')
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subscription_user_id'))
        batch_op.drop_index('ix_subscription_target_value')

    op.drop_table('subscription')
    with op.batch_alter_table('standing_order', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_standing_order_user_id'))
        batch_op.drop_index(batch_op.f('ix_standing_order_series'))

    op.drop_table('standing_order')
    with op.batch_alter_table('alert_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_alert_event_item_id'))
        batch_op.drop_index(batch_op.f('ix_alert_event_fanned_out_at'))

    op.drop_table('alert_event')
    
