"""The visitor's address, trusting X-Forwarded-For only from a proxy on this machine.

nginx (`proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for`) appends the address it
saw to whatever the client sent, so only the LAST entry is trustworthy; earlier entries are
the client's own claims.
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
from typing import Dict, Optional

from bot.handoff.protocol import ADDRESS_METADATA_KEY
from bot.session_secret import session_key

UNKNOWN = "unknown"


def is_loopback(address: Optional[str]) -> bool:
    try:
        return ipaddress.ip_address(address or "").is_loopback
    except ValueError:
        return False


def client_address(peer: Optional[str], forwarded_for: Optional[str]) -> str:
    """`peer` is the socket's remote address; `forwarded_for` the X-Forwarded-For header."""
    if forwarded_for and is_loopback(peer):
        last = forwarded_for.split(",")[-1].strip()
        if last:
            return last
    return peer or UNKNOWN


def address_metadata(address: str) -> Dict[str, str]:
    """What a visitor's message carries of their address: a keyed hash (not reversible without
    the server key, the same on every Rasa process), so the hand-off queue can count waiting cases
    per address. Loopback (rasa shell, tests, a local proxy without X-Forwarded-For) carries none."""
    if is_loopback(address) or address == UNKNOWN:
        return {}
    tag = hmac.new(session_key(), b"address:" + address.encode(), hashlib.sha256).hexdigest()[:32]
    return {ADDRESS_METADATA_KEY: tag}
