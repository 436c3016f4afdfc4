"""The no-action baseline: the same assistant, but topic questions answered by a plain response.

Generated from the real domain and training data on every run (never committed as a second
domain): every action that a rule in data/rules/topics.yml runs is replaced, wherever a rule or
story uses it, by an `utter_bench_*` response with a fixed Danish sentence. NLU data, config and
every other rule stay the same, so both models understand messages alike and differ only in how
a topic question is answered: a custom action reading the store, or a response from the domain.
"""
from __future__ import annotations

import shutil
from pathlib import Path
from typing import Dict, List

import yaml

from bot.config import REPO_ROOT as REPO

TOPIC_RULES = REPO / "data" / "rules" / "topics.yml"
PLAIN_ANSWER = "Et fast svar uden opslag (baseline for målingerne)."


def topic_actions() -> List[str]:
    rules = yaml.safe_load(TOPIC_RULES.read_text())["rules"]
    return sorted({step["action"] for rule in rules for step in rule["steps"]
                   if step.get("action", "").startswith("action_")})


def plain_response(action: str) -> str:
    return "utter_bench_" + action.removeprefix("action_")


def _replace_actions(node, replacements: Dict[str, str]):
    if isinstance(node, dict):
        return {key: (replacements.get(value, value) if key == "action" else
                      _replace_actions(value, replacements)) for key, value in node.items()}
    if isinstance(node, list):
        return [_replace_actions(item, replacements) for item in node]
    return node


def _dump(data, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def generate(dest: Path) -> Path:
    """Write domain.yml and data/ of the baseline into `dest`; returns `dest`."""
    replacements = {action: plain_response(action) for action in topic_actions()}
    shutil.rmtree(dest, ignore_errors=True)
    domain = yaml.safe_load((REPO / "domain.yml").read_text())
    # The topic actions stay declared: action_fallback may still hand over to one of them.
    for response in replacements.values():
        domain["responses"][response] = [{"text": PLAIN_ANSWER}]
    _dump(domain, dest / "domain.yml")
    for source in sorted((REPO / "data").rglob("*.yml")):
        target = dest / "data" / source.relative_to(REPO / "data")
        if source.is_relative_to(REPO / "data" / "nlu"):
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)  # NLU data unchanged, byte for byte
        else:
            _dump(_replace_actions(yaml.safe_load(source.read_text()), replacements), target)
    return dest
