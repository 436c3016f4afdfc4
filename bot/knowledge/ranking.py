"""Which passage of the article answers a message: TF-IDF ranking over Danish lemmas, combined
with the meaning of the message (hybrid retrieval).

Both the passages and the message are reduced to terms: lower-case words, lemmatised with the
saved spaCy pipeline's lookup table (lederne -> leder), with æ/ø/å written ae/oe/aa so that a
visitor without a Danish keyboard matches ("generalsekretaer"), stop words dropped, and words the
article does not use expanded by `config/passage_synonyms.yml`. scikit-learn's TfidfVectorizer
scores whole terms and character n-grams of the terms (compounds, inflections the table does not
know, one typo); the lexical score of a passage is the mean of the two cosine similarities, less
where the message's words are missing from it. The dense score is the cosine of multilingual-e5
vectors (bot/language/e5.py) of the message and the passage, which carries paraphrase ("kompetencer"
for what the article calls "god til"); e5's cosines of unrelated Danish texts are rarely under
DENSE_FLOOR, so the score counts from there. The weights are chosen on nlu_eval/answers_dev.yml
(docs/nlu/passages.md).

The index is built once per article version and process (the passages' vectors on first use);
ranking a message costs a few milliseconds, its vector comes with the message from Rasa.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, FrozenSet, Iterable, List, Optional, Sequence

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer

from bot.config import REPO_ROOT, read_config_file
from bot.language import e5
from bot.knowledge.passages import Passage
from bot.language.lemmas import LemmaTable

SYNONYMS_PATH = REPO_ROOT / "config" / "passage_synonyms.yml"
_WORD = re.compile(r"[0-9a-zæøåéü]+(?:-[0-9a-zæøåéü]+)*")
_ASCII = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "é": "e", "ü": "u"})
# Longer messages are cut: a question is short, and the cost must stay bounded.
MAX_QUERY_CHARS = 500
# How much the share of the message's words found in a passage counts against the similarity
# (docs/nlu/passages.md).
COVERAGE_WEIGHT = 0.5
# The share of the dense score in a passage's score, and the cosine it counts from.
DENSE_WEIGHT = 0.6
DENSE_FLOOR = 0.8

# spaCy's Danish stop words, as spaCy ships them (spacy/lang/da/stop_words.py), folded; kept here
# so the action server does not import spaCy. They carry no topic: "hvad", "kan", "ikke".
STOP_WORDS = frozenset("""
af aldrig alene alle allerede alligevel alt altid anden andet andre at bag begge blandt blev blive
bliver burde bør da de dem den denne dens der derefter deres derfor derfra deri dermed derpå derved
det dette dig din dine disse dog du efter egen eller ellers en end endnu ene eneste enhver ens enten
er et flere flest fleste for foran fordi forrige fra få før først gennem gjorde gjort god gør gøre
gørende ham han hans har havde have hel heller hen hende hendes henover her herefter heri hermed
herpå hun hvad hvem hver hvilke hvilken hvilkes hvis hvor hvordan hvorefter hvorfor hvorfra hvorhen
hvori hvorimod hvornår hvorved i igen igennem ikke imellem imens imod ind indtil ingen intet jeg jer
jeres jo kan kom kommer kun kunne lad langs lav lave lavet lidt lige ligesom lille længere man mange
med meget mellem men mens mere mest mig min mindre mindst mine mit må måske ned nemlig nogen
nogensinde noget nogle nok nu ny nyt nær næste næsten og også om omkring op os over overalt på samme
sammen selv selvom senere ses siden sig sige skal skulle som stadig synes syntes så sådan således
temmelig tidligere til tilbage tit ud uden udover under undtagen via vi vil ville vor vore vores vær
være været øvrigt fx f.eks bl.a evt
""".translate(_ASCII).split())
# Words of chat and common verbs, not of a subject: "info om leder jobbet tak", "hvad går det ud på".
CHAT_WORDS = frozenset("""
info information spørgsmål spørge tak hej hejsa gerne vide fortæl fortælle forklar forklare beskriv
please plz venligst lige lidt ok okay godt dag hvordan mon nogle noget sig
gå går ud ske sker hedde hedder mene tro slags ting egentlig typisk helst rigtig stå står betyde betyder
""".translate(_ASCII).split())


# "master- og diplomuddannelser", "it- og softwarevirksomheder": the first word's end is the second's.
_SUSPENDED = re.compile(r"([0-9a-zæøåéü]+)-\s+(?:og|eller|el\.)\s+([a-zæøåéü]+)")
MIN_TAIL = 4


def fold(word: str) -> str:
    return word.translate(_ASCII)


class DanishTerms:
    """Text -> ranking terms (folded lemmas without stop words, synonyms added)."""

    def __init__(self, lemmas: LemmaTable, synonyms: Dict[str, List[str]],
                 extra_stop_words: Iterable[str] = ()) -> None:
        self._lemmas = lemmas
        # Keyed by lemma: one entry covers every form ("mellemlederens", "lønnen").
        self._synonyms = {self._lemma(word.lower()): [w.lower() for w in words]
                          for word, words in synonyms.items()}
        self._stop = STOP_WORDS | CHAT_WORDS | {self._lemma(w.lower()) for w in extra_stop_words}

    def _lemma(self, word: str) -> str:
        if word not in self._lemmas and "-" in word:
            # "tv-stationerne" -> "tv-station": the last part carries the inflection.
            head, _, last = word.rpartition("-")
            return fold(f"{head}-{self._lemmas.lemma(last)}")
        return fold(self._lemmas.lemma(word))

    def has_synonyms(self, term: str) -> bool:
        """A visitor's word the article says differently ("rolle"): known, through its synonyms."""
        return term in self._synonyms

    def lemmas(self, text: str) -> List[str]:
        """Every word of `text` as a folded lemma, stop words included."""
        return [self._lemma(word) for word in _WORD.findall(text[:MAX_QUERY_CHARS].lower())]

    def suspended(self, text: str) -> List[str]:
        """The whole words a suspended compound stands for: "master- og diplomuddannelser" also
        names "masteruddannelser" (the longest known word ending the second one completes the first)."""
        whole = []
        for first, second in _SUSPENDED.findall(text):
            tail = next((second[i:] for i in range(1, len(second) - MIN_TAIL + 1)
                         if second[i:] in self._lemmas), None)
            if tail:
                whole.append(first + tail)
        return whole

    def terms(self, text: str) -> List[str]:
        terms: List[str] = []
        text = text[:MAX_QUERY_CHARS].lower()
        for word in _WORD.findall(text) + self.suspended(text):
            # "it-firma" also counts as "it" and "firma".
            parts = word.split("-") if "-" in word else []
            for form in [word] + parts + [s for w in [word] + parts for s in self._synonyms.get(self._lemma(w), [])]:
                term = self._lemma(form)
                if term not in self._stop and fold(form) not in self._stop and len(term) > 1:
                    terms.append(term)
        return terms


