"""Typing-error correction of tokens, before the featurizers see them.

Visitors type on phones and on keyboards without æ, ø and å: "loen" for "løn", "direktoer" for
"direktør", "hvda" for "hvad". A token that is a known word is left alone: it occurs in the
training data, or it is a Danish word form of the spaCy pipeline's lemma table (550,000 forms).
An unknown token is replaced, in order of preference, by
1. itself with ae/oe/aa written æ/ø/å, if that is a training-data word ("loen" -> "løn", although
   "loen" is also Danish: the barn), or else a word of the lemma table;
2. the most frequent training-data word one edit away (a letter swapped with its neighbour,
   dropped, added or changed; for three-letter words only the swap), again allowing ae/oe/aa
   for æ/ø/å;
and otherwise kept. The work is bounded: a message may spend at most MESSAGE_BUDGET look-ups
(a long message of long made-up words would otherwise keep Rasa's event loop busy for a noticeable
time; tokens past the budget are kept as typed), and the corrections of the last CACHE_SIZE
distinct tokens are remembered. Only the token's text and lemma change: its offsets in the message (and so the
entities' positions) stay those of what the visitor typed; CorrectedEntityValues, after the
entity extractor, puts the corrected words into the entities' values.

In config.yml, after the tokenizer:           - name: bot.nlu.spelling.SpellingCorrector
and after CRFEntityExtractor, before EntitySynonymMapper: - name: bot.nlu.spelling.CorrectedEntityValues
"""
from __future__ import annotations

import json
import re
from collections import Counter
from typing import Any, Container, Dict, Iterable, Iterator, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.utils.spacy_utils import SpacyModel, SpacyNLP
from rasa.shared.nlu.constants import (ENTITIES, ENTITY_ATTRIBUTE_END, ENTITY_ATTRIBUTE_START,
                                       ENTITY_ATTRIBUTE_VALUE, TEXT)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

LETTERS = "abcdefghijklmnopqrstuvwxyzæøå"
ASCII_SPELLINGS = re.compile("ae|oe|aa")
DANISH_LETTER = {"ae": "æ", "oe": "ø", "aa": "å"}
WORD = re.compile(rf"^[{LETTERS}]+$")
# Two-letter words are too close to each other ("en", "et", "er") to guess which one was meant;
# a three-letter word is only corrected by swapping two neighbours back ("atk" -> "tak").
MIN_EDIT_LENGTH = 3
MIN_ANY_EDIT_LENGTH = 4
# Longer tokens are not words someone meant ("aaaaaaaa..."), and 2^n respellings of a token with n
# ae/oe/aa would be a way to keep the server busy.
MAX_LENGTH = 30
MAX_ASCII_SPELLINGS = 4
# Look-ups (a candidate spelling checked against the vocabulary) one message may cost. An ordinary
# typo costs 300-2,300 ("hvda", "kommunaldirektoeren"); a made-up 29-letter word with four ae/oe/aa
# about 25,000. 10,000 keeps the worst message at about 20 ms on one core.
MESSAGE_BUDGET = 10_000
CACHE_SIZE = 20_000
VOCABULARY_FILE = "vocabulary.json"
TYPED = "typed"  # a corrected token keeps what was typed under this key


def danish_spellings(word: Text) -> Iterator[Text]:
    """`word` with every combination of its ae/oe/aa written as æ/ø/å (the word itself first)."""
    match = ASCII_SPELLINGS.search(word)
    if not match or len(ASCII_SPELLINGS.findall(word)) > MAX_ASCII_SPELLINGS:
        yield word
        return
    head, tail = word[:match.start()], word[match.end():]
    for rest in danish_spellings(tail):
        yield head + match.group() + rest
        yield head + DANISH_LETTER[match.group()] + rest


def one_edit_away(word: Text) -> Iterator[Text]:
    """Every string one swap of neighbours, deletion, insertion or substitution away."""
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    yield from neighbours_swapped(word)
    for left, right in splits:
        if right:
            yield left + right[1:]
            for letter in LETTERS:
                yield left + letter + right[1:]
        for letter in LETTERS:
            yield left + letter + right


def neighbours_swapped(word: Text) -> Iterator[Text]:
    for i in range(len(word) - 1):
        yield word[:i] + word[i + 1] + word[i] + word[i + 2:]


class BudgetExhausted(Exception):
    """The message has used up its look-ups; the token is kept as typed."""


class Budget:
    def __init__(self, look_ups: int = MESSAGE_BUDGET):
        self.left = look_ups

    def spend(self) -> None:
        if self.left <= 0:
            raise BudgetExhausted()
        self.left -= 1


