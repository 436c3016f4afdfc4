"""From a visitor's message to the passage(s) of the article that answer it.

The intent names the topic; inside it the ranking (`ranking.PassageIndex`) picks the passage. A
passage is used only when it clearly wins (thresholds measured in docs/nlu/passages.md); otherwise
the caller gives the topic overview. Some questions are shaped differently:
- "hvordan bliver jeg X": the route (career paths, education), not X's description;
- "forskellen på A og B": both passages;
- yes/no questions: "yes" first when the passage contains everything asked about;
- a subject the article has no words for (working hours, stress): said plainly.
Nothing here writes Danish for the visitor: the kinds map to responses in domain.yml.
"""
from __future__ import annotations

import difflib
import re
from functools import lru_cache
from dataclasses import dataclass
from typing import Dict, List, Optional, Sequence, Tuple

from bot.knowledge.article import JOB_TITLES_LABEL, Article
from bot.knowledge.ingest import KNOWN_HEADINGS
from bot.knowledge.passages import Passage, passages
from bot.knowledge.ranking import DanishTerms, Hit, PassageIndex, fold, load_synonyms
from bot.knowledge.roles import RoleFinder
from bot.language.lemmas import LemmaTable

# Where a topic intent looks for its passage.
TOPICS_OF_INTENT: Dict[str, Tuple[str, ...]] = {
    "ask_job_overview": ("overview", "intro"),
    "ask_tasks": ("tasks",),
    "ask_skills": ("skills",),
    "ask_career_paths": ("career_paths", "intro"),
    "ask_workplaces": ("workplaces",),
    "ask_education": ("education",),
    "ask_further_education": ("further_education",),
    "ask_job_titles": ("job_titles", "intro"),
}
# The heading a topic stands under on the page (ingest.KNOWN_HEADINGS): it points at the topic's lead.
HEADING_OF_TOPIC = {"education": "Uddannelsesvej"}
# The salary and outlook answers are short already and carry their links: always the whole topic.
MISUNDERSTOOD = ("nlu_fallback", "out_of_scope")
# Intents whose question a named role answers with that role's description.
ROLE_INTENTS = ("ask_job_overview", "ask_tasks", "ask_career_paths", "ask_job_titles",
                "ask_skills") + MISUNDERSTOOD



@dataclass(frozen=True)
class Thresholds:
    """A passage wins when its score reaches `score` and beats the next one by `margin`; without a
    topic (the intent was not understood, or named the wrong topic), or when the message is mostly
    about words the article does not have, the `strict_` bar applies.
    Chosen on nlu_eval/answers_dev.yml by `python -m nlu_eval.passages` (docs/nlu/passages.md)."""

    score: float = 0.20
    margin: float = 0.05
    strict_score: float = 0.35
    strict_margin: float = 0.10
    # A message is about something the article does not cover when words unknown to the article
    # carry this share of it ("hvor mange timer arbejder en leder": "timer", not "arbejde").
    unknown_share: float = 0.55

# "Ja" comes first only when the passage holds this share of what was asked (IDF-weighted).
YES_COVERAGE = 0.9
# An unknown word close to a word of the article is a typo of it, not a new subject.
TYPO_SIMILARITY = 0.8
MIN_COMPOUND_PART = 5

_COMPARISON = re.compile(r"\b(forskel(?:len)?|sammenlign\w*|vs\.?|versus|i forhold til)\b", re.IGNORECASE)
_PARTS = re.compile(r"\s(?:og|vs\.?|versus|eller|i forhold til|sammenlignet med)\s", re.IGNORECASE)
_ROUTE = re.compile(
    r"^\s*hvordan\s+(?:bliver|blir|bli'r|kan)\s+(?:jeg|man|du)\s+(?:blive\s+)?(?P<rest>.+)$"
    r"|^\s*hvad\s+skal\s+(?:jeg|man)\s+(?:gøre|kunne|have)\s+for\s+at\s+blive\s+(?P<rest2>.+)$"
    r"|^\s*(?:vejen|hvad er vejen)\s+til\s+(?:at\s+blive\s+)?(?P<rest3>.+)$",
    re.IGNORECASE,
)
# "kan man blive X (uden Y)": the route, with "Ja" first when the passage says it.
_CAN_BECOME = re.compile(r"^\s*kan\s+(?:jeg|man|du|alle)\s+blive\s+(?P<rest>.+)$", re.IGNORECASE)
# The words that shape a question, recognised with a typo ("hvordna bliver man ...").
SHAPE_WORDS = ("hvordan", "hvad", "bliver", "blive", "forskellen", "forskel")
_YES_NO = re.compile(r"^\s*(?:kan|skal|er|har|findes|må|kræver|får|bliver|arbejder|deltager|giver|"
                     r"behøver|bør|laver|gør|tager|ville|vil|sørger|hjælper|støtter|træffer|"
                     r"rapporterer|samarbejder|tilbyder|passer|tænker|motiverer)\b", re.IGNORECASE)


