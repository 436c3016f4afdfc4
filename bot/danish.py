"""Danish phrasing shared by the chat answers (actions/) and the cluster's fallback answer."""
from __future__ import annotations

from typing import Iterable


def enumerate_da(items: Iterable[str], last: str = "og") -> str:
    """'a, b og c' (or 'a, b eller c')."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {last} {items[-1]}"
