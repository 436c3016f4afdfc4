"""Counsellor display names: visitors see "Mette", never the login name.

Revision ID: 0005_display_names
Revises: 0004_insight
Create Date: 2026-12-01 07:15:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0005_display_names'
down_revision = '0004_insight'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('handoff_counsellors') as batch:
        batch.add_column(sa.Column('display_name', sa.String(length=100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('handoff_counsellors') as batch:
        batch.drop_column('display_name')
