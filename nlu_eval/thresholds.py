"""Choosing FallbackClassifier's thresholds on the cross-validation folds, never on held-out data.

    .venv/bin/python -m nlu_eval.thresholds    # after make crossval (it keeps the fold models)

Each fold model of config.yml parses its fold's test messages, clean and perturbed; for every
threshold the intent ranking is decided as FallbackClassifier decides (fallback when the best
confidence is below the threshold or the best two are closer than the ambiguity threshold) and
scored. The rankings are cached in var/nlu/compare/config/.
"""
from __future__ import annotations

import json
from typing import Dict, List

from nlu_eval.compare import VAR, perturbed
from nlu_eval.folds import N_FOLDS, fixed_folds, load_training_data
from nlu_eval.scores import FALLBACK, Prediction, score

THRESHOLDS = [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6]
AMBIGUITIES = [0.0, 0.05, 0.1]
RANKINGS = VAR / "config" / "rankings.json"


def decide(ranking: Dict[str, float], threshold: float, ambiguity: float) -> str:
    if not ranking:  # an empty message
        return FALLBACK
    (best, confidence), *rest = sorted(ranking.items(), key=lambda item: -item[1])
    if confidence < threshold or (rest and confidence - rest[0][1] < ambiguity):
        return FALLBACK
    return best


def fold_rankings() -> Dict[str, List]:
    """{"clean"/"perturbed": [(gold intent, intent ranking), ...]}"""
    if RANKINGS.exists():
        return json.loads(RANKINGS.read_text())
    from nlu_eval.rasa_model import RasaParser, labelled

    rows = {"clean": [], "perturbed": []}
    for i, (_, test) in enumerate(fixed_folds(N_FOLDS, load_training_data()), 1):
        parser = RasaParser(VAR / "config" / "models" / f"fold{i}.tar.gz")
        examples = labelled(test.intent_examples)
        for kind, texts in (("clean", examples), ("perturbed", perturbed(examples))):
            rankings = parser.rankings(t for t, _, _ in texts)
            rows[kind] += [(gold, r) for (_, gold, _), r in zip(texts, rankings)]
        parser.close()
    RANKINGS.write_text(json.dumps(rows, ensure_ascii=False))
    return rows


def table() -> None:
    rows = fold_rankings()
    print("threshold | ambiguity | CV intent acc. | perturbed | off-topic handled | in-scope fallback")
    for threshold in THRESHOLDS:
        for ambiguity in AMBIGUITIES:
            s, noisy = (score([Prediction("", gold, decide(r, threshold, ambiguity)) for gold, r in rows[kind]])
                        for kind in ("clean", "perturbed"))
            print(f"  {threshold:.2f} | {ambiguity:.2f} | {s.intent_accuracy:.3f} | {noisy.intent_accuracy:.3f} "
                  f"| {s.off_topic_handled:.3f} | {s.in_scope_fallback:.3f}")


if __name__ == "__main__":
    table()
