"""Rate limits of the web server's visitor routes (visitor API, feedback, typing), kept where
every replica sees them: the `limits` library with its Redis storage when REDIS_URL is set (the
cluster) and process memory otherwise (`make run`), through bot.ratelimit.SharedLimits. Counted per address group (an IPv4 address,
an IPv6 /64; behind nginx the address in X-Forwarded-For, see bot.chat.address).

The library's Redis client blocks, so each check runs in a worker thread, off the event loop.
When Redis cannot be reached the request is let through (and logged): a rate limit must not take
the visitor API down with it.
"""
from __future__ import annotations

from aiohttp import web
from limits import RateLimitItem, RateLimitItemPerMinute

from bot.chat.address import address_group, client_address
from bot.ratelimit import SharedLimits

# A moving window: at most `amount` requests in any minute per address group. The widget asks for
# the history once per (re)connection and cancels at most once per hand-off; it rates each answer
# once; it marks typing every 3 s while the visitor types, and reconnects its typing stream.
VISITOR_API = RateLimitItemPerMinute(30, namespace="visitor-api")
FEEDBACK = RateLimitItemPerMinute(20, namespace="feedback")
TYPING = RateLimitItemPerMinute(40, namespace="typing")


async def allows(limits: SharedLimits, limit: RateLimitItem, request: web.Request) -> bool:
    """Count the request against `limit` for its address; False beyond it."""
    address = address_group(client_address(request.remote, request.headers.get("X-Forwarded-For")))
    return await limits.allows_off_loop(limit, address)
