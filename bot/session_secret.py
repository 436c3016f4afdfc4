"""The secret that proves a browser owns a conversation id.

The socket.io channel issues the secret with a conversation (`session_confirm`); the widget
keeps it and sends it to reopen the conversation after a reload, and with every visitor-API
request. Knowing a conversation id alone opens nothing.

The secret is an HMAC-SHA256 of the conversation id under one server key, so every Rasa
process and the web server check it without shared state: they only need the same key.
The key is `CHAT_SESSION_KEY` (at least 32 characters; give every host of a cluster the same),
else the file `var/chat_session.key`, made on first use, which the processes of one machine share.
Changing the key makes every stored secret invalid: visitors then start a new conversation.
"""
from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path
from typing import Any, Optional

from bot.config import Settings, settings

KEY_VARIABLE = "CHAT_SESSION_KEY"
MIN_KEY_CHARS = 32


def _key_from_file(path: Path) -> bytes:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
        try:
            os.link(draft, path)  # atomic, and refused if another process got there first
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip().encode()


def session_key(config: Optional[Settings] = None) -> bytes:
    """Asked on every call (cheap), so tests and CLIs can set the environment."""
    config = config or settings()
    configured = config.chat_session_key
    if configured:
        if len(configured) < MIN_KEY_CHARS:
            raise ValueError(f"{KEY_VARIABLE} must have at least {MIN_KEY_CHARS} characters")
        return configured.encode()
    return _key_from_file(config.chat_session_key_path)


def session_secret(session_id: str, key: Optional[bytes] = None) -> str:
    return hmac.new(key or session_key(), session_id.encode(), hashlib.sha256).hexdigest()


def owns_session(session_id: Any, secret: Any, key: Optional[bytes] = None) -> bool:
    """True if `secret` is the one issued with `session_id`."""
    if not isinstance(session_id, str) or not isinstance(secret, str):
        return False
    expected = session_secret(session_id, key).encode()
    return hmac.compare_digest(expected, secret.encode("utf-8", "replace"))
