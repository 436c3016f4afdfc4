"""The visitor's conversation id (the socket.io session id the widget sends).

Whoever knows it can read that conversation through the visitor API, so it must be a long
random token: uuid4().hex (what Rasa itself generates, and what the widget makes) or the
dashed UUID form. Anything else is refused before it reaches Rasa, a log or a database.
"""
from __future__ import annotations

import re
from typing import Any

SESSION_ID = re.compile(
    r"[0-9a-f]{32}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", re.IGNORECASE
)


def is_session_id(value: Any) -> bool:
    return isinstance(value, str) and SESSION_ID.fullmatch(value) is not None
