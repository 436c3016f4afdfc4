"""What the action server spends on a topic question, measured in process.

The topic questions of the round trips (bench/latency.py) run through their action classes, with
real `Tracker` objects, against an ingested database: the store reads, the passage answer, the
reply; not the HTTP hop from Rasa.

Usage: .venv/bin/python -m bench.action_calls [--calls N]   (on the database of `make data`, or
DATABASE_URL)
"""
from __future__ import annotations

import argparse
import asyncio
import os
import time
from typing import Dict, List, Optional, Sequence, Tuple
from unittest import mock

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import answers, services
from bench.latency import SCRIPT
from bench.report import pct

# The intent and entities the NLU gives each topic question of the script (tests/conversations).
PARSES: Dict[str, Tuple[str, Sequence[Tuple[str, str]], Action]] = {
    "hvad laver en kontorchef": ("ask_career_paths", [("career_role", "kontorchef")],
                                 answers.AnswerCareerPaths()),
    "hvilke arbejdsopgaver har en leder": ("ask_tasks", [], answers.AnswerTasks()),
    "hvad tjener en leder": ("ask_salary", [], answers.AnswerSalary()),
    "hvor kan man arbejde som leder": ("ask_workplaces", [], answers.AnswerWorkplaces()),
    "hvilken uddannelse skal man have for at blive leder": ("ask_education", [], answers.AnswerEducation()),
}
QUESTIONS = [text for kind, text in SCRIPT if kind == "topic"]
CALLS = 200


def tracker(text: str, intent: str, entities: Sequence[Tuple[str, str]]) -> Tracker:
    return Tracker(
        sender_id="bench", slots={},
        latest_message={"text": text, "intent": {"name": intent, "confidence": 1.0},
                        "entities": [{"entity": e, "value": v} for e, v in entities]},
        events=[], paused=False, followup_action=None, active_loop={},
        latest_action_name="action_listen",
    )


async def _costs(calls: int) -> Dict[str, List[float]]:
    costs: Dict[str, List[float]] = {text: [] for text in QUESTIONS}
    for i in range(calls):
        text = QUESTIONS[i % len(QUESTIONS)]
        intent, entities, action = PARSES[text]
        question, dispatcher = tracker(text, intent, entities), CollectingDispatcher()
        started = time.perf_counter()
        await action.run(dispatcher, question, {})
        costs[text].append((time.perf_counter() - started) * 1000)
        if not dispatcher.messages or dispatcher.messages[0].get("response") == "utter_unavailable":
            raise RuntimeError(f"no answer from the store to {text!r}: is the article ingested (make data)?")
    return costs


def measure(database_url: Optional[str] = None, calls: int = CALLS) -> Dict:
    """Milliseconds per action call after one warm-up round (the passage index is built once per
    process and article version): p50 and p95 over `calls` calls, and the median per question."""
    with mock.patch.dict(os.environ, {"DATABASE_URL": database_url} if database_url else {}):
        services.reset()
        try:
            asyncio.run(_costs(len(QUESTIONS)))
            costs = asyncio.run(_costs(calls))
        finally:
            services.reset()
    every = [ms for per_question in costs.values() for ms in per_question]
    return {"p50": pct(every, 50), "p95": pct(every, 95), "n": len(every),
            "per_question": {text: pct(ms, 50) for text, ms in costs.items()}}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=CALLS)
    result = measure(calls=parser.parse_args().calls)
    for text, ms in result["per_question"].items():
        print(f"{ms:6.2f} ms  {text}")
    print(f"{result['n']} calls: p50 {result['p50']:.2f} ms, p95 {result['p95']:.2f} ms")


if __name__ == "__main__":
    main()
