"""What a team without Rasa would build: TF-IDF character n-grams + logistic regression.

The yardstick for config.yml, trained on the same data/nlu files, on the raw text (no spelling
correction, no entities). It is defined here and nowhere else on purpose: config.yml's
CharNgramIntentVote uses a model of the same kind, and tuning that one must not move the yardstick.
"""
from __future__ import annotations

import time
from typing import List, Optional, Tuple

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from nlu_eval.scores import FALLBACK, Prediction


class Baseline:
    def __init__(self, fallback_threshold: Optional[float] = None):
        self.fallback_threshold = fallback_threshold
        self.model = make_pipeline(
            TfidfVectorizer(analyzer="char_wb", ngram_range=(1, 4), sublinear_tf=True),
            LogisticRegression(C=10, max_iter=5000),
        )

    def fit(self, texts: List[str], intents: List[str]) -> float:
        start = time.perf_counter()
        self.model.fit(texts, intents)
        return time.perf_counter() - start

    def predict(self, examples: List[Tuple[str, str, frozenset]]) -> List[Prediction]:
        predictions = []
        for text, gold, gold_entities in examples:
            start = time.perf_counter()
            probabilities = self.model.predict_proba([text])[0]
            best = int(np.argmax(probabilities))
            intent = self.model.classes_[best]
            if self.fallback_threshold is not None and probabilities[best] < self.fallback_threshold:
                intent = FALLBACK
            predictions.append(Prediction(text, gold, intent, gold_entities, None, time.perf_counter() - start))
        return predictions
