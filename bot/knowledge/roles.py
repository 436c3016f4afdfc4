"""The article's roles and job titles named in a message, for choosing the passage that answers it.

The names are the career roles, the specialisations the intro names ("personalechef") and the job
titles of the Fakta box ("værkfører"); they are recognised in any Danish form by `Vocabulary`,
the same way the NLU pipeline recognises them (bot/nlu/store_entities.py).
"""
from __future__ import annotations

from typing import Iterable, List, Optional

from bot.knowledge.article import Article
from bot.knowledge.vocabulary import ROLE, Term, Vocabulary, role_names, words_of

MAX_TEXT = 500


class RoleFinder:
    def __init__(self, names: Iterable[str]) -> None:
        self.names = list(names)
        self._vocabulary = Vocabulary.build([Term(ROLE, name.lower(), name) for name in self.names])

    @classmethod
    def from_article(cls, article: Article) -> "RoleFinder":
        return cls(role_names(article))

    def role_of(self, word: str) -> Optional[str]:
        """The name `word` is a form of ("direktørens" -> "Direktør"), or None."""
        found = self._vocabulary.match([word])
        return found[0].term.name if found else None

    def find(self, text: str) -> List[str]:
        """The names in `text`, in order, each once."""
        return [term.name for term in self._vocabulary.find(text[:MAX_TEXT])]

    def without(self, text: str, names: Iterable[str]) -> str:
        """`text`'s words without those naming one of `names` ("hvad er en chefs opgaver" ->
        "hvad er en opgaver")."""
        words = words_of(text[:MAX_TEXT])
        dropped = {i for m in self._vocabulary.match(words) if m.term.name in set(names)
                   for i in range(m.start, m.end)}
        return " ".join(w for i, w in enumerate(words) if i not in dropped)
