"""The article model: what a UddannelsesGuiden job article says, as plain frozen data.

The parser (`ingest.parse_article`) produces it, the store (`KnowledgeStore.article` and its
narrower queries) returns it, so a parsed article and a stored one compare equal.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Dict, List, Optional


@dataclass(frozen=True)
class Section:
    heading: Optional[str]
    paragraphs: List[str]


@dataclass(frozen=True)
class Listing:
    lead: List[str]
    items: List[str]


@dataclass(frozen=True)
class CareerPath:
    role: str
    description: str


ENTREPRENEUR_ROLE = "iværksætter"


@dataclass(frozen=True)
class CareerPaths:
    lead: List[str]
    paths: List[CareerPath]
    entrepreneur: Optional[CareerPath]     # role ENTREPRENEUR_ROLE, when the article names that route


# Labels of the Fakta box: the job titles, and the line that summarises where the job is done.
JOB_TITLES_LABEL = "Stillingsbetegnelser"
WORKPLACES_LABEL = "Arbejdssteder"


@dataclass(frozen=True)
class Sector:
    name: str
    examples: str


@dataclass(frozen=True)
class Workplaces:
    lead: List[str]
    items: List[Sector]
    summary: Optional[str]      # the Fakta box line "Arbejdssteder: ..."


@dataclass(frozen=True)
class Education:
    paragraphs: List[str]
    routes: List[str]
    entry_requirements: Optional[str]


@dataclass(frozen=True)
class Salary:
    paragraphs: List[str]
    pointers: List[str]


@dataclass(frozen=True)
class Outlook:
    paragraphs: List[str]
    scale: List[str]            # the steps of the scale as printed, not a level chosen for this job
    source: Optional[str]


@dataclass(frozen=True)
class Contact:
    paragraph: Optional[str]
    channels: List[str]


@dataclass(frozen=True)
class Article:
    title: str
    source_title: str
    summary: str
    facts: Dict[str, str]
    job_titles: List[str]
    intro: List[str]
    skills: Listing
    overview: List[Section]
    tasks: Listing
    career_paths: CareerPaths
    workplaces: Workplaces
    salary: Salary
    education: Education
    further_education: List[str]
    outlook: Outlook
    inspiration: List[str]
    contact: Contact
