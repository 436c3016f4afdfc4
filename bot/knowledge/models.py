"""Tables of the knowledge store: one job article and everything parsed from it.

Every child row points to its job; the job row carries the source attribution.
"""
from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import declared_attr, relationship

from bot.db import Base


class Job(Base):
    __tablename__ = "knowledge_job"

    id = Column(Integer, primary_key=True)
    slug = Column(String(64), nullable=False, unique=True)
    title = Column(String(200), nullable=False)
    summary = Column(Text, nullable=False)
    source_publisher = Column(String(100), nullable=False)
    source_title = Column(String(200), nullable=False)
    source_file = Column(String(255), nullable=False)
    content_hash = Column(String(64), nullable=False)
    ingested_at = Column(DateTime(timezone=True), nullable=False)


class _JobChild:
    """An ordered row belonging to one job."""

    id = Column(Integer, primary_key=True)
    position = Column(Integer, nullable=False)

    @declared_attr
    def job_id(cls):
        return Column(ForeignKey("knowledge_job.id", ondelete="CASCADE"), nullable=False)

    @declared_attr
    def __table_args__(cls):
        return (UniqueConstraint("job_id", "position"),)


class JobTitle(_JobChild, Base):
    """Alternative job titles from the Fakta box ("Stillingsbetegnelser")."""

    __tablename__ = "knowledge_job_title"
    title = Column(String(200), nullable=False)


class Section(_JobChild, Base):
    """A block of prose; `kind` says which part of the article it comes from."""

    __tablename__ = "knowledge_section"
    kind = Column(String(40), nullable=False)
    heading = Column(String(300), nullable=True)
    paragraphs = relationship(
        "Paragraph", order_by="Paragraph.position", cascade="all, delete-orphan", passive_deletes=True
    )


class Paragraph(Base):
    __tablename__ = "knowledge_paragraph"
    __table_args__ = (UniqueConstraint("section_id", "position"),)

    id = Column(Integer, primary_key=True)
    section_id = Column(ForeignKey("knowledge_section.id", ondelete="CASCADE"), nullable=False)
    position = Column(Integer, nullable=False)
    text = Column(Text, nullable=False)


class Task(_JobChild, Base):
    __tablename__ = "knowledge_task"
    text = Column(Text, nullable=False)


class Skill(_JobChild, Base):
    __tablename__ = "knowledge_skill"
    text = Column(Text, nullable=False)


class CareerPath(_JobChild, Base):
    __tablename__ = "knowledge_career_path"
    role = Column(String(200), nullable=False)
    description = Column(Text, nullable=False)
    is_entrepreneur = Column(Boolean, nullable=False, default=False)


class WorkplaceSector(_JobChild, Base):
    __tablename__ = "knowledge_workplace_sector"
    name = Column(String(300), nullable=False)
    examples = Column(Text, nullable=False)


class EducationRoute(_JobChild, Base):
    __tablename__ = "knowledge_education_route"
    name = Column(String(300), nullable=False)
    entry_requirements = Column(Text, nullable=True)


class SalaryPointer(_JobChild, Base):
    """Where the article sends readers for salary figures (it holds none itself)."""

    __tablename__ = "knowledge_salary_pointer"
    name = Column(String(300), nullable=False)


class OutlookStep(_JobChild, Base):
    """One step of the employment-outlook scale as printed, best first (not a chosen level)."""

    __tablename__ = "knowledge_outlook_step"
    label = Column(String(100), nullable=False)


class OutlookSource(Base):
    __tablename__ = "knowledge_outlook_source"

    job_id = Column(ForeignKey("knowledge_job.id", ondelete="CASCADE"), primary_key=True)
    source = Column(String(300), nullable=False)


class ContactChannel(_JobChild, Base):
    """Channels for reaching a human counsellor (eVejleder), e.g. telefon, mail, chat."""

    __tablename__ = "knowledge_contact_channel"
    name = Column(String(100), nullable=False)


# Rows owned by a job, deleted and rewritten together when the article changes.
JOB_CHILD_MODELS = (
    JobTitle, Section, Task, Skill, CareerPath, WorkplaceSector, EducationRoute,
    SalaryPointer, OutlookStep, OutlookSource, ContactChannel,
)
