"""python-socketio's Redis client manager, made loud when Redis is down.

With it, `sio.emit` in any Rasa process goes through Redis pub/sub and every process
delivers it to the visitors connected to it. python-socketio 5.9 only logs "Cannot publish
to redis... giving up" and returns None when Redis is unreachable; here that raises, so the
caller (Rasa's tracker-events API, the chat channel) reports an error instead of a message
silently vanishing.

While Redis is down, python-socketio's listener retries with a back-off that doubles up to a
minute, and every message published after Redis is back but before the listener has subscribed
again reaches no visitor. Here the listener retries every second, so that gap is a second or two.

Between processes the queue carries JSON only. python-socketio writes pickles and tries
`pickle.loads` on whatever it reads, so whoever could write to this Redis could run code in Rasa;
here both the writer and the reader are replaced: a message that is not a JSON object is logged
and dropped, never unpickled. Still keep Redis on localhost or behind a password
(docs/security.md): a JSON message can still reach visitors.
"""
from __future__ import annotations

import asyncio
import json
import logging
from typing import Any

import socketio
from redis.exceptions import RedisError

from bot.config import without_password

log = logging.getLogger(__name__)

CHANNEL = "evejleder-socketio"
RETRY_SECONDS = 1.0


class ChatQueueUnavailable(RuntimeError):
    """Redis did not take a socket.io message."""


class CheckedRedisManager(socketio.AsyncRedisManager):
    def __init__(self, url: str):
        # A down Redis should fail in seconds, not hang the chat.
        super().__init__(url, channel=CHANNEL, logger=log,
                         redis_options={"socket_connect_timeout": 3})

    async def _publish(self, data: Any) -> Any:
        """python-socketio 5.9's publish (one reconnect, then give up), writing JSON, and loud."""
        text = json.dumps(data)
        try:
            return await self.redis.publish(self.channel, text)
        except RedisError:
            log.error("Cannot publish to redis... retrying")
        try:
            self._redis_connect()
            return await self.redis.publish(self.channel, text)
        except RedisError as exc:
            raise ChatQueueUnavailable(
                f"Redis at {without_password(self.redis_url)} did not take the message") from exc

    async def _listen(self):
        """The messages on the channel, decoded here so that python-socketio's reader, which
        would unpickle bytes, only ever sees a dict."""
        async for message in super()._listen():
            try:
                data = json.loads(message)
            except (TypeError, ValueError):
                data = None
            if isinstance(data, dict):
                yield data
            else:
                log.warning("Dropped a socket.io queue message that is not a JSON object")

    async def _redis_listen_with_retries(self):
        """python-socketio 5.9's own loop, with a fixed one-second retry instead of its back-off."""
        connect = False
        while True:
            try:
                if connect:
                    self._redis_connect()
                    await self.pubsub.subscribe(self.channel)
                async for message in self.pubsub.listen():
                    yield message
            except RedisError:
                log.error("Cannot receive from redis... retrying in %s secs", RETRY_SECONDS)
                connect = True
                await asyncio.sleep(RETRY_SECONDS)

    async def ping(self) -> None:
        try:
            await self.redis.ping()
        except Exception as exc:  # noqa: BLE001 - any failure means the same to an operator
            raise ChatQueueUnavailable(
                f"Redis at {without_password(self.redis_url)} is unreachable: {type(exc).__name__}") from exc


def use_redis(sio: socketio.AsyncServer, url: str) -> CheckedRedisManager:
    """Swap the server's client manager; only valid before the first client connects
    (python-socketio initialises the manager on the first connection)."""
    if sio.manager_initialized:
        raise RuntimeError("the socket.io client manager is already in use")
    manager = CheckedRedisManager(url)
    sio.manager = manager
    manager.set_server(sio)
    return manager
