"""The web server's short-lived state, kept in this process's memory: what wakes the console's
event streams, and who is typing. Both matter for seconds, and there is one web server."""
from __future__ import annotations

import asyncio
import time
from typing import Callable, Dict, Optional, Tuple

VISITOR, COUNSELLOR = "visitor", "counsellor"
SHOWN_FOR = 5.0  # seconds a typing mark counts; the sides send one every 3 s while typing


class Changes:
    """Wakes every waiting console stream when this process changed something."""

    def __init__(self) -> None:
        self._event = asyncio.Event()
        self.closing = False

    def notify(self) -> None:
        self._event.set()
        self._event = asyncio.Event()

    def close(self) -> None:
        self.closing = True
        self.notify()

    async def wait(self, timeout: float) -> None:
        event = self._event
        try:
            await asyncio.wait_for(event.wait(), timeout)
        except asyncio.TimeoutError:
            pass


class TypingMarks:
    """When each side of a conversation last typed."""

    def __init__(self, clock: Callable[[], float] = time.monotonic):
        self._clock = clock
        self._marks: Dict[Tuple[str, str], float] = {}

    def mark(self, conversation_id: str, who: str) -> None:
        now = self._clock()
        self._marks = {key: at for key, at in self._marks.items() if now - at < SHOWN_FOR}
        self._marks[(conversation_id, who)] = now

    def clear(self, conversation_id: str, who: str) -> None:
        """`who` has sent what she typed: the mark is over before its few seconds are."""
        self._marks.pop((conversation_id, who), None)

    def typing(self, conversation_id: str, who: str) -> bool:
        return self.since(conversation_id, who) is not None

    def since(self, conversation_id: str, who: str) -> Optional[float]:
        """When `who` last typed, while that still counts; else None."""
        at = self._marks.get((conversation_id, who))
        return at if at is not None and self._clock() - at < SHOWN_FOR else None
