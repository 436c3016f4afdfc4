"""From a visitor's message to the passage(s) of the article that answer it.

The intent names the topic; inside it the ranking (`ranking.PassageIndex`) picks the passage. A
passage is used only when it clearly wins (thresholds measured in docs/nlu/passages.md); otherwise
the caller gives the topic overview. Some questions are shaped differently:
- "hvordan bliver jeg X": the route (career paths, education), not X's description;
- "forskellen på A og B": both passages;
- yes/no questions: "yes" first when the passage asserts everything asked about;
- a job title the article lists without a passage of its own ("chef", "værkfører") names the job
  itself: its question is about the job in general, answered from the titles list and the topics.
- a role named in a question of another topic ("hvem bestemmer mest, er det direktøren?"): that
  topic's passage naming the role, then the role's own description.
When the classifier is unsure of the topic, `likeliest_topic` weighs each topic's confidence with
what its passages say to the message.
Whether the article is silent on a subject is not decided here: that is a trained intent
(`ask_uncovered`, data/nlu/uncovered.yml), learned from how visitors ask about what it lacks.
Nothing here writes Danish for the visitor: the kinds map to responses in domain.yml.
"""
from __future__ import annotations

import difflib
import re
from functools import lru_cache
from dataclasses import dataclass
from typing import Dict, Optional, Sequence, Tuple

import numpy as np

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
    "ask_further_education": ("further_education", "education"),
    "ask_job_titles": ("job_titles", "intro"),
}
# The salary and outlook answers are short already and carry their links: always the whole topic.
# Every topic intent with the topics of its passages, for choosing between topics.
TOPIC_INTENTS: Dict[str, Tuple[str, ...]] = {
    **TOPICS_OF_INTENT, "ask_salary": ("salary",), "ask_employment_outlook": ("outlook",)}
# When the intent is unsure, the topic is chosen by its confidence plus this share of the score of
# its best passage for the message (chosen on development questions: docs/nlu/topics.md).
EVIDENCE_WEIGHT = 1.0
# Messages that were not understood, or not about the job.
MISUNDERSTOOD = ("nlu_fallback", "out_of_scope")
# Intents whose question a named role answers with that role's description.
ROLE_INTENTS = ("ask_job_overview", "ask_tasks", "ask_career_paths", "ask_job_titles",
                "ask_skills") + MISUNDERSTOOD
# "lederjob", "lederstilling": the job itself.
JOB_WORDS = ("job", "jobbet", "stilling", "stillingen", "rolle", "rollen", "arbejde")
# "hvad laver en værkfører" may be taken for another job; the article's own titles make it this one.
OTHER_JOB = "ask_other_job"



# The intent for subjects the article does not treat (data/nlu/uncovered.yml). "Det står der ikke
# noget om i artiklen" is a claim: made only at CLAIM_CONFIDENCE; below it, the next topic answers,
# and a topic answer to a message that may be about such a subject (UNSURE_UNCOVERED) also offers
# an eVejleder. Both chosen on the development questions (docs/nlu/uncovered.md).
UNCOVERED = "ask_uncovered"
CLAIM_CONFIDENCE = 0.7
UNSURE_UNCOVERED = 0.3


def confidence_of(ranking: Sequence[dict], intent: str) -> float:
    return next(((r.get("confidence") or 0.0) for r in ranking or () if r.get("name") == intent), 0.0)


def claims_silence(ranking: Sequence[dict]) -> bool:
    """Say the article is silent: the subject is one it does not treat, and the model is sure."""
    top = ranking[0] if ranking else {}
    return top.get("name") == UNCOVERED and (top.get("confidence") or 0.0) >= CLAIM_CONFIDENCE


def maybe_uncovered(ranking: Sequence[dict]) -> bool:
    """The message may be about a subject the article does not treat (Rasa's intent ranking)."""
    return not claims_silence(ranking) and confidence_of(ranking, UNCOVERED) >= UNSURE_UNCOVERED


