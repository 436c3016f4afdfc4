"""Chat-window formatting of store records: bullet lists and source lines."""
from __future__ import annotations

import re
from typing import Dict, Iterable

BULLET = "•"


def bullets(items: Iterable[str]) -> str:
    return "\n".join(f"{BULLET} {item}" for item in items)


def source_line(source) -> str:
    line = f"{source.publisher}, »{source.title}«"
    return f"{line} – {source.url}" if source.url else line


def with_links(text: str, links: Dict[str, str]) -> str:
    """`text` with the first mention of each named place followed by its address."""
    for name, url in links.items():
        text = re.sub(rf"\b{re.escape(name)}\b", f"{name} ({url})", text, count=1)
    return text


def continued(text: str) -> str:
    """`text` continuing a sentence begun before it: its first letter in lower case, unless the
    first word is written in capitals ("NGO'er")."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text
