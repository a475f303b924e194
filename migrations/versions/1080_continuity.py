"""Continuity of work: a substitute on leave entries, office closures that stop every clock, clocks on work items, letters

Revision ID: 1080_continuity
Revises: 1070_visits
Create Date: 2026-12-01 12:50:00

"""
from alembic import op
import sqlalchemy as sa



revision = '1080_continuity'
down_revision = '1070_visits'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('roster_exception') as batch_op:
        batch_op.add_column(sa.Column('substitute_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_roster_exception_substitute_id_user_account'), 'user_account',
                                    ['substitute_id'], ['id'], ondelete='SET NULL')
    op.create_table('roster_closure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_roster_closure_created_by_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_closure')),
    sa.UniqueConstraint('day', name=op.f('uq_roster_closure_day'))
    )
    with op.batch_alter_table('roster_work_item') as batch_op:
        batch_op.add_column(sa.Column('due_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('warn_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('escalated_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index('ix_roster_work_item_due', ['status', 'due_at'], unique=False)
    op.create_table('roster_reminder',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('work_item_id', sa.Integer(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('stage', sa.String(length=16), nullable=False),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['work_item_id'], ['roster_work_item.id'], name=op.f('fk_roster_reminder_work_item_id_roster_work_item'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_roster_reminder')),
    sa.UniqueConstraint('work_item_id', 'due_at', 'stage', name=op.f('uq_roster_reminder_work_item_id_due_at_stage'))
    )
    with op.batch_alter_table('consultation_ticket') as batch_op:
        batch_op.add_column(sa.Column('received_at', sa.DateTime(timezone=True), nullable=True))
    op.create_table('consultation_complaint_handling',
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('cause', sa.Enum('slow_service', 'wrong_data', 'unclear_information', 'staff_conduct', 'system_fault', 'payment', 'other', name='complaintcause', native_enum=False, length=32), nullable=False),
    sa.Column('corrective_action', sa.Text(), nullable=False),
    sa.Column('referred_unit', sa.String(length=120), nullable=False),
    sa.Column('follow_up_due', sa.Date(), nullable=True),
    sa.Column('followed_up_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('handled_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['handled_by_id'], ['user_account.id'], name=op.f('fk_consultation_complaint_handling_handled_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['ticket_id'], ['consultation_ticket.id'], name=op.f('fk_consultation_complaint_handling_ticket_id_consultation_ticket'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('ticket_id', name=op.f('pk_consultation_complaint_handling'))
    )
    with op.batch_alter_table('consultation_complaint_handling') as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_complaint_handling_cause'), ['cause'], unique=False)
        batch_op.create_index(batch_op.f('ix_consultation_complaint_handling_referred_unit'), ['referred_unit'], unique=False)
    op.create_table('consultation_internal_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_consultation_internal_note_author_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['ticket_id'], ['consultation_ticket.id'], name=op.f('fk_consultation_internal_note_ticket_id_consultation_ticket'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_internal_note'))
    )
    with op.batch_alter_table('consultation_internal_note') as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_internal_note_ticket_id'), ['ticket_id'], unique=False)
    op.create_table('consultation_callback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('phone', sa.String(length=32), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('called_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome', sa.Enum('reached', 'no_answer', 'wrong_number', name='calloutcome', native_enum=False, length=32), nullable=True),
    sa.Column('note', sa.String(length=500), nullable=False),
    sa.Column('called_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['called_by_id'], ['user_account.id'], name=op.f('fk_consultation_callback_called_by_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['message_id'], ['consultation_message.id'], name=op.f('fk_consultation_callback_message_id_consultation_message'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['ticket_id'], ['consultation_ticket.id'], name=op.f('fk_consultation_callback_ticket_id_consultation_ticket'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_consultation_callback'))
    )
    with op.batch_alter_table('consultation_callback') as batch_op:
        batch_op.create_index(batch_op.f('ix_consultation_callback_ticket_id'), ['ticket_id'], unique=False)
    op.create_table('consultation_letter',
    sa.Column('ticket_id', sa.Integer(), nullable=False),
    sa.Column('sender_organisation', sa.String(length=200), nullable=False),
    sa.Column('postal_address', sa.String(length=500), nullable=False),
    sa.Column('reference', sa.String(length=80), nullable=False),
    sa.Column('letter_date', sa.Date(), nullable=True),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['ticket_id'], ['consultation_ticket.id'], name=op.f('fk_consultation_letter_ticket_id_consultation_ticket'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('ticket_id', name=op.f('pk_consultation_letter'))
    )


def downgrade():
    op.drop_table('consultation_letter')
    op.drop_table('consultation_internal_note')
    op.drop_table('consultation_callback')
    op.drop_table('consultation_complaint_handling')
    op.drop_table('roster_reminder')
    with op.batch_alter_table('consultation_ticket') as batch_op:
        batch_op.drop_column('received_at')
    with op.batch_alter_table('roster_work_item') as batch_op:
        batch_op.drop_index('ix_roster_work_item_due')
        batch_op.drop_column('escalated_at')
        batch_op.drop_column('warn_at')
        batch_op.drop_column('due_at')
    op.drop_table('roster_closure')
    with op.batch_alter_table('roster_exception') as batch_op:
        batch_op.drop_constraint(op.f('fk_roster_exception_substitute_id_user_account'), type_='foreignkey')
        batch_op.drop_column('substitute_id')