def shaped(text: str) -> str:
    """`text` with its question-shaping words spelled right ("hvordna" -> "hvordan")."""
    def fix(match: "re.Match[str]") -> str:
        word = match.group(0)
        if len(word) < 4 or word.lower() in SHAPE_WORDS:
            return word
        close = difflib.get_close_matches(word.lower(), SHAPE_WORDS, n=1, cutoff=TYPO_SIMILARITY)
        return close[0] if close else word
    return re.sub(r"\w+", fix, text)


@dataclass(frozen=True)
class Answer:
    kind: str                      # passage | yes | soft | route | compare | not_covered
    passages: Tuple[Passage, ...] = ()
    topic: Optional[str] = None    # the topic whose overview the visitor may want next


class Answerer:
    @classmethod
    def for_article(cls, article: Article, lemmas: LemmaTable) -> "Answerer":
        """The job's own name is in nearly every passage and every question: no evidence."""
        return cls(article, DanishTerms(lemmas, load_synonyms(), [article.title, "job"]))

    def __init__(self, article: Article, terms: DanishTerms, thresholds: Thresholds = Thresholds()) -> None:
        self.article = article
        self.thresholds = thresholds
        self.index = PassageIndex(passages(article), terms)
        self.roles = RoleFinder.from_article(article)
        # A message asks for the same words' roles several times over.
        self.role_of = lru_cache(maxsize=20_000)(self.roles.role_of)
        # The section headings name what the article covers, even where no passage repeats them;
        # a message made of nothing else asks for a whole topic ("hvilke arbejdsopgaver er der?").
        self._topic_words = set(terms.terms(" ".join(KNOWN_HEADINGS + (JOB_TITLES_LABEL,))))
        self._known = set(self.index.vocabulary) | self._topic_words
        self._vocabulary = sorted(self._known)
        self._by_first_letter: Dict[str, List[str]] = {}
        for word in self._vocabulary:
            self._by_first_letter.setdefault(word[0], []).append(word)

    # --- the pieces ------------------------------------------------------------------------

    def role_passage(self, role: str) -> Optional[Passage]:
        wanted = role.casefold()
        return next((p for p in self.index.passages
                     if p.kind == "role" and p.context.casefold() == wanted), None)

    def topic_lead(self, topic: str) -> Optional[Passage]:
        """The topic's passage that its heading points at ("Alle uddannelsesveje kan føre til ..."),
        else its first: the start of an overview that fits one chat bubble."""
        heading = HEADING_OF_TOPIC.get(topic, "")
        best = next(iter(self.index.rank(heading, (topic,))), None) if heading else None
        if best is not None and best.score > 0:
            return best.passage
        return next((p for p in self.index.passages if p.topic == topic), None)

    def titles_passage(self, role: str) -> Optional[Passage]:
        if role.casefold() not in (t.casefold() for t in self.article.job_titles):
            return None
        return next((p for p in self.index.passages if p.kind == "titles"), None)

    def winner(self, hits: Sequence[Hit], strict: bool = False) -> Optional[Passage]:
        bar = self.thresholds
        score, margin = (bar.strict_score, bar.strict_margin) if strict else (bar.score, bar.margin)
        if not hits or hits[0].score < score:
            return None
        if len(hits) > 1 and hits[0].score - hits[1].score < margin:
            return None
        return hits[0].passage

    @lru_cache(maxsize=20_000)
    def _is_unknown(self, term: str) -> bool:
        """The article has no word for `term`, nor one a typo away or inside a compound."""
        return (term not in self._known and not self.role_of(term)
                and not self.index.terms.has_synonyms(term)
                and not self._compound_of_known(term)
                # Typos rarely hit the first letter; comparing with those words keeps this cheap.
                and not difflib.get_close_matches(term, self._by_first_letter.get(term[0], []), n=1,
                                                  cutoff=TYPO_SIMILARITY))

    def unknown_share(self, text: str) -> float:
        """How much of the message is about things the article has no word for: the IDF-weighted
        share of its unknown terms, an unknown word weighing as much as the article's rarest. Role
        names say whom the message is about, not what: "får en chef firmabil"."""
        terms = {t for t in self.index.query_terms(text) if not self.role_of(t)}
        weights = [(self.index.idf(term), self._is_unknown(term)) for term in terms]
        total = sum(weight for weight, _ in weights)
        return sum(weight for weight, unknown in weights if unknown) / total if total else 0.0

    def _compound_of_known(self, term: str) -> bool:
        """"lederkarriere", "betegnelse": a word of the article starts or ends it, or it ends one."""
        return any(
            len(word) >= MIN_COMPOUND_PART and (term.startswith(word) or term.endswith(word) or
                                                (len(term) >= MIN_COMPOUND_PART and word.endswith(term)))
            for word in self._vocabulary
        )

    def covers(self, passage: Passage, text: str) -> bool:
        """The passage holds (nearly) every word of the question: a yes/no question gets "Ja"."""
        # The question's own verb ("findes", "kræver") is not what it asks about.
        terms = self.index.query_terms(_YES_NO.sub("", text, count=1))
        words = set(self.index.query_terms(f"{passage.context} {passage.text}"))
        # "arbejder ledere med kunder": "samarbejder" holds "arbejder".
        known = [t for t in terms if t in words or self.role_of(t) or (
            len(t) >= MIN_COMPOUND_PART and any(t in word for word in words))]
        return bool(terms) and len(known) / len(terms) >= YES_COVERAGE

    def _best_for(self, part: str) -> Optional[Passage]:
        roles = self.roles.find(part)
        for role in roles:
            passage = self.role_passage(role)
            if passage:
                return passage
        # The visitor asked to compare: the best passage for each side needs only to stand out.
        hits = self.index.rank(part, ("overview", "career_paths", "intro"))
        if not hits or hits[0].score <= 0:
            return None
        if len(hits) > 1 and hits[0].score - hits[1].score < self.thresholds.margin:
            return None
        return hits[0].passage

    # --- question shapes -------------------------------------------------------------------

    def comparison(self, text: str) -> Optional[Answer]:
        match = _COMPARISON.search(text)
        if not match:
            return None
        # "forskellen på A og B", "A eller B, hvad er forskellen", "A vs B"
        keyword_first = match.group(1).lower().startswith(("forskel", "sammenlign"))
        parts = [p for p in _PARTS.split(text[match.end():] if keyword_first else text) if p.strip()]
        if len(parts) < 2 and keyword_first:
            parts = [p for p in _PARTS.split(text[:match.start()]) if p.strip()]
        if len(parts) < 2:
            return None
        found = [self._best_for(part) for part in parts[:2]]
        if None in found or found[0] == found[1]:
            return None
        return Answer("compare", tuple(found))

    def route(self, text: str, role: Optional[str]) -> Optional[Answer]:
        match = _ROUTE.match(text) or _CAN_BECOME.match(text)
        if not match:
            return None
        target = next(g for g in match.groups() if g)
        # "topleder" is no role of the article, but its synonyms name one.
        roles = ([role] if role else []) + self.roles.find(target) + self.roles.find(
            " ".join(self.index.query_terms(target)))
        # Where the article names the role on a career path ("fx som direktør"), not its description.
        careers = [p for p in self.index.passages if p.topic == "career_paths" and not p.label]
        named = next((p for r in roles for p in careers if fold(r.lower()) in fold(p.text.lower())), None)
        # The education passage that best fits the target: the route is always worth naming.
        # Role names say nothing about the route ("salgsleder" would pull "lederuddannelser").
        rest = " ".join(w for w in target.split() if not self.role_of(w.strip("?!.,"))
                        and fold(w.strip("?!.,").lower()) != fold(self.article.title.lower()))
        can_become = _CAN_BECOME.match(text) is not None
        if can_become and not roles and not self._about_education(rest):
            return None       # "kan man blive leder på en tv-station": where, not how
        education = next(iter(self.index.rank(f"{rest} vej uddannelse", ("education",))), None)
        education = education.passage if education and education.score > 0 else None
        found = named or education
        if not found:
            return None
        yes = can_become and self.covers(found, text)
        return Answer("yes" if yes else "route", (found,), found.topic)

    def _about_education(self, text: str) -> bool:
        best = next(iter(self.index.rank(text, ("education",))), None)
        return best is not None and best.score >= self.thresholds.score

    # --- the answer ------------------------------------------------------------------------

    def answer(self, text: str, intent: str, role: Optional[str] = None) -> Optional[Answer]:
        """The passage answer to `text`, or None for the topic overview (or the fallback)."""
        text = (text or "").strip()
        if not text or text.startswith("/"):
            return None
        misunderstood = intent in MISUNDERSTOOD
        topics = TOPICS_OF_INTENT.get(intent)
        if topics is None and not misunderstood:
            return None
        topic = topics[0] if topics else None

        question = shaped(text)
        by_shape = self.comparison(question) or self.route(question, role)
        if by_shape:
            return by_shape
        role = (self.role_of(role) or role) if role else next(iter(self.roles.find(text)), None)
        if not role and set(self.index.query_terms(text)) <= self._topic_words:
            return None
        role_question = bool(role) and intent in ROLE_INTENTS
        role_passage = self.role_passage(role) if role_question else None
        # The list of job titles names every title: it would match any message naming one.
        everywhere = [hit for hit in self.index.rank(text)
                      if hit.passage.kind != "titles" or intent == "ask_job_titles"]
        # Words the article has no word for ("timer", "stress") make a weak match no answer: the
        # article does not cover what was asked.
        about_the_job = not misunderstood or bool(role) or self._names_the_job(text)
        unknown = about_the_job and self.unknown_share(text) >= self.thresholds.unknown_share
        if role_passage and unknown:
            return Answer("not_covered", (), topic)
        if role_passage:
            # "hvem samarbejder en direktør med": another passage may answer better than the role's.
            hits = everywhere
            best = hits[0] if hits else None
            own = next((h.score for h in hits if h.passage == role_passage), 0.0)
            if best and best.passage != role_passage and best.score >= self.thresholds.strict_score \
                    and best.score - own >= self.thresholds.strict_margin:
                return Answer("passage", (best.passage,), best.passage.topic)
            return Answer("passage", (role_passage,), "career_paths")

        hits = [hit for hit in everywhere if topics is None or hit.passage.topic in topics]
        # A message naming one of the job's roles is about the job, even when not understood.
        passage = self.winner(hits, strict=(misunderstood and not role) or unknown)
        # The intent may have named the wrong topic ("skal lederen motivere folk" as a skill): a
        # passage elsewhere that clearly beats every other, the topic's own included, answers.
        elsewhere = self.winner(everywhere, strict=True) if topics else None
        if elsewhere is not None and (passage is None or elsewhere.topic not in topics):
            passage = elsewhere
        # A job title without a description of its own: the list of titles answers "er X en
        # leder?" and the job-titles question, not "hvad laver X".
        titles_question = intent == "ask_job_titles" or (
            bool(_YES_NO.match(text)) and all(self.role_of(t) for t in self.index.query_terms(text)))
        if passage is None and role_question and titles_question and self.titles_passage(role):
            kind = "yes" if _YES_NO.match(text) else "passage"
            return Answer(kind, (self.titles_passage(role),), "job_titles")
        if passage is not None:
            if misunderstood:
                return Answer("soft", (passage,), passage.topic)
            yes = bool(_YES_NO.match(text)) and self.covers(passage, text)
            return Answer("yes" if yes else "passage", (passage,), passage.topic)
        # Not understood and not about the job at all ("hovedstaden i Frankrig"): the fallback's
        # own reply fits better than "the article does not say".
        return Answer("not_covered", (), topic) if unknown else None

    def _names_the_job(self, text: str) -> bool:
        return fold(self.article.title.lower()) in self.index.terms.lemmas(text)
