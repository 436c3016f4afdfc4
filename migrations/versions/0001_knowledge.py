"""Knowledge store tables: a job article and everything parsed from it.

Revision ID: 0001_knowledge
Revises:
Create Date: 2026-11-26 10:41:01.330465
"""
from alembic import op
import sqlalchemy as sa


revision = '0001_knowledge'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('knowledge_job',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=64), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('source_publisher', sa.String(length=100), nullable=False),
    sa.Column('source_title', sa.String(length=200), nullable=False),
    sa.Column('source_file', sa.String(length=255), nullable=False),
    sa.Column('content_hash', sa.String(length=64), nullable=False),
    sa.Column('ingested_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_job')),
    sa.UniqueConstraint('slug', name=op.f('uq_knowledge_job_slug'))
    )
    op.create_table('knowledge_career_path',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('is_entrepreneur', sa.Boolean(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['knowledge_job.id'], name=op.f('fk_knowledge_career_path_job_id_knowledge_job'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_career_path')),
    sa.UniqueConstraint('job_id', 'position', name=op.f('uq_knowledge_career_path_job_id_position'))
    )
    op.create_table('knowledge_contact_channel',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['knowledge_job.id'], name=op.f('fk_knowledge_contact_channel_job_id_knowledge_job'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_contact_channel')),
    sa.UniqueConstraint('job_id', 'position', name=op.f('uq_knowledge_contact_channel_job_id_position'))
    )
    op.create_table('knowledge_education_route',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('entry_requirements', sa.Text(), nullable=True),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['knowledge_job.id'], name=op.f('fk_knowledge_education_route_job_id_knowledge_job'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_education_route')),
    sa.UniqueConstraint('job_id', 'position', name=op.f('uq_knowledge_education_route_job_id_position'))
    )
    op.create_table('knowledge_job_title',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['knowledge_job.id'], name=op.f('fk_knowledge_job_title_job_id_knowledge_job'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_job_title')),
    sa.UniqueConstraint('job_id', 'position', name=op.f('uq_knowledge_job_title_job_id_position'))
    )
    op.create_table('knowledge_outlook_source',
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['knowledge_job.id'], name=op.f('fk_knowledge_outlook_source_job_id_knowledge_job'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('job_id', name=op.f('pk_knowledge_outlook_source'))
    )
    op.create_table('knowledge_outlook_step',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=100), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['knowledge_job.id'], name=op.f('fk_knowledge_outlook_step_job_id_knowledge_job'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_outlook_step')),
    sa.UniqueConstraint('job_id', 'position', name=op.f('uq_knowledge_outlook_step_job_id_position'))
    )
    op.create_table('knowledge_salary_pointer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['knowledge_job.id'], name=op.f('fk_knowledge_salary_pointer_job_id_knowledge_job'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_salary_pointer')),
    sa.UniqueConstraint('job_id', 'position', name=op.f('uq_knowledge_salary_pointer_job_id_position'))
    )
    op.create_table('knowledge_section',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('heading', sa.String(length=300), nullable=True),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['knowledge_job.id'], name=op.f('fk_knowledge_section_job_id_knowledge_job'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_section')),
    sa.UniqueConstraint('job_id', 'position', name=op.f('uq_knowledge_section_job_id_position'))
    )
    op.create_table('knowledge_skill',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['knowledge_job.id'], name=op.f('fk_knowledge_skill_job_id_knowledge_job'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_skill')),
    sa.UniqueConstraint('job_id', 'position', name=op.f('uq_knowledge_skill_job_id_position'))
    )
    op.create_table('knowledge_task',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['knowledge_job.id'], name=op.f('fk_knowledge_task_job_id_knowledge_job'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_task')),
    sa.UniqueConstraint('job_id', 'position', name=op.f('uq_knowledge_task_job_id_position'))
    )
    op.create_table('knowledge_workplace_sector',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=300), nullable=False),
    sa.Column('examples', sa.Text(), nullable=False),
    sa.Column('job_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['job_id'], ['knowledge_job.id'], name=op.f('fk_knowledge_workplace_sector_job_id_knowledge_job'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_workplace_sector')),
    sa.UniqueConstraint('job_id', 'position', name=op.f('uq_knowledge_workplace_sector_job_id_position'))
    )
    op.create_table('knowledge_paragraph',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('section_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['section_id'], ['knowledge_section.id'], name=op.f('fk_knowledge_paragraph_section_id_knowledge_section'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_knowledge_paragraph')),
    sa.UniqueConstraint('section_id', 'position', name=op.f('uq_knowledge_paragraph_section_id_position'))
    )


def downgrade() -> None:
    op.drop_table('knowledge_paragraph')
    op.drop_table('knowledge_workplace_sector')
    op.drop_table('knowledge_task')
    op.drop_table('knowledge_skill')
    op.drop_table('knowledge_section')
    op.drop_table('knowledge_salary_pointer')
    op.drop_table('knowledge_outlook_step')
    op.drop_table('knowledge_outlook_source')
    op.drop_table('knowledge_job_title')
    op.drop_table('knowledge_education_route')
    op.drop_table('knowledge_contact_channel')
    op.drop_table('knowledge_career_path')
    op.drop_table('knowledge_job')
