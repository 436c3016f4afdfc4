"""Chat-window formatting of store records: bullet lists and source lines."""
from __future__ import annotations

from typing import Iterable

BULLET = "•"


def bullets(items: Iterable[str]) -> str:
    return "\n".join(f"{BULLET} {item}" for item in items)


def source_line(source) -> str:
    return f'{source.publisher}, "{source.title}"'
