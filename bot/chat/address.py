"""The visitor's address, trusting X-Forwarded-For only from a known proxy.

nginx (`proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for`) appends the address it
saw to whatever the client sent, so only the LAST entry is trustworthy; earlier entries are
the client's own claims. The header is believed only when the connection comes from loopback
(`make run`, a proxy on this machine) or from TRUSTED_PROXIES: comma-separated addresses or
networks (in a cluster, the network nginx's pods get their addresses from). From anywhere
else the header is ignored, so a client cannot choose the address its limits are counted on.

Limits and caps count an address group, not an address: one IPv4 address, or one IPv6 /64
(the smallest network a provider hands a household, which holds 2^64 addresses to rotate through).
"""
from __future__ import annotations

import hashlib
import hmac
import ipaddress
from functools import lru_cache
from typing import Dict, Optional, Tuple, Union

from bot.config import settings
from bot.handoff.protocol import ADDRESS_METADATA_KEY
from bot.session_secret import session_key

UNKNOWN = "unknown"


def is_loopback(address: Optional[str]) -> bool:
    try:
        return ipaddress.ip_address(address or "").is_loopback
    except ValueError:
        return False


Network = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]


@lru_cache(maxsize=8)
def _networks(text: str) -> Tuple[Network, ...]:
    return tuple(ipaddress.ip_network(part.strip(), strict=False)
                 for part in text.split(",") if part.strip())


def is_trusted_proxy(peer: Optional[str]) -> bool:
    """Loopback, or inside TRUSTED_PROXIES (asked on every call, so tests can set it)."""
    if is_loopback(peer):
        return True
    try:
        address = ipaddress.ip_address(peer or "")
    except ValueError:
        return False
    return any(address in network for network in _networks(settings().trusted_proxies))


def client_address(peer: Optional[str], forwarded_for: Optional[str]) -> str:
    """`peer` is the socket's remote address; `forwarded_for` the X-Forwarded-For header."""
    if forwarded_for and is_trusted_proxy(peer):
        last = forwarded_for.split(",")[-1].strip()
        if last:
            return last
    return peer or UNKNOWN


def address_group(address: str) -> str:
    """What limits and caps count: an IPv6 address's /64 ("2001:db8:1:2::/64"), an IPv4 address
    (also one written as IPv4-mapped IPv6) as itself; anything unreadable as it is."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        if not ip.is_loopback:
            return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)


def address_metadata(address: str) -> Dict[str, str]:
    """What a visitor's message carries of their address: a keyed hash of its group (not reversible
    without the server key, the same on every Rasa process), so the hand-off queue can count waiting
    cases per address. The channel computes it from the connection; no client can send it
    (bot/chat/guard.py keeps only the widget's keys). Loopback (rasa shell, tests, a local proxy
    without X-Forwarded-For) carries none."""
    if is_loopback(address) or address == UNKNOWN:
        return {}
    group = address_group(address)
    tag = hmac.new(session_key(), b"address:" + group.encode(), hashlib.sha256).hexdigest()[:32]
    return {ADDRESS_METADATA_KEY: tag}
