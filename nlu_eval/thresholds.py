"""Choosing CharNgramIntentVote's weight and FallbackClassifier's thresholds on the cross-validation
folds, never on held-out data.

    .venv/bin/python -m nlu_eval.thresholds    # after make crossval (it keeps the fold models)

Each fold model of config.yml parses its fold's test messages, clean and perturbed, twice: with
the vote weight 1 (DIET's confidences) and 0 (the logistic regression's). For every weight and
threshold the two are averaged as CharNgramIntentVote averages them, decided as FallbackClassifier
decides (fallback when the best confidence is below the threshold or the best two are closer than
the ambiguity threshold) and scored. The rankings are cached in var/nlu/compare/config/.
"""
from __future__ import annotations

import json
from typing import Dict, List

from nlu_eval.compare import VAR, perturbed
from nlu_eval.folds import N_FOLDS, fixed_folds, load_training_data
from nlu_eval.scores import FALLBACK, Prediction, score

WEIGHTS = [0.0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 1.0]
THRESHOLDS = [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6]
RANKINGS = VAR / "config" / "rankings.json"


def decide(ranking: Dict[str, float], threshold: float, ambiguity: float) -> str:
    if not ranking:  # an empty message
        return FALLBACK
    (best, confidence), *rest = sorted(ranking.items(), key=lambda item: -item[1])
    if confidence < threshold or (rest and confidence - rest[0][1] < ambiguity):
        return FALLBACK
    return best


def mix(diet: Dict[str, float], logreg: Dict[str, float], weight: float) -> Dict[str, float]:
    return {i: weight * diet.get(i, 0.0) + (1 - weight) * logreg.get(i, 0.0) for i in set(diet) | set(logreg)}


def fold_rankings() -> Dict[str, List]:
    """{"clean"/"perturbed": [(gold intent, DIET ranking, logistic regression ranking), ...]}"""
    if RANKINGS.exists():
        return json.loads(RANKINGS.read_text())
    from nlu_eval.rasa_model import RasaParser, labelled

    rows = {"clean": [], "perturbed": []}
    for i, (_, test) in enumerate(fixed_folds(N_FOLDS, load_training_data()), 1):
        parser = RasaParser(VAR / "config" / "models" / f"fold{i}.tar.gz")
        examples = labelled(test.intent_examples)
        for kind, texts in (("clean", examples), ("perturbed", perturbed(examples))):
            parser.set_vote_weight(1.0)
            diet = parser.rankings(t for t, _, _ in texts)
            parser.set_vote_weight(0.0)
            logreg = parser.rankings(t for t, _, _ in texts)
            rows[kind] += [(gold, d, r) for (_, gold, _), d, r in zip(texts, diet, logreg)]
        parser.close()
    RANKINGS.write_text(json.dumps(rows, ensure_ascii=False))
    return rows


def table(ambiguity: float = 0.05) -> None:
    rows = fold_rankings()
    print("weight | threshold | CV intent acc. | perturbed | off-topic handled | in-scope fallback")
    for weight in WEIGHTS:
        for threshold in THRESHOLDS:
            s, noisy = (score([Prediction("", gold, decide(mix(d, r, weight), threshold, ambiguity))
                               for gold, d, r in rows[kind]]) for kind in ("clean", "perturbed"))
            print(f"  {weight:.1f} | {threshold:.2f} | {s.intent_accuracy:.3f} | {noisy.intent_accuracy:.3f} "
                  f"| {s.off_topic_handled:.3f} | {s.in_scope_fallback:.3f}")


if __name__ == "__main__":
    table()
