"""Answers measured, not only intents, by the reply a visitor reads.

- tests/answers_holdout.yml, questions about single details: a reply is precise when it contains
  every string the item names under `contains`, none of `absent`, and stays within the item's (or
  the file's) `max_chars`.
- tests/answers_broad_holdout.yml, broad and paraphrased questions on subjects the article covers,
  and questions on subjects it does not: a covered question's reply is correct when it contains
  its `contains`, none of `absent`, and never claims the article is silent; an uncovered
  question's reply is honest when it says the article is silent or offers an eVejleder.
`tests/e2e/test_answers_holdout.py` asserts the rates; `make crossval` reports them in
docs/nlu/summary.md (on a private stack of the trained model).
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import List, Tuple

import yaml

REPO = Path(__file__).resolve().parents[1]
HOLDOUT = REPO / "tests" / "answers_holdout.yml"
BROAD_HOLDOUT = REPO / "tests" / "answers_broad_holdout.yml"
# The same kind of questions for development: written apart from both the holdout and data/nlu.
BROAD_DEV = REPO / "nlu_eval" / "answers_broad_dev.yml"
# The words of utter_answer_not_covered (domain.yml) that make the claim, and the hand-off's name.
SILENT_CLAIM = "står der ikke noget om"
COUNSELLOR = "evejleder"


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


def reply_to(stack, sender: str, question: str) -> str:
    """The reply to `question` in a fresh conversation of a running stack (bot.launch.stack.Stack)."""
    stack.say(sender, "/session_start")          # the welcome comes before, not in, the reply
    return "\n".join(r.get("text", "") for r in stack.say(sender, question))


@dataclass
class BroadRate:
    correct: int
    claims: List[str]           # covered questions told "the article does not say"
    covered_misses: List[str]
    honest: int
    uncovered_misses: List[str]
    covered_n: int
    uncovered_n: int

    @property
    def rate(self) -> float:
        return self.correct / self.covered_n

    @property
    def honest_rate(self) -> float:
        return self.honest / self.uncovered_n


def broad_rate(stack, path: Path = BROAD_HOLDOUT) -> BroadRate:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    claims, covered_misses, uncovered_misses = [], [], []
    for number, item in enumerate(data["covered"]):
        reply = reply_to(stack, f"answers-broad-{number}", item["question"])
        why = problems(reply, item, max_chars=10 ** 6)
        if SILENT_CLAIM in reply.casefold():
            claims.append(f"{item['question']!r}: {reply[:200]!r}")
            why.append("claims the article is silent")
        if why:
            covered_misses.append(f"{item['question']!r}: {'; '.join(why)}\n    {reply[:300]!r}")
    for number, item in enumerate(data["uncovered"]):
        reply = reply_to(stack, f"answers-uncovered-{number}", item["question"]).casefold()
        if SILENT_CLAIM not in reply and COUNSELLOR not in reply:
            uncovered_misses.append(f"{item['question']!r}: {reply[:300]!r}")
    covered_n, uncovered_n = len(data["covered"]), len(data["uncovered"])
    return BroadRate(covered_n - len(covered_misses), claims, covered_misses,
                     uncovered_n - len(uncovered_misses), uncovered_misses, covered_n, uncovered_n)


def answer_rate(stack) -> AnswerRate:
    """Asks every held-out detail question in a fresh conversation of a running stack."""
    max_chars, questions = load_holdout()
    misses, too_long = [], []
    for number, item in enumerate(questions):
        reply = reply_to(stack, f"answers-holdout-{number}", item["question"])
        why = problems(reply, item, max_chars)
        if why:
            misses.append(f"{item['question']!r}: {'; '.join(why)}\n    {reply[:300]!r}")
        if "max_chars" not in item and len(reply) > max_chars:
            too_long.append(f"{item['question']!r}: {len(reply)} characters")
    return AnswerRate(len(questions) - len(misses), len(questions), misses, too_long)


def measured_answer_rates() -> Tuple[AnswerRate, BroadRate]:
    """answer_rate and broad_rate on a private stack (action server and Rasa with
    models/evejleder.tar.gz, own database)."""
    from bot.launch.stack import fresh_stack

    with tempfile.TemporaryDirectory(prefix="answers-holdout-") as workdir:
        stack = fresh_stack(Path(workdir))
        try:
            stack.start_actions()
            stack.start_rasa()
            return answer_rate(stack), broad_rate(stack)
        finally:
            stack.stop_all()


def measured_dev_rate() -> BroadRate:
    """broad_rate on the development questions (nlu_eval/answers_broad_dev.yml), on a private stack."""
    from bot.launch.stack import fresh_stack

    with tempfile.TemporaryDirectory(prefix="answers-dev-") as workdir:
        stack = fresh_stack(Path(workdir))
        try:
            stack.start_actions()
            stack.start_rasa()
            return broad_rate(stack, BROAD_DEV)
        finally:
            stack.stop_all()


def print_broad(broad: BroadRate) -> None:
    print(f"broad answers: {broad.correct}/{broad.covered_n} = {broad.rate:.3f}; "
          f"claims of silence on covered questions: {len(broad.claims)}")
    print(f"uncovered questions answered honestly: {broad.honest}/{broad.uncovered_n} = {broad.honest_rate:.3f}")


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["--dev"]:
        # Development: the misses are shown, to be worked on.
        dev = measured_dev_rate()
        print("\n".join(dev.covered_misses + dev.uncovered_misses))
        print_broad(dev)
    else:
        # The holdout: only the rates; its misses are for the test's failure report, not for tuning.
        precise, broad = measured_answer_rates()
        print(f"precise answers: {precise.precise}/{precise.n} = {precise.rate:.3f}")
        print_broad(broad)