@dataclass(frozen=True)
class Thresholds:
    """A passage wins when its score reaches `score` and beats the next one by `margin`; without a
    topic (the intent was not understood, or named the wrong topic) the `strict_` bar applies.
    Where nothing in the intent's topic wins, a passage of a neighbouring topic that beats every
    passage of the article by the `nearby_` bar answers ("hvad er mellemlederens opgave" as a
    task question: the overview's passage on the middle level, not the task list).
    Chosen on nlu_eval/answers_dev.yml by `python -m nlu_eval.passages` (docs/nlu/passages.md)."""

    score: float = 0.20
    margin: float = 0.05
    strict_score: float = 0.40
    strict_margin: float = 0.10
    nearby_score: float = 0.40
    nearby_margin: float = 0.10

# "Ja" comes first only when the passage holds this share of what was asked (IDF-weighted).
YES_COVERAGE = 0.9
# Words that turn what is asked around ("kan man blive leder uden uddannelse"): "Ja" only when the
# passage says them too. They are stop words, so the coverage above never sees them.
QUALIFIERS = ("uden", "ikke", "kun", "aldrig", "ingen", "intet", "altid", "alle", "nødvendigvis")
# A question word typed with a typo ("hvordna") is still that word.
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
# A question for a list or a whole topic ("hvilke niveauer af ledelse findes der").
_LIST_QUESTION = re.compile(r"^\s*(?:hvilke|hvilken slags|hvad for nogle|hvad findes der|hvad er der af|nævn|list)\b",
                            re.IGNORECASE)
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
    kind: str                      # passage | yes | soft | route | compare
    passages: Tuple[Passage, ...] = ()
    topic: Optional[str] = None    # the topic whose overview the visitor may want next


