"""Choosing FallbackClassifier's thresholds on the cross-validation folds, never on held-out data.

    .venv/bin/python -m nlu_eval.thresholds b    # after nlu_eval.compare b

For each threshold, the fold-test predictions of nlu_eval.compare are re-decided the way
FallbackClassifier decides (fallback when the best confidence is below the threshold or the best
two are closer than the ambiguity threshold) and scored.
"""
from __future__ import annotations

import json
import sys

from nlu_eval.compare import VAR
from nlu_eval.scores import FALLBACK, Prediction, score


def decide(ranking, threshold: float, ambiguity: float) -> str:
    (best, confidence), *rest = ranking
    if confidence < threshold or (rest and confidence - rest[0][1] < ambiguity):
        return FALLBACK
    return best


def table(key: str, ambiguity: float = 0.05) -> None:
    rows = json.loads((VAR / key / "cv_predictions.json").read_text())
    print(f"pipeline {key}: threshold | intent accuracy | macro-F1 | off-topic handled | in-scope fallback")
    for threshold in [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8]:
        s = score([Prediction(text, gold, decide(ranking, threshold, ambiguity)) for text, gold, _, ranking in rows])
        print(f"  {threshold:.2f} | {s.intent_accuracy:.3f} | {s.macro_f1:.3f} | {s.off_topic_handled:.3f} "
              f"| {s.in_scope_fallback:.3f}")


if __name__ == "__main__":
    for key in sys.argv[1:]:
        table(key)
