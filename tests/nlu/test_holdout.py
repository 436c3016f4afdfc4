"""Intent accuracy on held-out messages written separately from the training data.

The model is trained with fixed seeds (config.yml), so the figure is reproducible.
"""
import asyncio
import re
from collections import Counter
from difflib import SequenceMatcher
from pathlib import Path

import pytest
from rasa.core.agent import Agent
from rasa.shared.nlu.training_data.loading import load_data

REPO = Path(__file__).resolve().parents[2]
MODEL = REPO / "models" / "evejleder.tar.gz"
HOLDOUT = REPO / "tests" / "nlu_holdout.yml"
OUT_OF_SCOPE_HOLDOUT = REPO / "tests" / "nlu_out_of_scope_holdout.yml"
NOT_UNDERSTOOD = {"out_of_scope", "nlu_fallback", "ask_other_job"}


@pytest.fixture(scope="module")
def parse():
    agent = Agent.load(str(MODEL))
    loop = asyncio.new_event_loop()
    yield lambda text: loop.run_until_complete(agent.parse_message(text))
    loop.close()


def predictions(parse, path):
    examples = load_data(str(path)).intent_examples
    return [(ex.get("text"), ex.get("intent"), parse(ex.get("text"))) for ex in examples]


def normalised(text):
    return " ".join(re.sub(r"[^\wæøå ]", " ", text.lower()).split())


def test_held_out_examples_are_not_in_the_training_data():
    """Not even nearly: lower case, punctuation dropped, and >= 90 % similar counts as a copy."""
    training = [normalised(ex.get("text")) for ex in load_data(str(REPO / "data" / "nlu")).intent_examples]
    exact = set(training)
    for path in (HOLDOUT, OUT_OF_SCOPE_HOLDOUT):
        leaked = []
        for example in load_data(str(path)).intent_examples:
            text = normalised(example.get("text"))
            if text in exact or any(SequenceMatcher(None, text, t).ratio() >= 0.9 for t in training):
                leaked.append(example.get("text"))
        assert not leaked, f"held-out examples (nearly) copied into training data: {leaked}"


def test_held_out_intent_accuracy(parse):
    results = predictions(parse, HOLDOUT)
    assert len(results) >= 150
    errors = [(text, gold, p["intent"]["name"]) for text, gold, p in results if p["intent"]["name"] != gold]
    accuracy = 1 - len(errors) / len(results)
    print(f"held-out intent accuracy {accuracy:.3f} on {len(results)} examples")
    for error in errors:
        print("  ", error)
    assert accuracy >= 0.93, errors


def test_held_out_entities(parse):
    results = predictions(parse, HOLDOUT)
    examples = {ex.get("text"): ex for ex in load_data(str(HOLDOUT)).intent_examples}
    expected, found = Counter(), Counter()
    for text, _, parsed in results:
        gold = {(e["entity"], e["value"]) for e in examples[text].get("entities", [])}
        got = {(e["entity"], e["value"]) for e in parsed.get("entities", [])}
        expected[True] += len(gold)
        found[True] += len(gold & got)
    recall = found[True] / expected[True]
    print(f"held-out entity recall {recall:.3f} on {expected[True]} entities")
    assert recall >= 0.85


def test_out_of_scope_messages_are_not_taken_for_leader_questions(parse):
    results = predictions(parse, OUT_OF_SCOPE_HOLDOUT)
    wrong = [(text, p["intent"]["name"]) for text, _, p in results if p["intent"]["name"] not in NOT_UNDERSTOOD]
    share = 1 - len(wrong) / len(results)
    print(f"out-of-scope held-out: {share:.3f} handled as not about the article")
    assert share >= 0.85, wrong