@dataclass(frozen=True)
class Hit:
    score: float
    passage: Passage


class PassageIndex:
    def __init__(self, passages: Sequence[Passage], terms: DanishTerms) -> None:
        self.passages = list(passages)
        self.terms = terms
        docs = [" ".join(terms.terms(f"{p.context} {p.text}")) for p in self.passages]
        self._words = TfidfVectorizer(analyzer=str.split, sublinear_tf=True)
        self._chars = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True)
        # Dense: a few dozen passages, and indexing columns is far cheaper than sparse products.
        self._word_matrix = self._words.fit_transform(docs).toarray()
        self._char_matrix = self._chars.fit_transform(docs).toarray()
        self._present = (self._word_matrix > 0).astype(float)
        # scikit-learn computes `idf_` anew on every access.
        self._idf = self._words.idf_
        self.vocabulary: FrozenSet[str] = frozenset(self._words.vocabulary_)
        self.dense_weight, self.dense_floor = DENSE_WEIGHT, DENSE_FLOOR
        self._dense_matrix: Optional[np.ndarray] = None

    def _passage_vectors(self) -> np.ndarray:
        if self._dense_matrix is None:
            self._dense_matrix = e5.passage_vectors(
                [f"{p.context}: {p.text}" if p.context else p.text for p in self.passages])
        return self._dense_matrix

    def meaning(self, text: str, vector: Optional[np.ndarray] = None) -> np.ndarray:
        """Per passage, how close its meaning is to the message's: 0 at DENSE_FLOOR, 1 at identity."""
        vector = e5.query_vector(text[:MAX_QUERY_CHARS]) if vector is None else vector
        cosines = self._passage_vectors() @ vector
        return np.clip((cosines - self.dense_floor) / (1 - self.dense_floor), 0.0, 1.0)

    def _coverage(self, terms: List[str]):
        """Per passage, the share of the message's terms (weighted by IDF) it contains; and the
        share of the message's terms that any passage contains."""
        weights = np.zeros(len(self._idf))
        unknown = 0.0
        for term in set(terms):
            column = self._words.vocabulary_.get(term)
            if column is not None:
                weights[column] = self._idf[column]
            else:
                # A word no passage has weighs as much as an average word of the article.
                unknown += self._idf.mean()
        total = weights.sum() + unknown
        if not total:
            return np.zeros(len(self.passages)), 0.0
        return self._present @ weights / total, weights.sum() / total

    def idf(self, term: str) -> float:
        """The term's IDF; a term no passage has weighs as much as the rarest one."""
        column = self._words.vocabulary_.get(term)
        return float(self._idf[column] if column is not None else self._idf.max())

    def query_terms(self, text: str) -> List[str]:
        return self.terms.terms(text)

    def rank(self, text: str, topics: Optional[Iterable[str]] = None,
             kinds: Optional[Iterable[str]] = None, vector: Optional[np.ndarray] = None,
             dense: bool = True) -> List[Hit]:
        """Passages by falling score; only `topics`/`kinds` when given; [] without any term.
        `vector`: the message's e5 vector, when Rasa sent it (else it is computed here); `dense`
        False: by the words alone (a heading, a phrase made up here, not a visitor's message)."""
        terms = self.query_terms(text)
        if not terms:
            return []
        doc = [" ".join(terms)]
        similarity = (_cosines(self._word_matrix, self._words.transform(doc))
                      + _cosines(self._char_matrix, self._chars.transform(doc))) / 2
        coverage, known = self._coverage(terms)
        # Words no passage has do not count in the similarity, so they scale it down instead.
        scores = (1 - COVERAGE_WEIGHT) * similarity * known + COVERAGE_WEIGHT * coverage
        if dense and self.dense_weight:
            scores = (1 - self.dense_weight) * scores + self.dense_weight * self.meaning(text, vector)
        topics = set(topics) if topics is not None else None
        kinds = set(kinds) if kinds is not None else None
        hits = [
            Hit(float(score), passage) for score, passage in zip(scores, self.passages)
            if (topics is None or passage.topic in topics) and (kinds is None or passage.kind in kinds)
        ]
        return sorted(hits, key=lambda hit: -hit.score)


def _cosines(matrix: np.ndarray, query) -> np.ndarray:
    """Each row of `matrix` times the one-row sparse `query` (both L2-normalised by TF-IDF)."""
    return matrix[:, query.indices] @ query.data


def load_synonyms(path: Path = SYNONYMS_PATH) -> Dict[str, List[str]]:
    return read_config_file(path)
