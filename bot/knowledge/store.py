"""Read-only queries over the knowledge store; results are the article model's frozen dataclasses
(`bot.knowledge.article`), never ORM rows."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Dict, List, Optional

from sqlalchemy import bindparam, select
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


def _read_article(session: Session, job: models.Job) -> Article:
    """The job's article, equal to what `ingest.parse_article` made of its text."""
    job_id = job.id

    def ordered(model, column) -> List:
        return list(session.execute(
            select(column).where(model.job_id == job_id).order_by(model.position)
        ).scalars())

    sections: Dict[str, List[Section]] = {}
    for row in session.execute(
        select(models.Section).where(models.Section.job_id == job_id)
        .order_by(models.Section.position).options(selectinload(models.Section.paragraphs))
    ).scalars():
        sections.setdefault(row.kind, []).append(Section(row.heading, [p.text for p in row.paragraphs]))

    def paragraphs(kind: str) -> List[str]:
        return [p for section in sections.get(kind, []) for p in section.paragraphs]

    careers = ordered(models.CareerPath, models.CareerPath)
    facts = {s.heading: " ".join(s.paragraphs) for s in sections.get("fact", [])}
    routes = ordered(models.EducationRoute, models.EducationRoute)
    contact = paragraphs("contact")
    outlook_source = session.execute(
        select(models.OutlookSource.source).where(models.OutlookSource.job_id == job_id)
    ).scalar_one_or_none()
    return Article(
        title=job.title,
        source_title=job.source_title,
        summary=job.summary,
        facts=facts,
        job_titles=ordered(models.JobTitle, models.JobTitle.title),
        intro=paragraphs("intro"),
        skills=Listing(paragraphs("skills"), ordered(models.Skill, models.Skill.text)),
        overview=sections.get("overview", []),
        tasks=Listing(paragraphs("tasks"), ordered(models.Task, models.Task.text)),
        career_paths=CareerPaths(
            paragraphs("career_paths"),
            [CareerPath(r.role, r.description) for r in careers if not r.is_entrepreneur],
            next((CareerPath(r.role, r.description) for r in careers if r.is_entrepreneur), None),
        ),
        workplaces=Workplaces(
            paragraphs("workplaces"),
            [Sector(r.name, r.examples) for r in ordered(models.WorkplaceSector, models.WorkplaceSector)],
            facts.get(WORKPLACES_LABEL),
        ),
        salary=Salary(paragraphs("salary"), ordered(models.SalaryPointer, models.SalaryPointer.name)),
        education=Education(paragraphs("education"), [r.name for r in routes],
                            next((r.entry_requirements for r in routes if r.entry_requirements), None)),
        further_education=paragraphs("further_education"),
        outlook=Outlook(paragraphs("employment_outlook"),
                        ordered(models.OutlookStep, models.OutlookStep.label), outlook_source),
        inspiration=paragraphs("inspiration"),
        contact=Contact(contact[0] if contact else None,
                        ordered(models.ContactChannel, models.ContactChannel.name)),
    )


# Read before every query: built once, it costs half as much.
_VERSION = select(models.Job.content_hash).where(models.Job.slug == bindparam("slug"))


@dataclass(frozen=True)
class _Edition:
    """One ingested version of an article, as read from the database."""

    version: str
    publisher: str
    article: Article


class KnowledgeStore:
    """Every query answers from the whole article, read once per version of it and kept: a query
    costs one small read of the version, and re-ingesting the article (a new version) makes the
    next query read the new text. The results are shared between queries: do not change them."""

    def __init__(self, session_factory: sessionmaker) -> None:
        self._session_factory = session_factory
        self._editions: Dict[str, _Edition] = {}

    # --- reading ---------------------------------------------------------------------------

    def _edition(self, slug: str) -> _Edition:
        edition = self._editions.get(slug)
        if edition is None or edition.version != self.version(slug):
            edition = self._editions[slug] = self._read(slug)
        return edition

    def _read(self, slug: str) -> _Edition:
        with self._session_factory() as session:
            job = session.execute(select(models.Job).where(models.Job.slug == slug)).scalar_one_or_none()
            if job is None:
                raise UnknownJob(slug)
            return _Edition(job.content_hash, job.source_publisher, _read_article(session, job))

    # --- queries ---------------------------------------------------------------------------

    def job_slugs(self) -> List[str]:
        with self._session_factory() as session:
            return list(session.execute(select(models.Job.slug).order_by(models.Job.slug)).scalars())

    def version(self, slug: str) -> str:
        """The ingested file's content hash: changes whenever the article does."""
        with self._session_factory() as session:
            version = session.execute(_VERSION, {"slug": slug}).scalar_one_or_none()
        if version is None:
            raise UnknownJob(slug)
        return version

    def article(self, slug: str) -> Article:
        """The whole article, equal to what `ingest.parse_article` made of its text."""
        return self._edition(slug).article

    def job(self, slug: str) -> Job:
        article = self.article(slug)
        return Job(slug, article.title, article.summary, article.intro)

    def source(self, slug: str) -> Source:
        edition = self._edition(slug)
        return Source(publisher=edition.publisher, title=edition.article.source_title,
                      url=article_links(slug).get(ARTICLE))

    def links(self, slug: str) -> Dict[str, str]:
        """Web addresses of the places the article names (e.g. "Uddannelseszoom")."""
        return {name: url for name, url in article_links(slug).items() if name != ARTICLE}

    def overview(self, slug: str) -> List[Section]:
        return self.article(slug).overview

    def tasks(self, slug: str) -> Listing:
        return self.article(slug).tasks

    def skills(self, slug: str) -> Listing:
        return self.article(slug).skills

    def career_paths(self, slug: str) -> CareerPaths:
        return self.article(slug).career_paths

    def career_path(self, slug: str, role: str) -> Optional[CareerPath]:
        """The career path whose role equals `role` (case-insensitive), incl. "iværksætter"."""
        paths = self.career_paths(slug)
        candidates = paths.paths + ([paths.entrepreneur] if paths.entrepreneur else [])
        wanted = role.strip().casefold()
        return next((p for p in candidates if p.role.casefold() == wanted), None)

    def facts(self, slug: str) -> Dict[str, str]:
        """The Fakta box, label -> value (without the job titles, see `job_titles`)."""
        return self.article(slug).facts

    def workplaces(self, slug: str) -> Workplaces:
        return self.article(slug).workplaces

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
        return self.article(slug).job_titles

    def education(self, slug: str) -> Education:
        return self.article(slug).education

    def find_education(self, slug: str, query: str) -> List[str]:
        """Education routes whose name contains `query` (case-insensitive)."""
        query = query.strip()
        if not query:
            return []
        return [route for route in self.education(slug).routes if _matches(query, route)]

    def further_education(self, slug: str) -> List[str]:
        return self.article(slug).further_education

    def salary(self, slug: str) -> Salary:
        return self.article(slug).salary

    def employment_outlook(self, slug: str) -> Outlook:
        return self.article(slug).outlook

    def contact_channels(self, slug: str) -> List[str]:
        return self.article(slug).contact.channels

    def contact(self, slug: str) -> List[str]:
        """The article's sentence inviting the reader to contact an eVejleder."""
        paragraph = self.article(slug).contact.paragraph
        return [paragraph] if paragraph else []

    def inspiration(self, slug: str) -> List[str]:
        return self.article(slug).inspiration
