"""Bag-of-words and character n-gram features that do not care how Danish letters were typed.

Visitors on phones and foreign keyboards write "loen" for "løn" and "uddannelse paa" for
"uddannelse på". This is Rasa's CountVectorsFeaturizer with every token folded to lower case
ASCII spelling (æ -> ae, ø -> oe, å -> aa) before counting, in training and at run time alike,
so both spellings give the same features. Token offsets are untouched (entities are unaffected).

In config.yml:  - name: bot.nlu.folding.FoldingCountVectorsFeaturizer  (same options)
"""
from __future__ import annotations

from typing import List, Text

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import CountVectorsFeaturizer
from rasa.shared.nlu.constants import TEXT

ASCII_SPELLING = str.maketrans({"æ": "ae", "ø": "oe", "å": "aa", "Æ": "ae", "Ø": "oe", "Å": "aa"})


def fold(text: Text) -> Text:
    return text.translate(ASCII_SPELLING).lower()


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=True)
class FoldingCountVectorsFeaturizer(CountVectorsFeaturizer):
    def _process_tokens(self, tokens: List[Text], attribute: Text = TEXT) -> List[Text]:
        tokens = super()._process_tokens(tokens, attribute)
        return [fold(token) for token in tokens] if attribute == TEXT else tokens
