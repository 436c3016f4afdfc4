"""Parsing messages with a trained Rasa model, as the running assistant does."""
from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

from rasa.core.agent import Agent

from nlu_eval.scores import Prediction, entities_of


class RasaParser:
    def __init__(self, model_path: Path, fallback_threshold: Optional[float] = None):
        """fallback_threshold: if given, used instead of the trained model's FallbackClassifier
        threshold. It does not change what is trained, so a model re-set this way answers as one
        trained with it would."""
        self._agent = Agent.load(str(model_path))
        self._loop = asyncio.new_event_loop()
        if fallback_threshold is not None:
            from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier

            for fallback in self._components(FallbackClassifier):
                fallback.component_config["threshold"] = fallback_threshold

    def _components(self, kind: type) -> List:
        # Rasa offers no public way to reach a loaded component; evaluation only.
        nodes = self._agent.processor.graph_runner._instantiated_nodes.values()
        found = [node._component for node in nodes if isinstance(node._component, kind)]
        if not found:
            raise ValueError(f"this model has no {kind.__name__}")
        return found

    def parses(self, texts: Iterable[str]) -> List[Dict]:
        """The parse data of each text, as the action server receives it."""
        return [self._loop.run_until_complete(self._agent.parse_message(text)) for text in texts]

    def rankings(self, texts: Iterable[str]) -> List[Dict[str, float]]:
        """The classifier's confidence per intent (up to its ranking length), before any fallback."""
        return [{r["name"]: r["confidence"] for r in self._loop.run_until_complete(
                    self._agent.parse_message(text)).get("intent_ranking", []) if r["name"] != "nlu_fallback"}
                for text in texts]

    def predict(self, examples: Iterable[Tuple[str, str, frozenset]]) -> List[Prediction]:
        """examples: (text, gold intent, gold entities)."""
        predictions = []
        for text, gold_intent, gold_entities in examples:
            start = time.perf_counter()
            parsed = self._loop.run_until_complete(self._agent.parse_message(text))
            seconds = time.perf_counter() - start
            ranking = [(r["name"], r["confidence"]) for r in parsed.get("intent_ranking", [])
                       if r["name"] != "nlu_fallback"][:2]
            predictions.append(Prediction(text, gold_intent, parsed["intent"]["name"], gold_entities,
                                          entities_of(parsed), seconds, ranking))
        return predictions

    def close(self) -> None:
        self._loop.close()


def labelled(path_or_examples) -> List[Tuple[str, str, frozenset]]:
    """(text, intent, entities) of a Rasa NLU file or of a list of Rasa Messages."""
    if isinstance(path_or_examples, (str, Path)):
        from rasa.shared.nlu.training_data.loading import load_data

        path_or_examples = load_data(str(path_or_examples)).intent_examples
    return [(m.get("text"), m.get("intent"), entities_of({"entities": m.get("entities")}))
            for m in path_or_examples]
