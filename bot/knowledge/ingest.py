"""Ingestion of UddannelsesGuiden (UG) job articles saved as plain text.

Two steps: `parse_article` turns the text into the article model (`bot.knowledge.article`, no database), then
`write_article` stores them for one job slug in a single transaction. Nothing is written
unless the whole file parsed, so a malformed file leaves the database as it was.

Format (one paragraph per line, blank lines between blocks):
    <image caption> / "Job"                  ignored
    "<Title> (job)"                          the article title
    <summary paragraph>
    "Fakta" + a block of "Label:" / value lines (Stillingsbetegnelser: comma-separated titles)
    <intro paragraphs>                       incl. "Du har ... Du er god til ..." (skills)
    known section headings (KNOWN_HEADINGS), each followed by paragraphs and "•" bullets
Page leftovers (links, photo credits, captions printed twice) are dropped.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from sqlalchemy import delete, select
from sqlalchemy.orm import sessionmaker

from bot.db import transaction
from bot.knowledge import models
from bot.knowledge.article import (
    ENTREPRENEUR_ROLE, JOB_TITLES_LABEL, WORKPLACES_LABEL, Article, CareerPath, CareerPaths, Contact,
    Education, Listing, Outlook, Salary, Section, Sector, Workplaces,
)

SOURCE_PUBLISHER = "UddannelsesGuiden"
MAX_FILE_BYTES = 1_000_000  # a UG article is a few KB; anything this large is not one

KNOWN_HEADINGS = (
    "Om jobbet", "Arbejdsopgaver", "Karriereveje", "Arbejdssteder", "Indkomst",
    "Uddannelsesvej", "Mere uddannelse", "Beskæftigelsesmuligheder", "Inspiration",
)
REQUIRED_HEADINGS = ("Om jobbet", "Arbejdsopgaver", "Karriereveje", "Arbejdssteder")

_TITLE = re.compile(r"^(?P<title>\S.*?)\s*\(job\)$")
_BULLET = re.compile(r"^\s*•\s*(?P<text>.*)$")
_NOISE = re.compile(
    r"^(Fold alle afsnit ud|Foto:.*|Klik og gå til siden.*|Gå til [^.]*|Læs om:?|Læs mere:?)$"
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ])")
_SLUG = re.compile(r"^[a-z0-9æøå][a-z0-9æøå_-]{0,63}$")
_MAX_HEADING_CHARS = 100


class IngestError(Exception):
    """The article file cannot be ingested; the message says why."""


@dataclass(frozen=True)
class IngestResult:
    slug: str
    status: str                  # "created" | "updated" | "unchanged"
    source_file: str
    content_hash: str
    counts: Dict[str, int]

    def describe(self) -> str:
        if self.status == "unchanged":
            return (f"{self.slug}: unchanged ({self.source_file}, "
                    f"sha256 {self.content_hash[:12]}), nothing written")
        counts = ", ".join(f"{n} {name}" for name, n in self.counts.items())
        return f"{self.slug}: {self.status} from {self.source_file} ({counts})"


# --- reading the file ----------------------------------------------------------------------

def read_article(path: Path) -> Tuple[bytes, str]:
    """Return the raw bytes and decoded text, or raise IngestError."""
    path = Path(path)
    if not path.is_file():
        raise IngestError(f"{path}: file not found")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise IngestError(f"{path}: file is {size} bytes, larger than {MAX_FILE_BYTES}; not an article")
    raw = path.read_bytes()
    if b"\x00" in raw:
        raise IngestError(f"{path}: file contains NUL bytes; looks binary, not a text article")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise IngestError(
            f"{path}: not valid UTF-8 (byte 0x{raw[exc.start]:02x} at offset {exc.start}); "
            "save the article as UTF-8"
        ) from None
    if not text.strip():
        raise IngestError(f"{path}: file is empty")
    return raw, text


# --- text helpers --------------------------------------------------------------------------

@dataclass(frozen=True)
class _Line:
    text: str
    bullet: bool = False


def _normalize(text: str) -> List[Optional[_Line]]:
    """Lines of the article; None stands for a blank line. Page leftovers are removed."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u00a0", " ").replace("\u200b", "")
    lines: List[Optional[_Line]] = []
    for raw in text.split("\n"):
        match = _BULLET.match(raw)
        if match:
            body = " ".join(match["text"].split())
            lines.append(_Line(body, bullet=True) if body else None)
            continue
        body = " ".join(raw.split())
        if not body or _NOISE.match(body):
            lines.append(None)
        else:
            lines.append(_Line(body))
    return _drop_repeated(lines)


