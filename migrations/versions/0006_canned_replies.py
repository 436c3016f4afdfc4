"""Canned replies the counsellors share, managed in the console.

Revision ID: 0006_canned_replies
Revises: 0005_display_names
Create Date: 2026-12-01 07:20:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0006_canned_replies'
down_revision = '0005_display_names'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'handoff_canned_replies',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('title', sa.String(length=80), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('updated_by', sa.String(length=100), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade() -> None:
    op.drop_table('handoff_canned_replies')
