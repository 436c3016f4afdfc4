"""Review labels of the Indsigt page.

Revision ID: 0004_insight
Revises: 0003_presence
Create Date: 2026-12-01 05:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0004_insight'
down_revision = '0003_presence'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'insight_review_labels',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('conversation_id', sa.String(length=255), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('label', sa.String(length=100), nullable=False),
        sa.Column('message_time', sa.DateTime(), nullable=False),
        sa.Column('labelled_by', sa.String(length=100), nullable=False),
        sa.Column('labelled_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_insight_review_labels')),
        sa.UniqueConstraint('event_id', name=op.f('uq_insight_review_labels_event_id')),
    )
    op.create_index(op.f('ix_insight_review_labels_conversation_id'),
                    'insight_review_labels', ['conversation_id'])
    op.create_index(op.f('ix_insight_review_labels_message_time'),
                    'insight_review_labels', ['message_time'])


def downgrade() -> None:
    op.drop_table('insight_review_labels')
