"""What the passage answer adds to a topic question: the ranking and answer shapes of
bot/knowledge/answering.py, in process, on the development questions of nlu_eval/answers_dev.yml."""
from __future__ import annotations

import time
from typing import Dict

from nlu_eval.passages import answering_costs, build_answerer, load_questions
from bench.report import pct

REPEATS = 5


def measure() -> Dict[str, float]:
    questions = load_questions()
    started = time.perf_counter()
    answerer = build_answerer()
    build_ms = (time.perf_counter() - started) * 1000
    answering_costs(answerer, questions, 1)          # warm-up: caches of the first answers
    costs = answering_costs(answerer, questions, REPEATS)
    return {"build_ms": build_ms, "p50": pct(costs, 50), "p95": pct(costs, 95), "n": len(costs)}
