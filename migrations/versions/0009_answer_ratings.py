"""One row per rating (and per comment) of an answer: its unique key makes "one rating per
answer" hold when two requests rate the same answer at once.

Revision ID: 0009_answer_ratings
Revises: 0008_access_log
Create Date: 2026-12-06 01:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_answer_ratings'
down_revision = '0008_access_log'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'insight_answer_ratings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('conversation_id', sa.String(length=255), nullable=False),
        sa.Column('ref', sa.String(length=64), nullable=False),
        sa.Column('kind', sa.String(length=16), nullable=False),
        sa.Column('rated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_insight_answer_ratings')),
        sa.UniqueConstraint('conversation_id', 'ref', 'kind',
                            name=op.f('uq_insight_answer_ratings_conversation_id_ref_kind')),
    )
    op.create_index(op.f('ix_insight_answer_ratings_rated_at'),
                    'insight_answer_ratings', ['rated_at'])


def downgrade() -> None:
    op.drop_table('insight_answer_ratings')
