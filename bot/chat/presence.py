"""Tells the hand-off when a visitor's chat window goes away and comes back.

The socket.io channel reports each connection's session and its end. A conversation is away
when its last connection to this process closes (a second tab keeps it present), back when a
connection asks for its session again; bot/handoff/visitor_presence.py keeps only the changes
of conversations with an open case. A failure here is logged and never touches the chat.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Callable, Dict, Optional

from bot.handoff.visitor_presence import VisitorPresence

log = logging.getLogger(__name__)


def _default_presence() -> VisitorPresence:
    """The bot's database, as the Rasa process's settings name it (Rasa builds the channel)."""
    from bot.config import settings
    from bot.db import make_engine, make_session_factory

    return VisitorPresence(make_session_factory(make_engine(settings().database_url)))


class ConnectionPresence:
    def __init__(self, presence: Callable[[], VisitorPresence] = _default_presence):
        self._make_presence = presence
        self._presence: Optional[VisitorPresence] = None
        self._sessions: Dict[str, str] = {}  # socket id -> session id

    async def connected(self, sid: str, session_id: str) -> None:
        self._sessions[sid] = session_id
        await self._tell("back", session_id)

    async def disconnected(self, sid: str) -> None:
        session_id = self._sessions.pop(sid, None)
        if session_id is None or session_id in self._sessions.values():
            return
        await self._tell("away", session_id)

    async def _tell(self, change: str, session_id: str) -> None:
        try:
            if self._presence is None:
                self._presence = self._make_presence()
            await asyncio.to_thread(getattr(self._presence, change), session_id)
        except Exception as exc:
            # Only the error's type: database errors quote the statement's parameters.
            log.error("Visitor presence not recorded (%s): %s", change, type(exc).__name__)