def _drop_repeated(lines: List[Optional[_Line]]) -> List[Optional[_Line]]:
    """Drop every copy of a line printed twice in a row (image alt text + caption, link text)."""
    kept: List[Optional[_Line]] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        j = i + 1
        while line is not None and j < len(lines) and lines[j] == line:
            j += 1
        if j - i == 1:
            kept.append(line)
        i = j
    return kept


def _sentences(paragraph: str) -> List[str]:
    return [s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip()]


def _enumeration(text: str) -> List[str]:
    """Split a Danish enumeration "a, b og c" / "a, b eller c" into its items."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    if not parts:
        return []
    last = re.match(r"^(?P<head>.+)\s+(?:og|eller)\s+(?P<tail>.+)$", parts[-1])
    if last:
        parts[-1:] = [last["head"].strip(), last["tail"].strip()]
    return parts


def _is_heading(line: _Line) -> bool:
    return (not line.bullet and len(line.text) <= _MAX_HEADING_CHARS
            and not line.text.endswith((".", ":", "!", "?")))


def _texts(lines: Sequence[Optional[_Line]]) -> List[_Line]:
    return [line for line in lines if line is not None]


# --- parsing -------------------------------------------------------------------------------

def parse_article(text: str) -> Article:
    lines = _normalize(text)
    title_at = next(
        (i for i, line in enumerate(lines) if line and not line.bullet and _TITLE.match(line.text)),
        None,
    )
    if title_at is None:
        raise IngestError("no article title line like 'Leder (job)' found")
    # The title line reads "Leder (job)"; "(job)" is UG's type marker, not part of the title.
    title = _TITLE.match(lines[title_at].text)["title"]

    preamble, sections = _split_sections(lines[title_at + 1:])
    missing = [h for h in REQUIRED_HEADINGS if h not in sections]
    if missing:
        raise IngestError(f"missing required section(s): {', '.join(missing)}")

    summary, facts, job_titles, intro = _parse_preamble(preamble)
    inspiration, contact = _parse_inspiration(sections.get("Inspiration", []))
    return Article(
        title=title,
        source_title=title,
        summary=summary,
        facts=facts,
        job_titles=job_titles,
        intro=intro,
        skills=_parse_skills(intro),
        overview=_parse_overview(sections["Om jobbet"]),
        tasks=_parse_tasks(sections["Arbejdsopgaver"]),
        career_paths=_parse_career_paths(sections["Karriereveje"]),
        workplaces=_parse_workplaces(sections["Arbejdssteder"], facts.get(WORKPLACES_LABEL)),
        salary=_parse_salary(sections.get("Indkomst", [])),
        education=_parse_education(sections.get("Uddannelsesvej", [])),
        further_education=[line.text for line in sections.get("Mere uddannelse", [])],
        outlook=_parse_outlook(sections.get("Beskæftigelsesmuligheder", [])),
        inspiration=inspiration,
        contact=contact,
    )


def _split_sections(lines: Sequence[Optional[_Line]]):
    preamble: List[Optional[_Line]] = []
    sections: Dict[str, List[_Line]] = {}
    current: Optional[str] = None
    for line in lines:
        if line is not None and not line.bullet and line.text in KNOWN_HEADINGS:
            if line.text in sections:
                raise IngestError(f"section '{line.text}' appears twice")
            current = line.text
            sections[current] = []
        elif current is None:
            preamble.append(line)
        elif line is not None:
            sections[current].append(line)
    return preamble, sections


def _parse_preamble(lines: List[Optional[_Line]]):
    fakta_at = next((i for i, line in enumerate(lines) if line and line.text == "Fakta"), None)
    if fakta_at is None:
        raise IngestError("missing 'Fakta' box (with 'Stillingsbetegnelser:')")
    before = [line.text for line in _texts(lines[:fakta_at])]
    if not before:
        raise IngestError("missing summary paragraph between the title and 'Fakta'")

    # The Fakta box is the first block of lines after "Fakta"; a blank line ends it.
    i = fakta_at + 1
    while i < len(lines) and lines[i] is None:
        i += 1
    facts: Dict[str, List[str]] = {}
    label: Optional[str] = None
    while i < len(lines) and lines[i] is not None:
        text = lines[i].text
        if text.endswith(":") and len(text) <= 60:
            label = text[:-1].strip()
            facts[label] = []
        elif label is None:
            raise IngestError(f"Fakta box: value without a 'Label:' line: {text!r}")
        else:
            facts[label].append(text)
        i += 1
    joined = {name: " ".join(values) for name, values in facts.items()}
    titles_text = joined.pop(JOB_TITLES_LABEL, "")
    job_titles = [t.strip() for t in titles_text.split(",") if t.strip()]
    if not job_titles:
        raise IngestError(f"Fakta box has no '{JOB_TITLES_LABEL}:' with job titles")

    intro = before[1:] + [line.text for line in _texts(lines[i:])]
    return before[0], joined, job_titles, intro


def _parse_skills(intro: List[str]) -> Listing:
    """Skills are the "Du har ... Du er god til a, b og c." paragraph of the intro."""
    for paragraph in intro:
        sentences = _sentences(paragraph)
        if not any(s.startswith("Du er god til") for s in sentences):
            continue
        items: List[str] = []
        for sentence in sentences:
            has = re.match(r"^Du har (?P<what>.+?)\.?$", sentence)
            good_at = re.match(r"^Du er god til (?P<what>.+?)\.?$", sentence)
            if has:
                items.append(has["what"])
            elif good_at:
                items.extend(re.sub(r"^at\s+", "", item) for item in _enumeration(good_at["what"]))
        return Listing(lead=[paragraph], items=items)
    return Listing(lead=[], items=[])


def _parse_overview(lines: List[_Line]) -> List[Section]:
    sections: List[Section] = []
    heading: Optional[str] = None
    paragraphs: List[str] = []
    for line in lines:
        if _is_heading(line):
            if heading is not None or paragraphs:
                sections.append(Section(heading, paragraphs))
            heading, paragraphs = line.text, []
        else:
            paragraphs.append(line.text)
    if heading is not None or paragraphs:
        sections.append(Section(heading, paragraphs))
    if not sections:
        raise IngestError("section 'Om jobbet' is empty")
    return sections


def _split_listing(lines: List[_Line]) -> Tuple[List[str], List[str], List[str]]:
    """(lead paragraphs before the bullets, bullet items, paragraphs after the bullets)."""
    lead, items, trailing = [], [], []
    for line in lines:
        if line.bullet:
            items.append(line.text)
        elif items:
            trailing.append(line.text)
        else:
            lead.append(line.text)
    return lead, items, trailing


def _parse_tasks(lines: List[_Line]) -> Listing:
    lead, items, trailing = _split_listing(lines)
    if not items:
        raise IngestError("section 'Arbejdsopgaver' has no '•' task bullets")
    return Listing(lead=lead + trailing, items=items)


def _parse_career_paths(lines: List[_Line]) -> CareerPaths:
    lead, items, trailing = _split_listing(lines)
    if not items:
        raise IngestError("section 'Karriereveje' has no '•' career path bullets")
    paths = []
    for item in items:
        role, sep, description = item.partition(":")
        if not sep or not role.strip() or not description.strip():
            raise IngestError(f"career path bullet is not 'Role: description': {item!r}")
        paths.append(CareerPath(role.strip(), description.strip()))
    entrepreneur = next((p for p in trailing if ENTREPRENEUR_ROLE in p.lower()), None)
    lead = lead + [p for p in trailing if p != entrepreneur]
    return CareerPaths(lead=lead, paths=paths,
                       entrepreneur=CareerPath(ENTREPRENEUR_ROLE, entrepreneur) if entrepreneur else None)


_SECTOR = re.compile(r"^(?P<name>.+?)(?:,\s*|\s+(?=som fx\b))(?P<examples>.+)$")
_EXAMPLE_PREFIX = re.compile(r"^(?:som fx|som f\.eks\.|fx|f\.eks\.|bl\.a\.)\s+")


def _parse_workplaces(lines: List[_Line], summary: Optional[str]) -> Workplaces:
    lead, items, trailing = _split_listing(lines)
    if not items:
        raise IngestError("section 'Arbejdssteder' has no '•' workplace bullets")
    sectors = []
    for item in items:
        match = _SECTOR.match(item)
        if match:
            sectors.append(Sector(match["name"].strip(), _EXAMPLE_PREFIX.sub("", match["examples"].strip())))
        else:
            sectors.append(Sector(item, ""))
    return Workplaces(lead=lead + trailing, items=sectors, summary=summary)


def _parse_salary(lines: List[_Line]) -> Salary:
    paragraphs = [line.text for line in lines]
    pointers: List[str] = []
    for paragraph in paragraphs:
        for sentence in _sentences(paragraph):
            # "Du kan ... finde data om lønniveau i Uddannelseszoom." -> "Uddannelseszoom"
            match = re.match(r"^.*\bfinde\b.*\s(?:i|på)\s+(?P<where>[^.]+?)\.?$", sentence)
            if match and match["where"] not in pointers:
                pointers.append(match["where"])
    return Salary(paragraphs=paragraphs, pointers=pointers)


def _parse_education(lines: List[_Line]) -> Education:
    paragraphs = [line.text for line in lines]
    routes: List[str] = []
    requirements: Optional[str] = None
    for paragraph in paragraphs:
        for sentence in _sentences(paragraph):
            match = re.match(r"^Du kan (?:fx |f\.eks\. |bl\.a\. )?tage (?P<routes>.+?)\.?$", sentence)
            if match:
                routes.extend(re.sub(r"^(?:en|et)\s+", "", r) for r in _enumeration(match["routes"]))
            elif requirements is None and re.search(r"\bkræver\b", sentence):
                requirements = sentence
    return Education(paragraphs=paragraphs, routes=routes, entry_requirements=requirements)


def _parse_outlook(lines: List[_Line]) -> Outlook:
    paragraphs, scale = [], []
    source: Optional[str] = None
    for line in lines:
        if line.text.startswith("Kilde:"):
            source = line.text[len("Kilde:"):].strip().rstrip(".")
        elif _is_heading(line):
            scale.append(line.text)
        else:
            paragraphs.append(line.text)
    return Outlook(paragraphs=paragraphs, scale=scale, source=source)


def _parse_inspiration(lines: List[_Line]) -> Tuple[List[str], Contact]:
    paragraphs = [line.text for line in lines]
    for paragraph in reversed(paragraphs):
        match = re.search(r"\bhjælp via (?P<channels>[^.]+)\.?$", paragraph)
        if match:
            rest = [p for p in paragraphs if p != paragraph]
            return rest, Contact(paragraph=paragraph, channels=_enumeration(match["channels"]))
    return paragraphs, Contact(paragraph=None, channels=[])


# --- writing -------------------------------------------------------------------------------

def slug_for(path: Path) -> str:
    return Path(path).stem.strip().lower().replace(" ", "-")


def _child_rows(job_id: int, article: Article) -> list:
    rows: list = []

    def ordered(model, values, **fixed):
        rows.extend(model(job_id=job_id, position=i, **fixed, **value) for i, value in enumerate(values))

    sections: List[Tuple[str, Optional[str], List[str]]] = [("intro", None, article.intro)]
    sections += [("fact", label, [value]) for label, value in article.facts.items()]
    sections += [("skills", None, article.skills.lead)]
    sections += [("overview", s.heading, s.paragraphs) for s in article.overview]
    sections += [
        ("tasks", "Arbejdsopgaver", article.tasks.lead),
        ("career_paths", "Karriereveje", article.career_paths.lead),
        ("workplaces", "Arbejdssteder", article.workplaces.lead),
        ("salary", "Indkomst", article.salary.paragraphs),
        ("education", "Uddannelsesvej", article.education.paragraphs),
        ("further_education", "Mere uddannelse", article.further_education),
        ("employment_outlook", "Beskæftigelsesmuligheder", article.outlook.paragraphs),
        ("inspiration", "Inspiration", article.inspiration),
        ("contact", None, [article.contact.paragraph] if article.contact.paragraph else []),
    ]
    for position, (kind, title, paragraphs) in enumerate(sections):
        rows.append(models.Section(
            job_id=job_id, position=position, kind=kind, heading=title,
            paragraphs=[models.Paragraph(position=i, text=t) for i, t in enumerate(paragraphs)],
        ))

    ordered(models.JobTitle, [{"title": t} for t in article.job_titles])
    ordered(models.Task, [{"text": t} for t in article.tasks.items])
    ordered(models.Skill, [{"text": t} for t in article.skills.items])
    careers = article.career_paths
    paths = [{"role": p.role, "description": p.description, "is_entrepreneur": False} for p in careers.paths]
    if careers.entrepreneur:
        paths.append({"role": careers.entrepreneur.role, "description": careers.entrepreneur.description,
                      "is_entrepreneur": True})
    ordered(models.CareerPath, paths)
    ordered(models.WorkplaceSector,
            [{"name": s.name, "examples": s.examples} for s in article.workplaces.items])
    ordered(models.EducationRoute, [{"name": r, "entry_requirements": article.education.entry_requirements}
                                    for r in article.education.routes])
    ordered(models.SalaryPointer, [{"name": p} for p in article.salary.pointers])
    ordered(models.OutlookStep, [{"label": s} for s in article.outlook.scale])
    if article.outlook.source:
        rows.append(models.OutlookSource(job_id=job_id, source=article.outlook.source))
    ordered(models.ContactChannel, [{"name": c} for c in article.contact.channels])
    return rows


def _delete_children(session, job_id: int) -> None:
    section_ids = select(models.Section.id).where(models.Section.job_id == job_id)
    session.execute(
        delete(models.Paragraph).where(models.Paragraph.section_id.in_(section_ids))
        .execution_options(synchronize_session=False)
    )
    for model in models.JOB_CHILD_MODELS:
        session.execute(
            delete(model).where(model.job_id == job_id).execution_options(synchronize_session=False)
        )


def _counts(article: Article) -> Dict[str, int]:
    return {
        "job titles": len(article.job_titles),
        "tasks": len(article.tasks.items),
        "career paths": len(article.career_paths.paths) + (1 if article.career_paths.entrepreneur else 0),
        "sectors": len(article.workplaces.items),
        "education routes": len(article.education.routes),
    }


def write_article(session_factory: sessionmaker, slug: str, article: Article, *,
                  source_file: str, content_hash: str, force: bool = False) -> IngestResult:
    """Store a parsed article under `slug`: no-op if the hash is unchanged, else replace all rows.

    `force` rewrites an unchanged file too (after the parser itself has changed).
    """
    if not _SLUG.match(slug):
        raise IngestError(f"invalid slug {slug!r}: use lowercase letters, digits, '-' or '_'")
    result = IngestResult(slug, "unchanged", source_file, content_hash, _counts(article))
    with transaction(session_factory) as session:
        job = session.execute(select(models.Job).where(models.Job.slug == slug)).scalar_one_or_none()
        if job is not None and job.content_hash == content_hash and not force:
            return result
        if job is None:
            job = models.Job(slug=slug)
            session.add(job)
            status = "created"
        else:
            _delete_children(session, job.id)
            status = "updated"
        job.title = article.title
        job.summary = article.summary
        job.source_publisher = SOURCE_PUBLISHER
        job.source_title = article.source_title
        job.source_file = source_file
        job.content_hash = content_hash
        job.ingested_at = datetime.now(timezone.utc)
        session.flush()
        session.add_all(_child_rows(job.id, article))
    return IngestResult(slug, status, source_file, content_hash, result.counts)


def ingest_file(session_factory: sessionmaker, path: Path, slug: Optional[str] = None,
                force: bool = False) -> IngestResult:
    """Parse `path` completely, then store it; raises IngestError before touching the database."""
    path = Path(path)
    raw, text = read_article(path)
    try:
        article = parse_article(text)
    except IngestError as exc:
        raise IngestError(f"{path}: {exc}") from None
    return write_article(
        session_factory, slug or slug_for(path), article,
        source_file=path.name, content_hash=hashlib.sha256(raw).hexdigest(), force=force,
    )
