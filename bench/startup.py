"""Cold start to the first answer, and the faster model load of scripts/rasa checked against Rasa's own."""
from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, List, Tuple

import requests

from bot.config import REPO_ROOT as REPO
from bot.launch.stack import Stack

HELD_OUT = REPO / "tests" / "nlu_holdout.yml"


@dataclass
class ColdStart:
    actions: float
    rasa: float
    first_answer: float

    @property
    def total(self) -> float:
        return self.actions + self.rasa + self.first_answer


def cold_start(stack: Stack, question: str) -> ColdStart:
    """Start the action server, then Rasa (as `make run` does), then ask the first question."""
    started = time.monotonic()
    stack.start_actions()
    actions = time.monotonic() - started
    stack.start_rasa()
    rasa = time.monotonic() - started - actions
    asked = time.monotonic()
    if not stack.say("cold-start", question):
        raise RuntimeError("no answer to the first question")
    return ColdStart(actions, rasa, time.monotonic() - asked)


def _parse_all(stack: Stack, texts: List[str]) -> List[Tuple]:
    results = []
    for text in texts:
        parsed = requests.post(f"{stack.rasa_url}/model/parse", params={"token": stack.token},
                               json={"text": text}, timeout=30).json()
        results.append((parsed["intent"]["name"], round(parsed["intent"]["confidence"], 6),
                        [(e["entity"], e["value"], e["start"], e["end"]) for e in parsed["entities"]]))
    return results


def held_out_texts() -> List[str]:
    from rasa.shared.nlu.training_data.loading import load_data

    return [example.get("text") for example in load_data(str(HELD_OUT)).training_examples]


def compare_with_rasas_own_load(fast: Stack, workdir: Path) -> Dict[str, float]:
    """Start Rasa with its own model load next to the running one; time it and compare the
    intents, confidences and entities both give for the held-out messages."""
    stock = Stack(workdir, env=fast.env, actions_port=fast.actions_port, model=fast.model)
    workdir.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    try:
        stock.start_rasa(own_model_load=True)
        seconds = time.monotonic() - started
        texts = held_out_texts()
        same = sum(a == b for a, b in zip(_parse_all(fast, texts), _parse_all(stock, texts)))
    finally:
        stock.stop_all()
    return {"seconds": seconds, "same": same, "compared": len(texts)}
