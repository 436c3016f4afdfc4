"""Chat-window formatting of store records: bullet lists and Danish enumerations."""
from __future__ import annotations

from typing import Iterable

BULLET = "•"


def bullets(items: Iterable[str]) -> str:
    return "\n".join(f"{BULLET} {item}" for item in items)


def enumerate_da(items: Iterable[str], last: str = "og") -> str:
    """'a, b og c' (or 'a, b eller c')."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"


def source_line(source) -> str:
    return f'{source.publisher}, "{source.title}"'
