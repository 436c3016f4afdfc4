"""The access log of personal data: who viewed, exported or deleted a visitor's data, and when.

Revision ID: 0008_access_log
Revises: 0007_case_address
Create Date: 2026-12-06 01:15:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_access_log'
down_revision = '0007_case_address'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'privacy_access_log',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('at', sa.DateTime(), nullable=False),
        sa.Column('actor', sa.String(length=100), nullable=False),
        sa.Column('action', sa.String(length=20), nullable=False),
        sa.Column('subject', sa.String(length=255), nullable=False),
        sa.Column('detail', sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_access_log')),
    )
    op.create_index(op.f('ix_privacy_access_log_at'), 'privacy_access_log', ['at'])


def downgrade() -> None:
    op.drop_index(op.f('ix_privacy_access_log_at'), table_name='privacy_access_log')
    op.drop_table('privacy_access_log')
