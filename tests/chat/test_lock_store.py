"""Two Rasa processes take turns on one conversation through the Redis lock store (bot/lock_store.py).

Each thread below has its own store and its own Redis connections, as a Rasa process has, and
they take the lock for the same conversation over and over. With Rasa's own RedisLockStore
(read, change in Python, write back) one process's write drops the other's ticket or deletes the
lock it waits on: `LockError`, or two holders at once.
"""
import asyncio
import threading
import uuid
from urllib.parse import urlsplit

from rasa.utils.endpoints import EndpointConfig
from redis import Redis

from bot.lock_store import AtomicRedisLockStore

PROCESSES = 3
TURNS = 60


def _store(redis_url: str) -> AtomicRedisLockStore:
    """The lock store as Rasa's endpoints in the cluster configure it (deploy/k8s/config.yaml)."""
    url = urlsplit(redis_url)
    config = {"url": url.hostname or "localhost", "port": url.port or 6379,
              "db": int(url.path.lstrip("/") or 0), "key_prefix": "evejleder"}
    if url.password:
        config["password"] = url.password
    return AtomicRedisLockStore(EndpointConfig(**config))


def test_processes_taking_turns_on_one_conversation_never_overlap_or_fail(redis_server):
    conversation = uuid.uuid4().hex
    holders = []  # who holds the lock now: never more than one
    overlaps, failures, served = [], [], []

    async def take_turns(store: AtomicRedisLockStore, name: int) -> None:
        for turn in range(TURNS):
            try:
                async with store.lock(conversation, lock_lifetime=30, wait_time_in_seconds=0.002):
                    holders.append(name)
                    if len(holders) > 1:
                        overlaps.append(list(holders))
                    await asyncio.sleep(0.001)
                    holders.remove(name)
                    served.append((name, turn))
            except Exception as exc:  # noqa: BLE001 - every failure is a finding here
                failures.append(repr(exc))

    threads = [threading.Thread(target=asyncio.run, args=(take_turns(_store(redis_server.url), n),))
               for n in range(PROCESSES)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert failures == []
    assert overlaps == []
    assert len(served) == PROCESSES * TURNS
    # The last one out deleted the lock: nothing is left behind to expire.
    assert not Redis.from_url(redis_server.url).exists(f"evejleder:lock:{conversation}")
