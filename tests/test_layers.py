"""Dependencies point one way: actions/ -> bot/, bot/web -> bot/handoff and bot/knowledge.

Read from the source (every import statement, also those inside functions), so a lazy import
that reaches the wrong way is caught as well."""
from __future__ import annotations

import ast
from pathlib import Path
from typing import Iterator, Tuple

import pytest

REPO = Path(__file__).resolve().parents[1]


def imports(package: str) -> Iterator[Tuple[str, str]]:
    """(file, imported module) for every import in the package's Python files."""
    for path in sorted((REPO / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                yield str(path.relative_to(REPO)), name


def reaching(package: str, forbidden: Tuple[str, ...]):
    return [(path, name) for path, name in imports(package)
            if any(name == f or name.startswith(f + ".") for f in forbidden)]


@pytest.mark.parametrize("package, forbidden", [
    ("bot", ("rasa_sdk", "actions", "tests", "deploy")),
    # Personal data is handled below everything that keeps it.
    ("bot/privacy", ("bot.handoff", "bot.insight", "bot.web", "bot.chat", "bot.knowledge", "bot.launch")),
    ("bot/handoff", ("bot.web", "bot.chat", "bot.insight")),
    ("bot/knowledge", ("bot.web", "bot.handoff", "bot.chat")),
    ("bot/insight", ("bot.web", "bot.chat")),
    ("actions", ("tests",)),
    ("bench", ("tests",)),
    ("nlu_eval", ("tests",)),
    ("deploy", ("tests", "actions")),
])
def test_no_import_points_the_wrong_way(package, forbidden):
    assert reaching(package, forbidden) == []


def test_rasas_records_do_not_depend_on_the_hand_off():
    records = [(path, name) for path, name in imports("bot")
               if path in ("bot/privacy/rasa_records.py", "bot/insight/rasa_events.py", "bot/tracker_store.py")]
    assert records and [(p, n) for p, n in records if n.startswith("bot.handoff")] == []


def test_the_check_sees_imports_inside_functions():
    assert ("bot/__main__.py", "bot.knowledge.ingest") in set(imports("bot"))


# ---- Settings: the one reader of the environment and of configuration files ------------------
# Handing a copy of the environment to a child process (`dict(os.environ)`) is not a read.
# Files that are no configuration may be opened where they are used: the servers' logs, the
# session key file its module creates, the article being ingested, a trained component's own
# files in Rasa's model storage.
NOT_CONFIGURATION = {
    "bot/session_secret.py", "bot/launch/process.py", "bot/launch/services.py", "bot/knowledge/ingest.py",
    "bot/nlu/spelling.py", "bot/nlu/store_entities.py",
}


def reads(source: str, opens_files: bool) -> Iterator[Tuple[int, str]]:
    """(line, what) for each environment read, YAML load and (if `opens_files`) file read."""
    tree = ast.parse(source)
    copies = {id(node.args[0]) for node in ast.walk(tree)
              if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "dict" and len(node.args) == 1}
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module == "os" \
                and {alias.name for alias in node.names} & {"environ", "getenv"}:
            yield node.lineno, "from os import environ/getenv"
        elif isinstance(node, ast.Attribute) and getattr(node.value, "id", "") == "os" \
                and node.attr in ("environ", "getenv") and id(node) not in copies:
            yield node.lineno, f"os.{node.attr}"
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) \
                and getattr(node.func.value, "id", "") == "yaml" and "load" in node.func.attr:
            yield node.lineno, f"yaml.{node.func.attr}"
        elif opens_files and isinstance(node, ast.Call) and \
                (getattr(node.func, "id", "") == "open"
                 or getattr(node.func, "attr", "") in ("open", "read_text", "read_bytes")):
            yield node.lineno, "a file read"


@pytest.mark.parametrize("package", ["bot", "actions"])
def test_only_the_settings_read_the_environment_and_configuration_files(package):
    found = []
    for path in sorted((REPO / package).rglob("*.py")):
        name = str(path.relative_to(REPO))
        if name != "bot/config.py":
            found += [(name, line, what) for line, what in
                      reads(path.read_text(encoding="utf-8"), opens_files=name not in NOT_CONFIGURATION)]
    assert found == []


def test_the_settings_check_sees_each_kind_of_read():
    source = ("import os\nimport yaml\nA = os.environ.get('A')\nB = os.getenv('B')\n"
              "C = yaml.safe_load(open('c.yml'))\nD = dict(os.environ)\nE = environ.get('E')\n")
    assert sorted(reads(source, opens_files=True)) == [
        (3, "os.environ"), (4, "os.getenv"), (5, "a file read"), (5, "yaml.safe_load")]
