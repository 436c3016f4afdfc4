"""Choose and document the passage-ranking thresholds: `python -m nlu_eval.passages`.

Runs the passage answering (bot/knowledge/answering.py) on the development questions in
nlu_eval/answers_dev.yml (never on tests/answers_holdout.yml), with each question's topic as
the intent (no topic: "nlu_fallback"), for a grid of thresholds; picks the pair with the most
right passage answers minus twice the wrong ones, and writes docs/nlu/passages.md with the
figures and the ranking cost. The chosen values belong in `answering.Thresholds`.
"""
from __future__ import annotations

import statistics
import time
from dataclasses import replace
from pathlib import Path
from typing import List, Optional

import yaml

from bot.knowledge.answering import Answer, Answerer, Thresholds, TOPICS_OF_INTENT
from bot.knowledge.ranking import DENSE_FLOOR, DENSE_WEIGHT
from bot.knowledge.ingest import parse_article, read_article
from bot.language.lemmas import LemmaTable

REPO = Path(__file__).resolve().parents[1]
DEV = REPO / "nlu_eval" / "answers_dev.yml"
ARTICLE = REPO / "data" / "articles" / "leder.txt"
PIPELINE = REPO / "var" / "spacy_da"
REPORT = REPO / "docs" / "nlu" / "passages.md"
INTENT_OF_TOPIC = {topics[0]: intent for intent, topics in TOPICS_OF_INTENT.items()}
INTENT_OF_TOPIC["inspiration"] = "nlu_fallback"     # no intent asks for it


def intent_of(item: dict) -> str:
    if item.get("intent"):
        return item["intent"]
    return INTENT_OF_TOPIC.get(item["topic"], "nlu_fallback") if item["topic"] else "nlu_fallback"


def verdict(item: dict, answer: Optional[Answer]) -> str:
    """right | wrong | overview (no passage where one was expected) | quiet (none, rightly).

    With `kind` the answer must also have that shape: "not_covered" (the article does not say),
    "yes", "route", "compare", "soft"."""
    wanted, kind = item["passage"], item.get("kind")
    quoted = " ".join(p.titled() for p in answer.passages).lower() if answer else ""
    if wanted is None:
        return "quiet" if answer is None else "wrong"
    if answer is None:
        return "overview"
    wanted = [wanted] if isinstance(wanted, str) else wanted
    quotes = all(w.lower() in quoted for w in wanted)
    return "right" if quotes and kind in (None, answer.kind) else "wrong"


def evaluate(answerer: Answerer, questions: List[dict]):
    verdicts = [verdict(q, answerer.answer(q["question"], intent_of(q))) for q in questions]
    return {v: verdicts.count(v) for v in ("right", "wrong", "overview", "quiet")}


def load_questions() -> List[dict]:
    """The development questions the ranking answers (not those on subjects the article lacks)."""
    return [q for q in yaml.safe_load(DEV.read_text(encoding="utf-8"))["questions"]
            if q.get("kind") != "not_covered"]


def build_answerer() -> Answerer:
    _, text = read_article(ARTICLE)
    return Answerer.for_article(parse_article(text), LemmaTable.from_pipeline(PIPELINE))


def answering_costs(answerer: Answerer, questions: List[dict], repeats: int = 5) -> List[float]:
    """Milliseconds per answer, sorted: every question `repeats` times, with its intent."""
    costs = []
    for _ in range(repeats):
        for q in questions:
            started = time.perf_counter()
            answerer.answer(q["question"], intent_of(q))
            costs.append((time.perf_counter() - started) * 1000)
    return sorted(costs)


def grid(answerer: Answerer, questions: List[dict], score_name: str, margin_name: str, scores):
    """(right − 2·wrong, score, margin, counts) for each pair of one bar, the other bar as in use."""
    rows = []
    for score in scores:
        for margin in (0.025, 0.05, 0.1, 0.15):   # "clearly wins": never a tie
            answerer.thresholds = replace(Thresholds(), **{score_name: score, margin_name: margin})
            counts = evaluate(answerer, questions)
            rows.append((counts["right"] - 2 * counts["wrong"], score, margin, counts))
    return rows