class Speller:
    """The correction itself, independent of Rasa: see the module's docstring."""

    def __init__(self, vocabulary: Dict[Text, int], lexicon: Container[Text] = frozenset(),
                 cache_size: int = CACHE_SIZE):
        self.vocabulary = vocabulary
        self.lexicon = lexicon
        self.cache_size = cache_size
        self._cache: Dict[Text, Optional[Text]] = {}

    @classmethod
    def from_texts(cls, texts: Iterable[Text], lexicon: Container[Text] = frozenset()) -> "Speller":
        return cls(dict(Counter(word for text in texts for word in re.findall(r"\w+", text.lower()))), lexicon)

    def correct(self, token: Text, budget: Optional[Budget] = None) -> Optional[Text]:
        """The word meant by `token`, or None where it is known, or no guess is good enough, or
        `budget` (default: a fresh message budget) runs out."""
        word = token.lower()
        if not 2 <= len(word) <= MAX_LENGTH or not WORD.match(word) or word in self.vocabulary:
            return None
        if word in self._cache:
            return self._cache[word]
        try:
            corrected = self._guess(word, budget or Budget())
        except BudgetExhausted:
            return None  # not cached: with a fresh budget the word may still be corrected
        if len(self._cache) >= self.cache_size:
            del self._cache[next(iter(self._cache))]  # the oldest entry
        self._cache[word] = corrected
        return corrected

    def _guess(self, word: Text, budget: Budget) -> Optional[Text]:
        def known(spelling: Text, words: Container[Text]) -> bool:
            budget.spend()
            return spelling in words

        # "loen" is a Danish word (the barn), but here "løn" is the one meant.
        for words in (self.vocabulary, self.lexicon):
            respelled = next((w for w in danish_spellings(word) if known(w, words)), None)
            if respelled:
                return None if respelled == word else respelled
        if len(word) < MIN_EDIT_LENGTH:
            return None
        edits = one_edit_away(word) if len(word) >= MIN_ANY_EDIT_LENGTH else neighbours_swapped(word)
        candidates = {spelling for edit in edits for spelling in danish_spellings(edit)
                      if known(spelling, self.vocabulary)}
        if not candidates:
            return None
        return max(sorted(candidates), key=self.vocabulary.__getitem__)


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True,
                          model_from="SpacyNLP")
class SpellingCorrector(GraphComponent):
    """Rasa graph component around `Speller`; it learns its vocabulary from the training data."""

    @classmethod
    def required_components(cls) -> List[type]:
        return [SpacyNLP]

    def __init__(self, model_storage: ModelStorage, resource: Resource,
                 vocabulary: Optional[Dict[Text, int]] = None):
        self._model_storage = model_storage
        self._resource = resource
        self._vocabulary = vocabulary or {}
        self._speller: Optional[Speller] = None  # kept between messages for its cache

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "SpellingCorrector":
        return cls(model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "SpellingCorrector":
        with model_storage.read_from(resource) as directory:
            vocabulary = json.loads((directory / VOCABULARY_FILE).read_text(encoding="utf-8"))
        return cls(model_storage, resource, vocabulary)

    def train(self, training_data: TrainingData, model: SpacyModel) -> Resource:
        texts = [example.get(TEXT) for example in training_data.training_examples if example.get(TEXT)]
        texts += [element for table in training_data.lookup_tables for element in table["elements"]]
        texts += [*training_data.entity_synonyms, *training_data.entity_synonyms.values()]
        self._vocabulary = Speller.from_texts(texts).vocabulary
        with self._model_storage.write_to(self._resource) as directory:
            (directory / VOCABULARY_FILE).write_text(
                json.dumps(self._vocabulary, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        return self._resource

    def process_training_data(self, training_data: TrainingData, model: SpacyModel) -> TrainingData:
        # Training examples are typed with care; correcting them would only blur the vocabulary.
        return training_data

    def process(self, messages: List[Message], model: SpacyModel) -> List[Message]:
        lemma_of = _lemma_table(model)
        if self._speller is None or self._speller.lexicon is not lemma_of:
            self._speller = Speller(self._vocabulary, lemma_of)
        for message in messages:
            budget = Budget()
            for token in message.get(TOKENS_NAMES[TEXT]) or []:
                corrected = self._speller.correct(token.text, budget)
                if corrected:
                    token.set(TYPED, token.text)
                    token.text = corrected
                    token.lemma = lemma_of.get(corrected, corrected)
        return messages


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.ENTITY_EXTRACTOR], is_trainable=False)
class CorrectedEntityValues(GraphComponent):
    """Entity values with the spelling corrections: "dierktoer" -> "direktør".

    An extracted entity's value is the text the visitor typed; where SpellingCorrector corrected
    a token inside it, the value gets the corrected word, so that EntitySynonymMapper (next in
    the pipeline) and the answers find it. Positions are not touched.
    """

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "CorrectedEntityValues":
        return cls()

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            text = message.get(TEXT) or ""
            corrected = [t for t in message.get(TOKENS_NAMES[TEXT]) or [] if t.get(TYPED)]
            for entity in message.get(ENTITIES) or []:
                start, end = entity.get(ENTITY_ATTRIBUTE_START), entity.get(ENTITY_ATTRIBUTE_END)
                inside = [t for t in corrected if start is not None and start <= t.start and t.end <= end]
                if not inside or entity.get(ENTITY_ATTRIBUTE_VALUE) != text[start:end]:
                    continue  # nothing corrected, or a value already mapped by someone else
                value = ""
                for token in inside:
                    value += text[start:token.start] + token.text
                    start = token.end
                entity[ENTITY_ATTRIBUTE_VALUE] = value + text[start:end]
        return messages


def _lemma_table(model: SpacyModel) -> Any:
    """The spaCy pipeline's lookup lemma table (form -> lemma): also the lexicon of known forms."""
    return model.model.get_pipe("lemmatizer").lookups.get_table("lemma_lookup")