class Answerer:
    @classmethod
    def for_article(cls, article: Article, lemmas: LemmaTable) -> "Answerer":
        """The job's own name is in nearly every passage and every question: no evidence; nor is it
        as a compound with a word for a job ("lederjobbet", "lederstillingen")."""
        title = article.title.lower()
        names = [title, "job"] + [title + word for word in JOB_WORDS]
        return cls(article, DanishTerms(lemmas, load_synonyms(), names))

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
        # Titles with no passage of their own ("Chef", "Værkfører") are other names of the job;
        # some are the last part of another title ("Chef": "Sekretariatschef").
        self.job_names = frozenset(t for t in article.job_titles if self.role_passage(t) is None)
        self.ending_names = frozenset(
            t for t in self.job_names
            if any(o.lower() != t.lower() and o.lower().endswith(t.lower()) for o in self.roles.names))
        # The roles each passage names in its text ("Som fx direktør træffer du ...").
        self.named_in = {p: frozenset(self.roles.find(p.text)) for p in self.index.passages}

    def likeliest_topic(self, text: str, ranking: Sequence[dict], vector: Optional[np.ndarray] = None,
                        evidence_weight: float = EVIDENCE_WEIGHT) -> Optional[str]:
        """The topic intent of a message the classifier was unsure of: each topic intent's
        confidence, plus the evidence of its best passage for the message."""
        confidence = {r.get("name"): r.get("confidence") or 0.0 for r in ranking or ()}
        best: Dict[str, float] = {}
        for hit in self.index.rank(text, vector=vector):
            best.setdefault(hit.passage.topic, hit.score)
        scores = {intent: confidence.get(intent, 0.0) + evidence_weight * max(best.get(t, 0.0) for t in topics)
                  for intent, topics in TOPIC_INTENTS.items()}
        intent = max(scores, key=scores.get)
        return intent if scores[intent] > 0 else None

    # --- the pieces ------------------------------------------------------------------------

    def role_passage(self, role: str) -> Optional[Passage]:
        wanted = role.casefold()
        return next((p for p in self.index.passages
                     if p.kind == "role" and p.context.casefold() == wanted), None)

    def titles_passage(self, role: str) -> Optional[Passage]:
        if role.casefold() not in (t.casefold() for t in self.article.job_titles):
            return None
        return next((p for p in self.index.passages if p.kind == "titles"), None)

    def winner(self, hits: Sequence[Hit], bar: str = "") -> Optional[Passage]:
        """The passage that wins by the bar named "" (in the topic), "strict_" or "nearby_"."""
        score, margin = getattr(self.thresholds, bar + "score"), getattr(self.thresholds, bar + "margin")
        if not hits or hits[0].score < score:
            return None
        if len(hits) > 1 and hits[0].score - hits[1].score < margin:
            return None
        return hits[0].passage

    def covers(self, passage: Passage, text: str) -> bool:
        """The passage asserts what a yes/no question asks: it holds (nearly) every word of the
        question, and every word that turns the question around ("uden", "ikke")."""
        # The question's own verb ("findes", "kræver") is not what it asks about.
        terms = self.index.query_terms(_YES_NO.sub("", text, count=1))
        words = set(self.index.query_terms(f"{passage.context} {passage.text}"))
        # "arbejder ledere med kunder": "samarbejder" holds "arbejder".
        known = [t for t in terms if t in words or self.role_of(t) or (
            len(t) >= MIN_COMPOUND_PART and any(t in word for word in words))]
        said = set(re.findall(r"\w+", passage.text.lower()))
        turned = [w for w in re.findall(r"\w+", text.lower()) if w in QUALIFIERS and w not in said]
        return bool(terms) and not turned and len(known) / len(terms) >= YES_COVERAGE

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
        if not _ROUTE.match(text) and not self._names_a_job(target):
            return None       # "kan man blive bedre til at lede": not a job to become
        # "topleder" is no role of the article, but its synonyms name one.
        roles = ([role] if role else []) + self.roles.find(target) + self.roles.find(
            " ".join(self.index.query_terms(target)))
        # "kan man blive chef for et område": "chef" is the job itself, what follows says which.
        roles = [r for r in roles if (self.role_of(r) or r) not in self.ending_names]
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
        education = next(iter(self.index.rank(f"{rest} vej uddannelse", ("education",), dense=False)), None)
        education = education.passage if education and education.score > 0 else None
        found = named or education
        if not found:
            return None
        yes = can_become and self.covers(found, text)
        return Answer("yes" if yes else "route", (found,), found.topic)

    def _names_a_job(self, target: str) -> bool:
        """`target` starts with a job: the article's own ("leder", "ledere"), one of its roles or
        titles in any form ("direktør", "chef"), or a word its synonyms make one ("topleder")."""
        words = [w.strip("?!.,") for w in target.split() if w.lower() not in ("en", "et", "den", "det")]
        if not words:
            return False
        first = words[0].lower()
        return (fold(first).startswith(fold(self.article.title.lower())) or bool(self.role_of(first))
                or bool(self.roles.find(" ".join(self.index.query_terms(first)))))

    def _about_education(self, text: str) -> bool:
        best = next(iter(self.index.rank(text, ("education",), dense=False)), None)
        return best is not None and best.score >= self.thresholds.score

    # --- the answer ------------------------------------------------------------------------

    def answer(self, text: str, intent: str, role: Optional[str] = None,
               vector: Optional[np.ndarray] = None) -> Optional[Answer]:
        """The passage answer to `text`, or None for the topic's own answer (or the fallback).
        `vector`: the message's e5 vector from Rasa's parse data, if it came with it."""
        text = (text or "").strip()
        if not text or text.startswith("/"):
            return None
        named = self.roles.find(text)
        if intent == OTHER_JOB and named:
            intent = "ask_job_overview"
        topics = TOPICS_OF_INTENT.get(intent)
        if topics is None and intent not in MISUNDERSTOOD:
            return None

        question = shaped(text)
        by_shape = self.comparison(question) or self.route(question, role)
        if by_shape:
            return by_shape
        role = (self.role_of(role) or role) if role else next(iter(named), None)
        if _LIST_QUESTION.match(text) and topics and not self.role_passage(role or ""):
            return None        # "hvilke lederuddannelser findes der": the topic's whole answer
        if role in self.ending_names:
            # "Chef" (in "sekretariatschef" another title) is the job itself: ranked without it.
            return self._ranked(self.roles.without(text, self.ending_names), intent, None, None)
        if role in self.job_names:
            found = self._ranked(text, intent, None, vector)
            # "hvad laver en værkfører": nothing but the title asked about.
            if found is None and self._topic_only(self.roles.without(text, self.job_names)):
                return self._titles_answer(text, intent, role)
            return found
        return self._ranked(text, intent, role, vector)

    def _topic_only(self, text: str) -> bool:
        """Nothing but a topic's name is asked for ("hvilke arbejdsopgaver er der?", "opgaver")."""
        return all(term in self._topic_words or any(word.endswith(term) for word in self._topic_words)
                   for term in self.index.query_terms(text))

    def _ranked(self, text: str, intent: str, role: Optional[str],
                vector: Optional[np.ndarray]) -> Optional[Answer]:
        misunderstood = intent in MISUNDERSTOOD
        topics = TOPICS_OF_INTENT.get(intent)
        if not role and self._topic_only(text):
            return None
        role_passage = self.role_passage(role) if role and intent in ROLE_INTENTS else None
        # The list of job titles names every title: it would match any message naming one.
        everywhere = [hit for hit in self.index.rank(text, vector=vector)
                      if hit.passage.kind != "titles" or intent == "ask_job_titles"]
        if role_passage:
            # "hvem samarbejder en direktør med": another passage may answer better than the role's.
            best = everywhere[0] if everywhere else None
            own = next((h.score for h in everywhere if h.passage == role_passage), 0.0)
            if best and best.passage != role_passage and best.score >= self.thresholds.strict_score \
                    and best.score - own >= self.thresholds.strict_margin:
                return Answer("passage", (best.passage,), best.passage.topic)
            # "hvem bestemmer mest, er det direktøren?" asked of the job in general: the intent's topic
            # names the role where it says what the question asks (the top level of management).
            if topics and role_passage.topic not in topics:
                naming = next((h.passage for h in everywhere if h.passage.topic in topics
                               and role in self.named_in[h.passage]), None)
                if naming:
                    return Answer("passage", (naming, role_passage), naming.topic)
            return Answer("passage", (role_passage,), "career_paths")

        hits = [hit for hit in everywhere if topics is None or hit.passage.topic in topics]
        passage = self.winner(hits, "strict_" if misunderstood and not role else "")
        # The intent may have named the wrong topic ("skal lederen motivere folk" as a skill): a
        # passage elsewhere that clearly beats every other, the topic's own included, answers.
        elsewhere = self.winner(everywhere, "strict_" if passage else "nearby_") if topics else None
        if elsewhere is not None and (passage is None or elsewhere.topic not in topics):
            passage = elsewhere
        if passage is None:
            return None
        if misunderstood:
            return Answer("soft", (passage,), passage.topic)
        yes = bool(_YES_NO.match(text)) and self.covers(passage, text)
        return Answer("yes" if yes else "passage", (passage,), passage.topic)

    def _titles_answer(self, text: str, intent: str, title: str) -> Optional[Answer]:
        """A question about one of the job's other titles with no passage of its own to answer it
        ("hvad laver en værkfører", "er en forstander en leder"): the titles list, and for what the
        job is, the article's summary of it. A topic question ("hvad er en chefs opgaver") gets
        the topic's own answer."""
        titles = self.titles_passage(title)
        topics = TOPICS_OF_INTENT.get(intent) or ()
        if titles is None or (topics and topics[0] not in ("overview", "job_titles")):
            return None
        if _YES_NO.match(text):
            return Answer("yes", (titles,), "job_titles")
        if intent == "ask_job_titles":
            return Answer("passage", (titles,), "job_titles")
        summary = next(p for p in self.index.passages if p.topic == "overview")
        return Answer("passage", (titles, summary), "overview")
