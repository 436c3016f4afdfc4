"""Roles, sectors and education routes from the knowledge store, as entities with the store's values.

At training time the component reads the ingested article (DATABASE_URL, JOB_SLUG) and keeps its
names with every Danish form of their words (bot/knowledge/vocabulary.py: "direktørens",
"afdelingslederstilling", "omraadechef", "dierktør"); the model carries them, so Rasa does not need
the database at run time. The store's article version is part of the component's fingerprint:
a changed article (or a changed rule of the word forms) retrains it.

A name found in a message becomes an entity with the value the store finds it by ("direktør",
"finansielle", "offentlig ledelse"). It replaces an entity of the same type that the CRF found in the
same words; its own entities of these types elsewhere get the store's value when they are a form
of a name ("direktøren" -> "direktør"), and its everyday words stay as EntitySynonymMapper left
them ("ceo" -> "direktør"). Where the CRF found another kind of entity in the same words, the
article's role names win ("generalsekretærer" is no other job), and the CRF's entity stays over a
sector or education word ("designer" as other_job, not the sector example "design").

Why not lookup tables for RegexEntityExtractor or spaCy's PhraseMatcher: neither finds compounds or
typos, and both would need every form written out and a synonym per form for the value; the word
forms are a dictionary here, and the same `Vocabulary` finds roles for the passage answers in the
action server, which does not load spaCy.

In config.yml, after EntitySynonymMapper:     - name: bot.nlu.store_entities.StoreEntityExtractor
"""
from __future__ import annotations

import hashlib
import json
from dataclasses import asdict
from pathlib import Path
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import (ENTITIES, ENTITY_ATTRIBUTE_END, ENTITY_ATTRIBUTE_START,
                                       ENTITY_ATTRIBUTE_TYPE, ENTITY_ATTRIBUTE_VALUE, EXTRACTOR, TEXT)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sqlalchemy.exc import SQLAlchemyError

from bot.config import settings
from bot.db import make_engine, make_session_factory
from bot.knowledge.article import Article
from bot.knowledge import vocabulary
from bot.knowledge.store import KnowledgeStore, UnknownJob
from bot.knowledge.vocabulary import EDUCATION, ROLE, SECTOR, Term, Vocabulary, words_of
from bot.nlu.spelling import TYPED

VOCABULARY_FILE = "store_vocabulary.json"
ENTITY_TYPES = (ROLE, SECTOR, EDUCATION)


def stored_article() -> tuple[Article, str]:
    """The ingested article of JOB_SLUG and its version; a clear error when there is none."""
    config = settings()
    engine = make_engine(config.database_url)
    try:
        store = KnowledgeStore(make_session_factory(engine))
        return store.article(config.job_slug), store.version(config.job_slug)
    except (SQLAlchemyError, UnknownJob) as error:
        raise RuntimeError(f"The knowledge store has no article '{config.job_slug}' to learn the "
                           f"entities from: run `make data` first ({error.__class__.__name__}).") from error
    finally:
        engine.dispose()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=True,
                          model_from="SpacyNLP")
class StoreEntityExtractor(GraphComponent):
    @classmethod
    def required_components(cls) -> List[type]:
        return [SpacyNLP]

    @classmethod
    def fingerprint_addon(cls, config: Dict[Text, Any]) -> Optional[str]:
        """The article's version and the word-form rules: a change in either retrains."""
        try:
            version = stored_article()[1]
        except RuntimeError:
            return None  # training says why
        rules = hashlib.sha256(Path(vocabulary.__file__).read_bytes()).hexdigest()
        return f"{version}:{rules}"

    def __init__(self, model_storage: ModelStorage, resource: Resource,
                 vocabulary: Optional[Vocabulary] = None) -> None:
        self._model_storage = model_storage
        self._resource = resource
        self.vocabulary = vocabulary or Vocabulary([], {})

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "StoreEntityExtractor":
        return cls(model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "StoreEntityExtractor":
        with model_storage.read_from(resource) as directory:
            data = json.loads((directory / VOCABULARY_FILE).read_text(encoding="utf-8"))
        return cls(model_storage, resource, Vocabulary([Term(**t) for t in data["terms"]], data["forms"]))

    def train(self, training_data: TrainingData, model: SpacyModel) -> Resource:
        lemmas = model.model.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
        article, _ = stored_article()
        self.vocabulary = Vocabulary.from_article(article, lambda word: lemmas.get(word, word))
        data = {"terms": [asdict(t) for t in self.vocabulary.terms], "forms": self.vocabulary.forms}
        with self._model_storage.write_to(self._resource) as directory:
            (directory / VOCABULARY_FILE).write_text(json.dumps(data, ensure_ascii=False, sort_keys=True),
                                                     encoding="utf-8")
        return self._resource

    def process(self, messages: List[Message], model: Optional[SpacyModel] = None) -> List[Message]:
        for message in messages:
            tokens = message.get(TOKENS_NAMES[TEXT]) or []
            if tokens:
                message.set(ENTITIES, self._entities(tokens, message.get(ENTITIES) or []), add_to_output=True)
        return messages

    def _entities(self, tokens: List[Any], entities: List[Dict[Text, Any]]) -> List[Dict[Text, Any]]:
        # The word as typed first: the spelling correction knows only the training data's words.
        words = [token.get(TYPED) or token.text for token in tokens]
        spellings = [(token.text, token.lemma) for token in tokens]
        found = [{ENTITY_ATTRIBUTE_TYPE: m.term.entity, ENTITY_ATTRIBUTE_VALUE: m.term.value,
                  ENTITY_ATTRIBUTE_START: tokens[m.start].start, ENTITY_ATTRIBUTE_END: tokens[m.end - 1].end,
                  EXTRACTOR: self.__class__.__name__}
                 for m in self.vocabulary.match(words, spellings)]
        roles = [f for f in found if f[ENTITY_ATTRIBUTE_TYPE] == ROLE]
        others = [e for e in entities if e.get(ENTITY_ATTRIBUTE_TYPE) not in ENTITY_TYPES
                  and not any(_overlap(e, r) for r in roles)]
        found = [f for f in found if f in roles or not any(_overlap(f, o) for o in others)]
        kept = []
        for entity in entities:
            if entity in others:
                kept.append(entity)
            elif not any(_overlap(entity, f) for f in found):
                kept.append(self._with_store_value(entity))
        return sorted(kept + found, key=lambda e: e.get(ENTITY_ATTRIBUTE_START) or 0)

    def _with_store_value(self, entity: Dict[Text, Any]) -> Dict[Text, Any]:
        value = str(entity.get(ENTITY_ATTRIBUTE_VALUE) or "")
        words = words_of(value)
        matches = self.vocabulary.match(words)
        if len(matches) == 1 and matches[0].end - matches[0].start == len(words) \
                and matches[0].term.entity == entity.get(ENTITY_ATTRIBUTE_TYPE):
            return {**entity, ENTITY_ATTRIBUTE_VALUE: matches[0].term.value}
        return entity


def _overlap(a: Dict[Text, Any], b: Dict[Text, Any]) -> bool:
    """Two entities share characters (an entity from a payload has no position: it shares none)."""
    positions = [e.get(k) for e in (a, b) for k in (ENTITY_ATTRIBUTE_START, ENTITY_ATTRIBUTE_END)]
    if None in positions:
        return False
    a_start, a_end, b_start, b_end = positions
    return a_start < b_end and b_start < a_end
