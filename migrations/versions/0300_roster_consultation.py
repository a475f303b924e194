"""Roster and consultation tables

Revision ID: 0300_roster_consultation
Revises: 0002_sso
Create Date: 2026-11-23 00:56:50.607351

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0300_roster_consultation'
down_revision = '0002_sso'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('consultation_ticket',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=20), nullable=True),
    sa.Column('kind', sa.Enum('data', 'metadata', 'classification', 'complaint', name='requestkind', native_enum=False, length=32), nullable=False),
    sa.Column('channel', sa.Enum('web', 'phone', 'letter', 'walk_in', 'email', name='channel', native_enum=False, length=32), nullable=False),
    sa.Column('status', sa.Enum('submitted', 'assigned', 'answered', 'waiting_for_consumer', 'resolved', 'closed', 'reopened', name='status', native_enum=False, length=32), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('requester_id', sa.Integer(), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('catalog_item_id', sa.Integer(), nullable=True),
    sa.Column('complaint_about', sa.Enum('order', 'consultation', 'operator', 'service', name='complaintabout', native_enum=False, length=32), nullable=True),
    sa.Column('complaint_reference', sa.String(length=80), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('first_response_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('response_warn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('response_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolution_warn_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resolution_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('paused_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assignee_id'], ['user_account.id'], name=op.f('fk_consultation_ticket_assignee_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['entered_by_id'], ['user_account.id'], name=op.f('fk_consultation_ticket_entered_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['requester_id'], ['user_account.id'], name=op.f('fk_consultation_ticket_requester_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_ticket')),
    sa.UniqueConstraint('number', name=op.f('uq_consultation_ticket_number'))
    )
    with op.batch_alter_table('consultation_ticket', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_ticket_assignee_id'), ['assignee_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_ticket_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_ticket_requester_id'), ['requester_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_ticket_resolution_due_at'), ['resolution_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_ticket_response_due_at'), ['response_due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_ticket_status'), ['status'], unique=False)

    op.create_table('roster_exception',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('leave', 'extra', name='exceptionkind', native_enum=False, length=32), nullable=False),
    sa.Column('first_day', sa.Date(), nullable=False),
    sa.Column('last_day', sa.Date(), nullable=False),
    sa.Column('starts', sa.Time(), nullable=True),
    sa.Column('ends', sa.Time(), nullable=True),
    sa.Column('kinds', sa.String(length=255), nullable=False),
    sa.Column('note', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('first_day <= last_day', name=op.f('ck_roster_exception_days_in_order')),
    sa.ForeignKeyConstraint(['operator_id'], ['user_account.id'], name=op.f('fk_roster_exception_operator_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_exception'))
    )
    with op.batch_alter_table('roster_exception', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roster_exception_first_day'), ['first_day'], unique=False)
        batch_op.create_index(batch_op.f('ix_roster_exception_last_day'), ['last_day'], unique=False)
        batch_op.create_index(batch_op.f('ix_roster_exception_operator_id'), ['operator_id'], unique=False)

    op.create_table('roster_operator_state',
    sa.Column('operator_id', sa.Integer(), nullable=False),
    sa.Column('open_items', sa.Integer(), nullable=False),
    sa.Column('last_assigned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('assignments', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['operator_id'], ['user_account.id'], name=op.f('fk_roster_operator_state_operator_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('operator_id', name=op.f('pk_roster_operator_state'))
    )
    op.create_table('roster_quota',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('max_open', sa.Integer(), nullable=False),
    sa.CheckConstraint('max_open >= 0', name=op.f('ck_roster_quota_max_open_not_negative')),
    sa.ForeignKeyConstraint(['operator_id'], ['user_account.id'], name=op.f('fk_roster_quota_operator_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_quota')),
    sa.UniqueConstraint('operator_id', 'kind', name=op.f('uq_roster_quota_operator_id_kind'))
    )
    with op.batch_alter_table('roster_quota', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roster_quota_operator_id'), ['operator_id'], unique=False)

    op.create_table('roster_shift',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=False),
    sa.Column('weekday', sa.SmallInteger(), nullable=False),
    sa.Column('starts', sa.Time(), nullable=False),
    sa.Column('ends', sa.Time(), nullable=False),
    sa.Column('kinds', sa.String(length=255), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('starts < ends', name=op.f('ck_roster_shift_starts_before_ends')),
    sa.CheckConstraint('weekday BETWEEN 0 AND 6', name=op.f('ck_roster_shift_weekday_range')),
    sa.ForeignKeyConstraint(['operator_id'], ['user_account.id'], name=op.f('fk_roster_shift_operator_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_shift'))
    )
    with op.batch_alter_table('roster_shift', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roster_shift_operator_id'), ['operator_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_roster_shift_weekday'), ['weekday'], unique=False)

    op.create_table('roster_work_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_type', sa.String(length=40), nullable=False),
    sa.Column('item_id', sa.String(length=64), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('status', sa.Enum('queued', 'assigned', 'done', name='workstatus', native_enum=False, length=32), nullable=False),
    sa.Column('assignee_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['assignee_id'], ['user_account.id'], name=op.f('fk_roster_work_item_assignee_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_work_item')),
    sa.UniqueConstraint('item_type', 'item_id', name=op.f('uq_roster_work_item_item_type_item_id'))
    )
    with op.batch_alter_table('roster_work_item', schema=None) as batch_op:
        batch_op.create_index('ix_roster_work_item_load', ['assignee_id', 'status', 'kind'], unique=False)
        batch_op.create_index('ix_roster_work_item_queue', ['status', 'queued_at'], unique=False)

    op.create_table('consultation_message',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('from_staff', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_consultation_message_author_id_user_account')),
    sa.ForeignKeyConstraint(['ticket_id'], ['consultation_ticket.id'], name=op.f('fk_consultation_message_ticket_id_consultation_ticket'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_message'))
    )
    with op.batch_alter_table('consultation_message', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_message_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('consultation_rating',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('rater_id', sa.Integer(), nullable=False),
    sa.Column('requirements', sa.SmallInteger(), nullable=False),
    sa.Column('procedure', sa.SmallInteger(), nullable=False),
    sa.Column('completion_time', sa.SmallInteger(), nullable=False),
    sa.Column('cost', sa.SmallInteger(), nullable=False),
    sa.Column('product', sa.SmallInteger(), nullable=False),
    sa.Column('competence', sa.SmallInteger(), nullable=False),
    sa.Column('behaviour', sa.SmallInteger(), nullable=False),
    sa.Column('complaint_handling', sa.SmallInteger(), nullable=False),
    sa.Column('facilities', sa.SmallInteger(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('behaviour BETWEEN 1 AND 4', name=op.f('ck_consultation_rating_behaviour_range')),
    sa.CheckConstraint('competence BETWEEN 1 AND 4', name=op.f('ck_consultation_rating_competence_range')),
    sa.CheckConstraint('complaint_handling BETWEEN 1 AND 4', name=op.f('ck_consultation_rating_complaint_handling_range')),
    sa.CheckConstraint('completion_time BETWEEN 1 AND 4', name=op.f('ck_consultation_rating_completion_time_range')),
    sa.CheckConstraint('cost BETWEEN 1 AND 4', name=op.f('ck_consultation_rating_cost_range')),
    sa.CheckConstraint('facilities BETWEEN 1 AND 4', name=op.f('ck_consultation_rating_facilities_range')),
    sa.CheckConstraint('procedure BETWEEN 1 AND 4', name=op.f('ck_consultation_rating_procedure_range')),
    sa.CheckConstraint('product BETWEEN 1 AND 4', name=op.f('ck_consultation_rating_product_range')),
    sa.CheckConstraint('requirements BETWEEN 1 AND 4', name=op.f('ck_consultation_rating_requirements_range')),
    sa.ForeignKeyConstraint(['rater_id'], ['user_account.id'], name=op.f('fk_consultation_rating_rater_id_user_account')),
    sa.ForeignKeyConstraint(['ticket_id'], ['consultation_ticket.id'], name=op.f('fk_consultation_rating_ticket_id_consultation_ticket'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_rating')),
    sa.UniqueConstraint('ticket_id', name=op.f('uq_consultation_rating_ticket_id'))
    )
    op.create_table('consultation_sent_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('round', sa.Integer(), nullable=False),
    sa.Column('sla_clock', sa.String(length=16), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['consultation_ticket.id'], name=op.f('fk_consultation_sent_reminder_ticket_id_consultation_ticket'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_sent_reminder')),
    sa.UniqueConstraint('ticket_id', 'round', 'sla_clock', 'stage', name=op.f('uq_consultation_sent_reminder_ticket_id_round_sla_clock_stage'))
    )
    op.create_table('consultation_status_event',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('from_status', sa.Enum('submitted', 'assigned', 'answered', 'waiting_for_consumer', 'resolved', 'closed', 'reopened', name='status', native_enum=False, length=32), nullable=True),
    sa.Column('to_status', sa.Enum('submitted', 'assigned', 'answered', 'waiting_for_consumer', 'resolved', 'closed', 'reopened', name='status', native_enum=False, length=32), nullable=False),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('note', sa.String(length=255), nullable=False),
    sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'], name=op.f('fk_consultation_status_event_actor_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['ticket_id'], ['consultation_ticket.id'], name=op.f('fk_consultation_status_event_ticket_id_consultation_ticket'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_status_event'))
    )
    with op.batch_alter_table('consultation_status_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_status_event_ticket_id'), ['ticket_id'], unique=False)

    op.create_table('roster_decision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('work_item_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('outcome', sa.Enum('assigned', 'queued', 'reassigned', name='decisionoutcome', native_enum=False, length=32), nullable=False),
    sa.Column('operator_id', sa.Integer(), nullable=True),
    sa.Column('decided_by_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'], name=op.f('fk_roster_decision_decided_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['operator_id'], ['user_account.id'], name=op.f('fk_roster_decision_operator_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['work_item_id'], ['roster_work_item.id'], name=op.f('fk_roster_decision_work_item_id_roster_work_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_decision'))
    )
    with op.batch_alter_table('roster_decision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_roster_decision_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_roster_decision_work_item_id'), ['work_item_id'], unique=False)

    op.create_table('consultation_attachment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('storage_key', sa.String(length=200), nullable=False),
    sa.Column('filename', sa.String(length=120), nullable=False),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['consultation_message.id'], name=op.f('fk_consultation_attachment_message_id_consultation_message'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['ticket_id'], ['consultation_ticket.id'], name=op.f('fk_consultation_attachment_ticket_id_consultation_ticket'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_attachment')),
    sa.UniqueConstraint('storage_key', name=op.f('uq_consultation_attachment_storage_key'))
    )
    with op.batch_alter_table('consultation_attachment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_attachment_ticket_id'), ['ticket_id'], unique=False)



def downgrade():
    with op.batch_alter_table('consultation_attachment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_attachment_ticket_id'))

    op.drop_table('consultation_attachment')
    with op.batch_alter_table('roster_decision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roster_decision_work_item_id'))
        batch_op.drop_index(batch_op.f('ix_roster_decision_at'))

    op.drop_table('roster_decision')
    with op.batch_alter_table('consultation_status_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_status_event_ticket_id'))

    op.drop_table('consultation_status_event')
    op.drop_table('consultation_sent_reminder')
    op.drop_table('consultation_rating')
    with op.batch_alter_table('consultation_message', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_message_ticket_id'))

    op.drop_table('consultation_message')
    with op.batch_alter_table('roster_work_item', schema=None) as batch_op:
        batch_op.drop_index('ix_roster_work_item_queue')
        batch_op.drop_index('ix_roster_work_item_load')

    op.drop_table('roster_work_item')
    with op.batch_alter_table('roster_shift', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roster_shift_weekday'))
        batch_op.drop_index(batch_op.f('ix_roster_shift_operator_id'))

    op.drop_table('roster_shift')
    with op.batch_alter_table('roster_quota', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roster_quota_operator_id'))

    op.drop_table('roster_quota')
    op.drop_table('roster_operator_state')
    with op.batch_alter_table('roster_exception', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_roster_exception_operator_id'))
        batch_op.drop_index(batch_op.f('ix_roster_exception_last_day'))
        batch_op.drop_index(batch_op.f('ix_roster_exception_first_day'))

    op.drop_table('roster_exception')
    with op.batch_alter_table('consultation_ticket', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_consultation_ticket_status'))
        batch_op.drop_index(batch_op.f('ix_consultation_ticket_response_due_at'))
        batch_op.drop_index(batch_op.f('ix_consultation_ticket_resolution_due_at'))
        batch_op.drop_index(batch_op.f('ix_consultation_ticket_requester_id'))
        batch_op.drop_index(batch_op.f('ix_consultation_ticket_kind'))
        batch_op.drop_index(batch_op.f('ix_consultation_ticket_assignee_id'))

    op.drop_table('consultation_ticket')
