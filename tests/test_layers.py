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
    ("bot/handoff", ("bot.web", "bot.chat")),
    ("bot/knowledge", ("bot.web", "bot.handoff", "bot.chat")),
    ("bot/insight", ("bot.web", "bot.chat")),
    ("actions", ("tests",)),
    ("bench", ("tests",)),
    ("nlu_eval", ("tests",)),
    ("deploy", ("tests", "actions")),
])
def test_no_import_points_the_wrong_way(package, forbidden):
    assert reaching(package, forbidden) == []


def test_the_check_sees_imports_inside_functions():
    assert ("bot/__main__.py", "bot.knowledge.ingest") in set(imports("bot"))
