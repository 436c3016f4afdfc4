"""Hand-off tables: counsellors, console sessions, cases, case events, callback requests.

Revision ID: 0002_handoff
Revises: 0001_knowledge
Create Date: 2026-11-26 11:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0002_handoff'
down_revision = '0001_knowledge'
branch_labels = None
depends_on = None

OPEN_STATUSES = "status IN ('waiting', 'active')"


def upgrade() -> None:
    op.create_table(
        'handoff_counsellors',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('password_hash', sa.String(length=255), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_handoff_counsellors')),
        sa.UniqueConstraint('name', name=op.f('uq_handoff_counsellors_name')),
    )
    op.create_table(
        'handoff_console_sessions',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('csrf_token', sa.String(length=64), nullable=False),
        sa.Column('counsellor_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('last_seen_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['counsellor_id'], ['handoff_counsellors.id'],
            name=op.f('fk_handoff_console_sessions_counsellor_id_handoff_counsellors'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_handoff_console_sessions')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_handoff_console_sessions_token_hash')),
    )
    op.create_index(op.f('ix_handoff_console_sessions_counsellor_id'),
                    'handoff_console_sessions', ['counsellor_id'])
    op.create_index(op.f('ix_handoff_console_sessions_last_seen_at'),
                    'handoff_console_sessions', ['last_seen_at'])

    op.create_table(
        'handoff_cases',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('conversation_id', sa.String(length=255), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('topics', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('claimed_by', sa.String(length=100), nullable=True),
        sa.Column('claimed_at', sa.DateTime(), nullable=True),
        sa.Column('closed_at', sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_handoff_cases')),
    )
    op.create_index(op.f('ix_handoff_cases_conversation_id'), 'handoff_cases', ['conversation_id'])
    op.create_index(op.f('ix_handoff_cases_status'), 'handoff_cases', ['status'])
    # At most one open case per conversation (partial unique index: SQLite and PostgreSQL).
    op.create_index(
        'uq_handoff_cases_open_conversation', 'handoff_cases', ['conversation_id'], unique=True,
        sqlite_where=sa.text(OPEN_STATUSES), postgresql_where=sa.text(OPEN_STATUSES),
    )

    op.create_table(
        'handoff_case_events',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('case_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('sender', sa.String(length=100), nullable=True),
        sa.Column('text', sa.Text(), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ['case_id'], ['handoff_cases.id'],
            name=op.f('fk_handoff_case_events_case_id_handoff_cases'),
            ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_handoff_case_events')),
    )
    op.create_index(op.f('ix_handoff_case_events_case_id'), 'handoff_case_events', ['case_id'])

    op.create_table(
        'handoff_callback_requests',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('conversation_id', sa.String(length=255), nullable=True),
        sa.Column('contact', sa.String(length=255), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('question', sa.Text(), nullable=False),
        sa.Column('preferred_time', sa.String(length=255), nullable=True),
        sa.Column('consent', sa.Boolean(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.Column('done_at', sa.DateTime(), nullable=True),
        sa.Column('done_by', sa.String(length=100), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_handoff_callback_requests')),
    )
    op.create_index(op.f('ix_handoff_callback_requests_created_at'),
                    'handoff_callback_requests', ['created_at'])


def downgrade() -> None:
    op.drop_index(op.f('ix_handoff_callback_requests_created_at'), table_name='handoff_callback_requests')
    op.drop_table('handoff_callback_requests')
    op.drop_index(op.f('ix_handoff_case_events_case_id'), table_name='handoff_case_events')
    op.drop_table('handoff_case_events')
    op.drop_index('uq_handoff_cases_open_conversation', table_name='handoff_cases')
    op.drop_index(op.f('ix_handoff_cases_status'), table_name='handoff_cases')
    op.drop_index(op.f('ix_handoff_cases_conversation_id'), table_name='handoff_cases')
    op.drop_table('handoff_cases')
    op.drop_index(op.f('ix_handoff_console_sessions_last_seen_at'), table_name='handoff_console_sessions')
    op.drop_index(op.f('ix_handoff_console_sessions_counsellor_id'), table_name='handoff_console_sessions')
    op.drop_table('handoff_console_sessions')
    op.drop_table('handoff_counsellors')
