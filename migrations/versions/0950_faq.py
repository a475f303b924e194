"""Public FAQ entries of the helpdesk knowledge base

Revision ID: 0950_faq
Revises: 0900_search
Create Date: 2026-11-23 07:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0950_faq'
down_revision = '0900_search'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('helpdesk_faq',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('category', sa.String(length=20), nullable=False),
    sa.Column('question_id', sa.String(length=300), nullable=False),
    sa.Column('question_en', sa.String(length=300), nullable=False),
    sa.Column('answer_id', sa.Text(), nullable=False),
    sa.Column('answer_en', sa.Text(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('thread_id', sa.Integer(), nullable=True),
    sa.Column('ticket_id', sa.Integer(), nullable=True),
    sa.Column('promoted_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['promoted_by_id'], ['user_account.id'], name=op.f('fk_helpdesk_faq_promoted_by_id_user_account')),
    sa.ForeignKeyConstraint(['thread_id'], ['helpdesk_thread.id'], name=op.f('fk_helpdesk_faq_thread_id_helpdesk_thread'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['ticket_id'], ['consultation_ticket.id'], name=op.f('fk_helpdesk_faq_ticket_id_consultation_ticket'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_helpdesk_faq'))
    )
    op.create_index(op.f('ix_helpdesk_faq_category'), 'helpdesk_faq', ['category'], unique=False)
    op.create_index(op.f('ix_helpdesk_faq_published'), 'helpdesk_faq', ['published'], unique=False)


def downgrade():
    op.drop_index(op.f('ix_helpdesk_faq_published'), table_name='helpdesk_faq')
    op.drop_index(op.f('ix_helpdesk_faq_category'), table_name='helpdesk_faq')
    op.drop_table('helpdesk_faq')
