"""Counsellor presence: a counsellor can pause, so visitors are not queued for her.

Revision ID: 0003_presence
Revises: 0002_handoff
Create Date: 2026-12-01 05:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0003_presence'
down_revision = '0002_handoff'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('handoff_counsellors') as batch:
        batch.add_column(sa.Column('paused', sa.Boolean(), nullable=False,
                                   server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('handoff_counsellors') as batch:
        batch.drop_column('paused')
