"""The generated no-action baseline of `make bench` answers topic questions with plain responses."""
import filecmp

import yaml

from bench.baseline import PLAIN_ANSWER, generate, plain_response, topic_actions
from bot.config import REPO_ROOT as REPO


def steps(data):
    for flow in data.get("rules", []) + data.get("stories", []):
        yield from flow["steps"]


def test_topic_actions_become_plain_responses_and_nothing_else_changes(tmp_path):
    project = generate(tmp_path / "baseline")
    domain = yaml.safe_load((project / "domain.yml").read_text())
    actions = topic_actions()
    assert "action_answer_salary" in actions and "action_fallback" not in actions

    used = set()
    for path in (project / "data").rglob("*.yml"):
        used |= {step.get("action") for step in steps(yaml.safe_load(path.read_text()))}
    assert not used & set(actions), "a rule or story still runs a store action"
    assert {plain_response(a) for a in actions} <= used
    for action in actions:
        assert domain["responses"][plain_response(action)] == [{"text": PLAIN_ANSWER}]
    assert "action_fallback" in used and "action_request_counsellor" in used

    original = yaml.safe_load((REPO / "domain.yml").read_text())
    assert domain["intents"] == original["intents"] and domain["slots"] == original["slots"]
    nlu = sorted(p.name for p in (REPO / "data" / "nlu").glob("*.yml"))
    match, mismatch, errors = filecmp.cmpfiles(REPO / "data" / "nlu", project / "data" / "nlu", nlu,
                                               shallow=False)
    assert match == nlu and not mismatch and not errors
