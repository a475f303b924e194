"""Helpdesk forum tables

Revision ID: 0800_helpdesk
Revises: 0700_finance
Create Date: 2026-11-23 04:36:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0800_helpdesk'
down_revision = '0700_finance'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('helpdesk_thread',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('accepted_post_id', sa.Integer(), nullable=True),
    sa.Column('last_post_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_helpdesk_thread_author_id_user_account')),
    sa.ForeignKeyConstraint(['ticket_id'], ['consultation_ticket.id'], name=op.f('fk_helpdesk_thread_ticket_id_consultation_ticket'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_helpdesk_thread'))
    )
    op.create_index(op.f('ix_helpdesk_thread_category'), 'helpdesk_thread', ['category'], unique=False)
    op.create_index(op.f('ix_helpdesk_thread_ticket_id'), 'helpdesk_thread', ['ticket_id'], unique=False)
    op.create_table('helpdesk_post',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_helpdesk_post_author_id_user_account')),
    sa.ForeignKeyConstraint(['thread_id'], ['helpdesk_thread.id'], name=op.f('fk_helpdesk_post_thread_id_helpdesk_thread'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_helpdesk_post'))
    )
    op.create_index(op.f('ix_helpdesk_post_thread_id'), 'helpdesk_post', ['thread_id'], unique=False)
    op.create_table('helpdesk_subscription',
    sa.Column('thread_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['thread_id'], ['helpdesk_thread.id'], name=op.f('fk_helpdesk_subscription_thread_id_helpdesk_thread'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_helpdesk_subscription_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('thread_id', 'user_id', name=op.f('pk_helpdesk_subscription'))
    )


def downgrade():
    op.drop_table('helpdesk_subscription')
    op.drop_index(op.f('ix_helpdesk_post_thread_id'), table_name='helpdesk_post')
    op.drop_table('helpdesk_post')
    op.drop_index(op.f('ix_helpdesk_thread_ticket_id'), table_name='helpdesk_thread')
    op.drop_index(op.f('ix_helpdesk_thread_category'), table_name='helpdesk_thread')
    op.drop_table('helpdesk_thread')
