"""Visits to the service office: service days, counters, visits and phone notices

Revision ID: 1070_visits
Revises: 1060_legacy
Create Date: 2026-12-01 13:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '1070_visits'
down_revision = '1060_legacy'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('visit_service_day',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('service', sa.String(length=16), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_service_day')),
    sa.UniqueConstraint('service', 'day', name=op.f('uq_visit_service_day_service_day'))
    )
    op.create_table('visit_counter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=40), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=True),
    sa.Column('services', sa.String(length=255), nullable=False),
    sa.Column('signed_in_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('booked_streak', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['operator_id'], ['user_account.id'], name=op.f('fk_visit_counter_operator_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_counter')),
    sa.UniqueConstraint('name', name=op.f('uq_visit_counter_name'))
    )
    op.create_table('visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('service', sa.String(length=16), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('slot_start', sa.DateTime(timezone=True), nullable=True),
    sa.Column('source', sa.Enum('booking', 'walk_in', name='source', native_enum=False, length=32), nullable=False),
    sa.Column('status', sa.Enum('booked', 'cancelled', 'waiting', 'called', 'serving', 'done', 'no_show', name='visitstatus', native_enum=False, length=32), nullable=False),
    sa.Column('full_name', sa.String(length=160), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('locale', sa.String(length=5), nullable=False),
    sa.Column('series', sa.String(length=16), nullable=True),
    sa.Column('ticket_number', sa.Integer(), nullable=True),
    sa.Column('ticket_label', sa.String(length=8), nullable=True),
    sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('called_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('served_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('calls', sa.Integer(), nullable=False),
    sa.Column('counter_id', sa.Integer(), nullable=True),
    sa.Column('operator_id', sa.Integer(), nullable=True),
    sa.Column('request_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['counter_id'], ['visit_counter.id'], name=op.f('fk_visit_counter_id_visit_counter'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['operator_id'], ['user_account.id'], name=op.f('fk_visit_operator_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['request_id'], ['consultation_ticket.id'], name=op.f('fk_visit_request_id_consultation_ticket'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_visit_user_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit')),
    sa.UniqueConstraint('code', name=op.f('uq_visit_code')),
    sa.UniqueConstraint('series', 'day', 'ticket_number', name=op.f('uq_visit_series_day_ticket_number'))
    )
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.create_index('ix_visit_queue', ['status', 'service', 'queued_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_service'), ['service'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_visit_user_id'), ['user_id'], unique=False)
    op.create_table('visit_notice',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=500), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['visit_id'], ['visit.id'], name=op.f('fk_visit_notice_visit_id_visit'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_visit_notice')),
    sa.UniqueConstraint('visit_id', 'kind', 'round', name=op.f('uq_visit_notice_visit_id_kind_round'))
    )


def downgrade():
    op.drop_table('visit_notice')
    with op.batch_alter_table('visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visit_user_id'))
        batch_op.drop_index(batch_op.f('ix_visit_status'))
        batch_op.drop_index(batch_op.f('ix_visit_service'))
        batch_op.drop_index(batch_op.f('ix_visit_day'))
        batch_op.drop_index('ix_visit_queue')
    op.drop_table('visit')
    op.drop_table('visit_counter')
    op.drop_table('visit_service_day')
