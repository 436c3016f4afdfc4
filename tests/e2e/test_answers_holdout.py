"""Answers measured, not only intents: held-out questions about single details of the article,
asked through the REST channel of a real Rasa and action server (tests/answers_holdout.yml)."""
from pathlib import Path

import yaml

HOLDOUT = Path(__file__).resolve().parents[1] / "answers_holdout.yml"
MIN_PRECISE = 0.90


def load_holdout():
    data = yaml.safe_load(HOLDOUT.read_text(encoding="utf-8"))
    return data["max_chars"], data["questions"]


def problems(reply: str, item: dict, max_chars: int):
    """Why a reply is not a precise answer to the item (empty: it is)."""
    found = []
    lowered = reply.casefold()
    found += [f"lacks {s!r}" for s in item["contains"] if s.casefold() not in lowered]
    found += [f"has {s!r}" for s in item.get("absent", []) if s.casefold() in lowered]
    limit = item.get("max_chars", max_chars)
    if len(reply) > limit:
        found.append(f"{len(reply)} > {limit} characters")
    return found


def test_the_holdout_is_big_enough_and_bounded():
    max_chars, questions = load_holdout()
    assert len(questions) >= 60
    assert max_chars <= 450
    assert len({q["question"] for q in questions}) == len(questions)


def test_held_out_detail_questions_are_answered_precisely(stack):
    """At least 90 % precise, and no reply to a one-passage question (no `max_chars` of its own)
    longer than the bound: a miss may not be a wall of text."""
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
    precise = 1 - len(misses) / len(questions)
    print(f"\nprecise answers: {len(questions) - len(misses)}/{len(questions)} = {precise:.3f}; "
          f"one-passage replies over {max_chars} characters: {len(too_long)}")
    print("\n".join(misses))
    assert precise >= MIN_PRECISE, "\n".join(misses)
    assert not too_long, "\n".join(too_long)
