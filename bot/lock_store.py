"""Rasa's Redis lock store, with each change of a conversation's lock made atomic.

Rasa 3.6's `RedisLockStore` changes a lock by reading it, changing it in Python and writing it
back. Two Rasa processes working on one conversation (a visitor whose widget reconnected to the
other process, or a counsellor's message pushed through it) interleave those steps: one process's
write drops the ticket the other has just issued, or its clean-up deletes the lock the other is
waiting on. The waiting message then fails with `LockError`, or waits for a ticket nobody holds
until it expires (60 s). tests/cluster/test_fanout.py met both. (Rasa Pro's answer is its
ConcurrentRedisLockStore, RasaHQ/rasa#11256; Open Source does not have it.)

Here every read-change-write runs as a Redis transaction (WATCH/MULTI/EXEC through redis-py's
`transaction`, which runs the change again when another client touched the key meanwhile), and the
clean-up checks for waiters and deletes in the same transaction. Rasa loads the class from
endpoints.yml: `lock_store: type: bot.lock_store.AtomicRedisLockStore`.
"""
from __future__ import annotations

import json
from typing import Any, Callable, Optional, Tuple

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

# A change gets the current lock (None if there is none) and returns what the caller gets back
# and the lock to store (None: delete it).
Change = Callable[[Optional[TicketLock]], Tuple[Any, Optional[TicketLock]]]


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig) -> None:
        # Rasa builds custom lock stores from the endpoint config; the settings are those of
        # `type: redis` (url is the host).
        super().__init__(host=endpoint_config.url, **endpoint_config.kwargs)

    def _change(self, conversation_id: str, change: Change) -> Any:
        key = self.key_prefix + conversation_id
        outcome: list = []

        def apply(pipe: Any) -> None:
            raw = pipe.get(key)  # immediate: the key is being watched
            current = TicketLock.from_dict(json.loads(raw)) if raw else None
            result, changed = change(current)
            pipe.multi()
            if changed is None:
                pipe.delete(key)
            else:
                pipe.set(key, changed.dumps())
            outcome[:] = [result]

        self.red.transaction(apply, key)
        return outcome[0]

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: Optional[TicketLock]) -> Tuple[int, TicketLock]:
            lock = lock or self.create_lock(conversation_id)
            return lock.issue_ticket(lock_lifetime), lock

        try:
            return self._change(conversation_id, issue)
        except Exception as exc:  # Rasa's contract: any failure here is a LockError
            raise LockError(f"Error while acquiring lock. Error:\n{exc}") from exc

    def update_lock(self, conversation_id: str) -> None:
        def drop_expired(lock: Optional[TicketLock]) -> Tuple[None, Optional[TicketLock]]:
            if lock:
                lock.remove_expired_tickets()
            return None, lock

        self._change(conversation_id, drop_expired)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def finish(lock: Optional[TicketLock]) -> Tuple[None, Optional[TicketLock]]:
            if lock:
                lock.remove_ticket_for(ticket_number)
            return None, lock

        self._change(conversation_id, finish)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Finish the ticket, and delete the lock if no one else waits, in one transaction."""
        def finish_and_clean(lock: Optional[TicketLock]) -> Tuple[None, Optional[TicketLock]]:
            if lock:
                lock.remove_ticket_for(ticket_number)
                if lock.is_someone_waiting():
                    return None, lock
            return None, None

        self._change(conversation_id, finish_and_clean)
