"""The article cut into passages: the units a single answer can quote verbatim.

A passage is a paragraph, a list item (with the sentence that introduces its list), a career role's
description, or, when a paragraph is too long for one chat bubble, a run of its whole sentences.
Each passage belongs to a topic (the part of the article it comes from) and carries `context`
(a heading, a role name) that helps find it but is not quoted unless the reply needs it.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable, List, Optional

from bot.knowledge.article import JOB_TITLES_LABEL, Article

# Longer paragraphs are split into runs of whole sentences, so one answer fits a chat bubble.
MAX_PASSAGE_CHARS = 300
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-ZÆØÅ])")
# Site-maintenance notices ("UG er under ombygning ...") are kept in the store, never quoted.
_SITE_NOTICE = re.compile(r"\bunder ombygning\b", re.IGNORECASE)


@dataclass(frozen=True)
class Passage:
    topic: str                 # overview, tasks, career_paths, workplaces, education, ...
    text: str                  # verbatim from the store
    context: str = ""          # heading / role / list lead: searched, quoted only as `label`
    label: Optional[str] = None   # shown before the text ("Direktør: ...", the list's lead)
    kind: str = "paragraph"    # paragraph | item | role | titles

    def quoted(self) -> str:
        if not self.label:
            return self.text
        if self.kind == "item":
            return f"{self.label}\n• {self.text}"
        return f"{self.label}: {self.text}"

    def titled(self) -> str:
        """Quoted with the heading it stands under, so that two passages side by side say which
        is which ("Ledelse på mellemniveau – planlægning og resultater: ...")."""
        if self.label or not self.context:
            return self.quoted()
        return f"{self.context}: {self.text}"


def chunks(paragraph: str, limit: int = MAX_PASSAGE_CHARS) -> List[str]:
    """The paragraph itself, or runs of its whole sentences of at most `limit` characters."""
    if len(paragraph) <= limit:
        return [paragraph]
    runs: List[str] = []
    for sentence in (s.strip() for s in _SENTENCE_END.split(paragraph) if s.strip()):
        if runs and len(runs[-1]) + 1 + len(sentence) <= limit:
            runs[-1] = f"{runs[-1]} {sentence}"
        else:
            runs.append(sentence)
    return runs


def is_site_notice(paragraph: str) -> bool:
    return bool(_SITE_NOTICE.search(paragraph))


def _prose(topic: str, paragraphs: Iterable[str], context: str = "") -> List[Passage]:
    return [
        Passage(topic, chunk, context)
        for paragraph in paragraphs if not is_site_notice(paragraph) and not paragraph.endswith(":")
        for chunk in chunks(paragraph)
    ]


def _list_lead(lead: List[str]) -> Optional[str]:
    """The sentence that introduces a bulleted list ("... arbejdsopgaver, at du:")."""
    return next((p for p in reversed(lead) if p.endswith(":")), None)


def passages(article: Article) -> List[Passage]:
    result: List[Passage] = [Passage("overview", article.summary)]
    for section in article.overview:
        result += _prose("overview", section.paragraphs, section.heading or "")
    result += _prose("intro", [p for p in article.intro if p not in article.skills.lead])
    result += _prose("skills", article.skills.lead)
    if article.job_titles:
        result.append(Passage("job_titles", ", ".join(article.job_titles), JOB_TITLES_LABEL,
                              JOB_TITLES_LABEL, "titles"))

    tasks_lead = _list_lead(article.tasks.lead)
    result += _prose("tasks", article.tasks.lead)
    result += [Passage("tasks", item, tasks_lead or "", tasks_lead, "item") for item in article.tasks.items]

    careers = article.career_paths
    result += _prose("career_paths", careers.lead)
    result += [Passage("career_paths", p.description, p.role, p.role, "role") for p in careers.paths]
    if careers.entrepreneur:
        result.append(Passage("career_paths", careers.entrepreneur.description, careers.entrepreneur.role,
                              kind="role"))

    workplaces = article.workplaces
    places_lead = _list_lead(workplaces.lead)
    result += _prose("workplaces", workplaces.lead)
    if workplaces.summary:
        # No heading as context: "hvilke arbejdssteder er der?" asks for the whole list.
        result.append(Passage("workplaces", workplaces.summary))
    result += [
        Passage("workplaces", f"{s.name}, {s.examples}" if s.examples else s.name, places_lead or "",
                places_lead, "item")
        for s in workplaces.items
    ]

    result += _prose("education", article.education.paragraphs)
    result += _prose("further_education", article.further_education)
    result += _prose("salary", article.salary.paragraphs)
    result += _prose("inspiration", article.inspiration)
    if article.contact.paragraph:
        result += _prose("contact", [article.contact.paragraph])
    return result
