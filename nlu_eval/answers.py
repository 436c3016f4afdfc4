"""Answers measured, not only intents: the held-out detail questions of tests/answers_holdout.yml.

A reply is precise when it contains every string the item names under `contains`, none of
`absent`, and stays within the item's (or the file's) `max_chars`. `tests/e2e/test_answers_holdout.py`
asserts the rate; `make crossval` reports it in docs/nlu/summary.md (`answer_rate` on a private
stack of the trained model).
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import List, Tuple

import yaml

REPO = Path(__file__).resolve().parents[1]
HOLDOUT = REPO / "tests" / "answers_holdout.yml"


def load_holdout(path: Path = HOLDOUT) -> Tuple[int, List[dict]]:
    """(max_chars, questions) of the held-out answer file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data["max_chars"], data["questions"]


def problems(reply: str, item: dict, max_chars: int) -> List[str]:
    """Why a reply is not a precise answer to the item (empty: it is)."""
    found = []
    lowered = reply.casefold()
    found += [f"lacks {s!r}" for s in item["contains"] if s.casefold() not in lowered]
    found += [f"has {s!r}" for s in item.get("absent", []) if s.casefold() in lowered]
    limit = item.get("max_chars", max_chars)
    if len(reply) > limit:
        found.append(f"{len(reply)} > {limit} characters")
    return found


@dataclass
class AnswerRate:
    precise: int
    n: int
    misses: List[str]
    too_long: List[str]  # one-passage questions (no `max_chars` of their own) over the file's bound

    @property
    def rate(self) -> float:
        return self.precise / self.n


def answer_rate(stack) -> AnswerRate:
    """Asks every held-out question in a fresh conversation of a running stack (bot.launch.stack.Stack)."""
    max_chars, questions = load_holdout()
    misses, too_long = [], []
    for number, item in enumerate(questions):
        sender = f"answers-holdout-{number}"
        stack.say(sender, "/session_start")          # the welcome comes before, not in, the reply
        reply = "\n".join(r.get("text", "") for r in stack.say(sender, item["question"]))
        why = problems(reply, item, max_chars)
        if why:
            misses.append(f"{item['question']!r}: {'; '.join(why)}\n    {reply[:300]!r}")
        if "max_chars" not in item and len(reply) > max_chars:
            too_long.append(f"{item['question']!r}: {len(reply)} characters")
    return AnswerRate(len(questions) - len(misses), len(questions), misses, too_long)


def measured_answer_rate() -> AnswerRate:
    """answer_rate on a private stack (action server and Rasa with models/evejleder.tar.gz, own database)."""
    from bot.launch.stack import fresh_stack

    with tempfile.TemporaryDirectory(prefix="answers-holdout-") as workdir:
        stack = fresh_stack(Path(workdir))
        try:
            stack.start_actions()
            stack.start_rasa()
            return answer_rate(stack)
        finally:
            stack.stop_all()


if __name__ == "__main__":
    result = measured_answer_rate()
    print("\n".join(result.misses))
    print(f"precise answers: {result.precise}/{result.n} = {result.rate:.3f}")
