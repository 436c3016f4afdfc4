"""The figures every pipeline is judged by, computed the same way for Rasa and for the baseline."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Dict, FrozenSet, List, Optional, Tuple

from sklearn.metrics import f1_score

OFF_TOPIC = {"out_of_scope", "ask_other_job"}
FALLBACK = "nlu_fallback"
# A weather question is handled when it ends as out_of_scope or nlu_fallback; a question about
# another job may also end as ask_other_job (the bot then points to that job's article).
HANDLED = {"out_of_scope": {"out_of_scope", FALLBACK},
           "ask_other_job": {"ask_other_job", "out_of_scope", FALLBACK}}

Entities = FrozenSet[Tuple[str, str]]


@dataclass
class Prediction:
    text: str
    gold_intent: str
    intent: str
    gold_entities: Entities = frozenset()
    entities: Optional[Entities] = None  # None: the pipeline extracts no entities
    seconds: float = 0.0
    # The classifier's two best intents before any fallback: [(intent, confidence), ...]
    ranking: List[Tuple[str, float]] = field(default_factory=list)


def entities_of(example_or_parse: Dict) -> Entities:
    return frozenset((e["entity"], str(e["value"])) for e in example_or_parse.get("entities") or [])


@dataclass
class Scores:
    n: int
    intent_accuracy: float
    macro_f1: float
    entity_f1: Optional[float]
    entity_precision: Optional[float] = None
    entity_recall: Optional[float] = None
    off_topic_handled: Optional[float] = None
    off_topic_n: int = 0
    in_scope_fallback: Optional[float] = None
    in_scope_n: int = 0
    errors: List[Tuple[str, str, str]] = field(default_factory=list)


def score(predictions: List[Prediction]) -> Scores:
    gold = [p.gold_intent for p in predictions]
    predicted = [p.intent for p in predictions]
    # Macro-F1 over the intents of the test set: a fallback counts as a miss of the gold intent.
    macro = f1_score(gold, predicted, labels=sorted(set(gold)), average="macro", zero_division=0)
    accuracy = sum(g == p for g, p in zip(gold, predicted)) / len(gold)

    precision = recall = entity_f1 = None
    if all(p.entities is not None for p in predictions):
        expected = sum(len(p.gold_entities) for p in predictions)
        found = sum(len(p.entities) for p in predictions)
        correct = sum(len(p.gold_entities & p.entities) for p in predictions)
        if expected:
            precision = correct / found if found else 0.0
            recall = correct / expected
            entity_f1 = 2 * precision * recall / (precision + recall) if correct else 0.0

    off_topic = [p for p in predictions if p.gold_intent in OFF_TOPIC]
    in_scope = [p for p in predictions if p.gold_intent not in OFF_TOPIC]
    return Scores(
        n=len(predictions), intent_accuracy=accuracy, macro_f1=macro, entity_f1=entity_f1,
        entity_precision=precision, entity_recall=recall,
        off_topic_handled=(sum(p.intent in HANDLED[p.gold_intent] for p in off_topic) / len(off_topic)
                           if off_topic else None),
        off_topic_n=len(off_topic),
        in_scope_fallback=sum(p.intent == FALLBACK for p in in_scope) / len(in_scope) if in_scope else None,
        in_scope_n=len(in_scope),
        errors=[(p.text, p.gold_intent, p.intent) for p in predictions if p.intent != p.gold_intent],
    )
