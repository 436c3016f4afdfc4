"""The article's roles found in a message in any Danish form, from the article's own vocabulary.

The names are the career roles, the job titles of the Fakta box and the specialisations the intro
names ("fx som personalechef"): words there that end like another role ("-chef", "-leder").
A name is found definite, genitive and plural ("direktørens", "afdelingslederne"), at the start of
a compound ("afdelingslederstilling"), with ae/oe/aa for æ/ø/å, and with one typo.
"""
from __future__ import annotations

import re
from typing import Dict, Iterable, List, Optional

from bot.knowledge.article import Article
from bot.knowledge.ranking import fold

_WORD = re.compile(r"[0-9a-zæøåéü]+(?:-[0-9a-zæøåéü]+)*")
# Danish endings of a noun: definite, genitive, plural and their combinations.
_ENDINGS = ("", "s", "e", "es", "en", "ens", "n", "ns", "ne", "nes", "er", "ers", "erne", "ernes",
            "r", "rs", "rne", "rnes")
MIN_COMPOUND_HEAD = 6     # "chef" alone does not start a compound: "chefsekretær" is no chef
MIN_TYPO_LENGTH = 6       # shorter names are too close to ordinary words for a typo guess
MIN_COMPOUND_REST = 3


def role_names(article: Article) -> List[str]:
    careers = article.career_paths
    names = [p.role for p in careers.paths] + list(article.job_titles)
    if careers.entrepreneur:
        names.append(careers.entrepreneur.role)
    heads = {n.lower() for n in names if any(o.lower() != n.lower() and o.lower().endswith(n.lower())
                                              for o in names)} | {article.title.lower()}
    for paragraph in article.intro:
        for word in _WORD.findall(paragraph.lower()):
            known = word in map(str.lower, names)
            if not known and any(word.endswith(h) and len(word) > len(h) + 2 for h in heads):
                names.append(word)
    unique: Dict[str, str] = {}
    for name in names:
        unique.setdefault(name.lower(), name)
    return list(unique.values())


def _one_edit(a: str, b: str) -> bool:
    """a and b differ by one substitution, insertion, deletion or swap of neighbours."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i in range(len(a)) if a[i] != b[i]]
        return len(diffs) == 1 or (len(diffs) == 2 and diffs[1] == diffs[0] + 1
                                   and a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]])
    short, long_ = sorted((a, b), key=len)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


class RoleFinder:
    def __init__(self, names: Iterable[str]) -> None:
        self.names = list(names)
        self._forms: Dict[str, str] = {}
        for name in self.names:
            base = fold(name.lower())
            for ending in _ENDINGS:
                self._forms.setdefault(base + ending, name)
        self._heads = sorted(((fold(n.lower()), n) for n in self.names), key=lambda pair: -len(pair[0]))

    @classmethod
    def from_article(cls, article: Article) -> "RoleFinder":
        return cls(role_names(article))

    def role_of(self, word: str) -> Optional[str]:
        word = fold(word.lower())
        if word in self._forms:
            return self._forms[word]
        for head, name in self._heads:
            if (len(head) >= MIN_COMPOUND_HEAD and word.startswith(head)
                    and len(word) - len(head) >= MIN_COMPOUND_REST):
                return name
        if len(word) >= MIN_TYPO_LENGTH:
            for head, name in self._heads:
                if len(head) >= MIN_TYPO_LENGTH and (_one_edit(word, head) or any(
                        _one_edit(word, head + e) for e in ("en", "ens", "s", "er", "erne"))):
                    return name
        return None

    def find(self, text: str) -> List[str]:
        """The roles named in `text`, in order, each once."""
        found: List[str] = []
        for word in _WORD.findall(text[:500].lower()):
            role = self.role_of(word)
            if role and role not in found:
                found.append(role)
        return found
