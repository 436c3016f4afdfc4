"""A keyed hash of the visitor's address on each hand-off case (the per-address cap).

Revision ID: 0007_case_address
Revises: 0006_canned_replies
Create Date: 2026-12-01 07:15:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0007_case_address'
down_revision = '0006_canned_replies'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('handoff_cases') as batch:
        batch.add_column(sa.Column('visitor_address', sa.String(length=64), nullable=True))
        batch.create_index(op.f('ix_handoff_cases_visitor_address'), ['visitor_address'])


def downgrade() -> None:
    with op.batch_alter_table('handoff_cases') as batch:
        batch.drop_index(op.f('ix_handoff_cases_visitor_address'))
        batch.drop_column('visitor_address')