def table(rows) -> List[str]:
    best = max(rows, key=lambda row: (row[0], row[3]["right"], row[1]))
    lines = ["| score ≥ | margin ≥ | right | wrong | overview | quiet | right − 2·wrong |",
             "|---|---|---|---|---|---|---|"]
    for value, score, margin, counts in rows:
        mark = " **(best)**" if (score, margin) == best[1:3] else ""
        lines.append(f"| {score:.2f} | {margin:.3f} | {counts['right']} | {counts['wrong']} | "
                     f"{counts['overview']} | {counts['quiet']} | {value}{mark} |")
    return lines


def main() -> None:
    questions = load_questions()
    started = time.perf_counter()
    answerer = build_answerer()
    build_ms = (time.perf_counter() - started) * 1000

    rows = grid(answerer, questions, "score", "margin", (0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.5))
    strict_rows = grid(answerer, questions, "strict_score", "strict_margin", (0.3, 0.35, 0.4, 0.45, 0.5))
    nearby_rows = grid(answerer, questions, "nearby_score", "nearby_margin",
                       (0.2, 0.25, 0.3, 0.35, 0.4, 0.45))
    answerer.thresholds = Thresholds()
    dense_rows = []
    for weight in (0.0, 0.15, 0.3, 0.45, 0.6):
        for floor in (0.75, 0.8, 0.85):
            answerer.index.dense_weight, answerer.index.dense_floor = weight, floor
            counts = evaluate(answerer, questions)
            dense_rows.append((counts["right"] - 2 * counts["wrong"], weight, floor, counts))
    answerer.index.dense_weight, answerer.index.dense_floor = DENSE_WEIGHT, DENSE_FLOOR
    current = evaluate(answerer, questions)

    costs = answering_costs(answerer, questions)
    p95 = costs[int(len(costs) * 0.95) - 1]

    answerable = sum(1 for q in questions if q["passage"])
    lines = [
        "# Passage answers: thresholds and cost",
        "",
        "Generated by `python -m nlu_eval.passages` from `nlu_eval/answers_dev.yml` "
        f"({len(questions)} development questions, {answerable} with one answering passage); "
        "the held-out `tests/answers_holdout.yml` is never used here.",
        "",
        "A reply is *right* when it quotes the passage named in the file, *wrong* when it quotes "
        "another one (or any, where none was expected), *overview* when no passage won and the "
        "topic overview follows, *quiet* when rightly no passage came.",
        "",
        "Questions with a `kind` must also get that shape: \"Ja\" first, the route, both sides of a "
        "comparison, or the softer lead. Questions on subjects the article lacks are left out here: "
        "the intent `ask_uncovered` recognises them ([uncovered.md](uncovered.md)).",
        "",
        "The bar when the intent names a topic (the bar without one as in use):",
        "",
    ] + table(rows) + [
        "",
        "The bar without a topic (the message was not understood, or the topic had nothing), the "
        "topic bar as in use:",
        "",
    ] + table(strict_rows) + [
        "",
        "The bar for a passage of a neighbouring topic when nothing in the intent's topic wins "
        "(the other bars as in use):",
        "",
    ] + table(nearby_rows) + [
        "",
        "Meaning in the ranking (hybrid retrieval): the share of the e5 cosine in a passage's "
        "score, and the cosine it counts from (both bars as in use):",
        "",
        "| dense weight | counts from | right | wrong | overview | quiet | right − 2·wrong |",
        "|---|---|---|---|---|---|---|",
    ] + [f"| {weight:.2f} | {floor:.2f} | {c['right']} | {c['wrong']} | {c['overview']} | {c['quiet']} | {value} |"
         for value, weight, floor, c in dense_rows]
    bar = Thresholds()
    lines += [
        "",
        f"In use (`answering.Thresholds`): score ≥ {bar.score}, margin ≥ {bar.margin}; without a "
        f"topic score ≥ {bar.strict_score}, margin ≥ {bar.strict_margin}; a neighbouring topic's "
        f"passage score ≥ {bar.nearby_score}, margin ≥ {bar.nearby_margin}; dense weight "
        f"{DENSE_WEIGHT} from cosine {DENSE_FLOOR} (`ranking.py`). With these: "
        f"{current['right']} right, {current['wrong']} wrong, {current['overview']} overview, "
        f"{current['quiet']} quiet.",
        "",
        f"Cost on this machine: building the index {build_ms:.0f} ms once per process; answering a "
        f"message p50 {statistics.median(costs):.1f} ms, p95 {p95:.1f} ms "
        f"({len(costs)} answers).",
        "",
        "The held-out precise-answer rate is asserted by `tests/e2e/test_answers_holdout.py`.",
        "",
    ]
    REPORT.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
