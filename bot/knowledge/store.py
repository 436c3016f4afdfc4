"""Read-only queries over the knowledge store; results are the article model's frozen dataclasses
(`bot.knowledge.article`), never ORM rows."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, List, Optional

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload, sessionmaker

from bot.knowledge import models
from bot.knowledge.links import ARTICLE, article_links
from bot.knowledge.article import (
    WORKPLACES_LABEL, Article, CareerPath, CareerPaths, Contact, Education, Listing, Outlook, Salary,
    Section, Sector, Workplaces,
)


class UnknownJob(LookupError):
    """No job article has been ingested under this slug."""

    def __init__(self, slug: str) -> None:
        super().__init__(f"unknown job slug: {slug!r}")
        self.slug = slug


@dataclass(frozen=True)
class Job:
    slug: str
    title: str
    summary: str
    intro: List[str]


@dataclass(frozen=True)
class Source:
    publisher: str
    title: str
    url: Optional[str] = None   # the published article (config/article_links.yml)


def _matches(query: str, text: str) -> bool:
    return query.casefold() in text.casefold()


def _matches_word_start(query: str, text: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(query.casefold()), text.casefold()) is not None


class KnowledgeStore:
    def __init__(self, session_factory: sessionmaker) -> None:
        self._session_factory = session_factory

    # --- helpers ---------------------------------------------------------------------------

    def _job_row(self, session: Session, slug: str) -> models.Job:
        job = session.execute(select(models.Job).where(models.Job.slug == slug)).scalar_one_or_none()
        if job is None:
            raise UnknownJob(slug)
        return job

    def _ordered(self, slug: str, model, column) -> List:
        with self._session_factory() as session:
            job = self._job_row(session, slug)
            return list(session.execute(
                select(column).where(model.job_id == job.id).order_by(model.position)
            ).scalars())

    def _sections(self, slug: str, kind: str) -> List[Section]:
        with self._session_factory() as session:
            job = self._job_row(session, slug)
            rows = session.execute(
                select(models.Section)
                .where(models.Section.job_id == job.id, models.Section.kind == kind)
                .order_by(models.Section.position)
                .options(selectinload(models.Section.paragraphs))
            ).scalars()
            return [Section(row.heading, [p.text for p in row.paragraphs]) for row in rows]

    def _paragraphs(self, slug: str, kind: str) -> List[str]:
        return [p for section in self._sections(slug, kind) for p in section.paragraphs]

    # --- queries ---------------------------------------------------------------------------

    def job_slugs(self) -> List[str]:
        with self._session_factory() as session:
            return list(session.execute(select(models.Job.slug).order_by(models.Job.slug)).scalars())

    def job(self, slug: str) -> Job:
        with self._session_factory() as session:
            row = self._job_row(session, slug)
            title, summary = row.title, row.summary
        return Job(slug, title, summary, self._paragraphs(slug, "intro"))

    def version(self, slug: str) -> str:
        """The ingested file's content hash: changes whenever the article does."""
        with self._session_factory() as session:
            return self._job_row(session, slug).content_hash

    def source(self, slug: str) -> Source:
        with self._session_factory() as session:
            row = self._job_row(session, slug)
            publisher, title = row.source_publisher, row.source_title
        return Source(publisher=publisher, title=title, url=article_links(slug).get(ARTICLE))

    def links(self, slug: str) -> Dict[str, str]:
        """Web addresses of the places the article names (e.g. "Uddannelseszoom")."""
        return {name: url for name, url in article_links(slug).items() if name != ARTICLE}

    def overview(self, slug: str) -> List[Section]:
        return self._sections(slug, "overview")

    def tasks(self, slug: str) -> Listing:
        return Listing(self._paragraphs(slug, "tasks"), self._ordered(slug, models.Task, models.Task.text))

    def skills(self, slug: str) -> Listing:
        return Listing(self._paragraphs(slug, "skills"), self._ordered(slug, models.Skill, models.Skill.text))

    def career_paths(self, slug: str) -> CareerPaths:
        rows = self._ordered(slug, models.CareerPath, models.CareerPath)
        paths = [CareerPath(r.role, r.description) for r in rows if not r.is_entrepreneur]
        entrepreneur = next((CareerPath(r.role, r.description) for r in rows if r.is_entrepreneur), None)
        return CareerPaths(self._paragraphs(slug, "career_paths"), paths, entrepreneur)

    def career_path(self, slug: str, role: str) -> Optional[CareerPath]:
        """The career path whose role equals `role` (case-insensitive), incl. "iværksætter"."""
        paths = self.career_paths(slug)
        candidates = paths.paths + ([paths.entrepreneur] if paths.entrepreneur else [])
        wanted = role.strip().casefold()
        return next((p for p in candidates if p.role.casefold() == wanted), None)

    def facts(self, slug: str) -> Dict[str, str]:
        """The Fakta box, label -> value (without the job titles, see `job_titles`)."""
        return {s.heading: " ".join(s.paragraphs) for s in self._sections(slug, "fact")}

    def workplaces(self, slug: str) -> Workplaces:
        rows = self._ordered(slug, models.WorkplaceSector, models.WorkplaceSector)
        summary = self.facts(slug).get(WORKPLACES_LABEL)
        sectors = [Sector(r.name, r.examples) for r in rows]
        return Workplaces(self._paragraphs(slug, "workplaces"), sectors, summary)

    def find_sectors(self, slug: str, query: str) -> List[Sector]:
        """Sectors whose name or examples contain `query` (case-insensitive).

        Matches at a word start win ("it" -> "it-virksomheder", not "instItutioner");
        plain substring matches are the fallback ("sektor" -> "Teknologisektoren").
        """
        query = query.strip()
        if not query:
            return []
        sectors = self.workplaces(slug).items
        for match in (_matches_word_start, _matches):
            found = [s for s in sectors if match(query, s.name) or match(query, s.examples)]
            if found:
                return found
        return []

    def job_titles(self, slug: str) -> List[str]:
        return self._ordered(slug, models.JobTitle, models.JobTitle.title)

    def education(self, slug: str) -> Education:
        rows = self._ordered(slug, models.EducationRoute, models.EducationRoute)
        requirements = next((r.entry_requirements for r in rows if r.entry_requirements), None)
        return Education(self._paragraphs(slug, "education"), [r.name for r in rows], requirements)

    def find_education(self, slug: str, query: str) -> List[str]:
        """Education routes whose name contains `query` (case-insensitive)."""
        query = query.strip()
        if not query:
            return []
        return [route for route in self.education(slug).routes if _matches(query, route)]

    def further_education(self, slug: str) -> List[str]:
        return self._paragraphs(slug, "further_education")

    def salary(self, slug: str) -> Salary:
        pointers = self._ordered(slug, models.SalaryPointer, models.SalaryPointer.name)
        return Salary(self._paragraphs(slug, "salary"), pointers)

    def employment_outlook(self, slug: str) -> Outlook:
        scale = self._ordered(slug, models.OutlookStep, models.OutlookStep.label)
        with self._session_factory() as session:
            job = self._job_row(session, slug)
            source = session.execute(
                select(models.OutlookSource.source).where(models.OutlookSource.job_id == job.id)
            ).scalar_one_or_none()
        return Outlook(self._paragraphs(slug, "employment_outlook"), scale, source)

    def contact_channels(self, slug: str) -> List[str]:
        return self._ordered(slug, models.ContactChannel, models.ContactChannel.name)

    def contact(self, slug: str) -> List[str]:
        """The article's sentence inviting the reader to contact an eVejleder."""
        return self._paragraphs(slug, "contact")

    def inspiration(self, slug: str) -> List[str]:
        return self._paragraphs(slug, "inspiration")

    def article(self, slug: str) -> Article:
        """The whole article, equal to what `ingest.parse_article` made of its text."""
        job = self.job(slug)
        source = self.source(slug)
        contact = self.contact(slug)
        return Article(
            title=job.title,
            source_title=source.title,
            summary=job.summary,
            facts=self.facts(slug),
            job_titles=self.job_titles(slug),
            intro=job.intro,
            skills=self.skills(slug),
            overview=self.overview(slug),
            tasks=self.tasks(slug),
            career_paths=self.career_paths(slug),
            workplaces=self.workplaces(slug),
            salary=self.salary(slug),
            education=self.education(slug),
            further_education=self.further_education(slug),
            outlook=self.employment_outlook(slug),
            inspiration=self.inspiration(slug),
            contact=Contact(contact[0] if contact else None, self.contact_channels(slug)),
        )
