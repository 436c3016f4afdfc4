"""The visitor's last question for each queue row, read from Rasa's tracker and kept briefly,
so a console full of open tabs asks Rasa about each waiting visitor a few times a minute at most."""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable, Dict, Iterable, Optional, Tuple

from bot.handoff.rasa_api import RasaUnavailable

log = logging.getLogger(__name__)

KEEP_FOR = 5.0  # seconds


class LastQuestions:
    def __init__(self, fetch: Callable[[str], Optional[str]],
                 clock: Callable[[], float] = time.monotonic):
        self._fetch = fetch  # blocking: conversation id -> last question (RasaClient.last_question)
        self._clock = clock
        self._known: Dict[str, Tuple[float, Optional[str]]] = {}
        self._lock = threading.Lock()  # several streams ask at once, each from a worker thread

    def of(self, conversation_ids: Iterable[str]) -> Dict[str, Optional[str]]:
        """conversation id -> last question (None when unknown or Rasa does not answer).
        Blocking: call it off the event loop."""
        wanted = list(conversation_ids)
        with self._lock:
            now = self._clock()
            self._known = {cid: known for cid, known in self._known.items() if cid in wanted}
            for cid in wanted:
                known = self._known.get(cid)
                if known is None or now - known[0] > KEEP_FOR:
                    self._known[cid] = (now, self._fetch_one(cid))
            return {cid: self._known[cid][1] for cid in wanted}

    def _fetch_one(self, conversation_id: str) -> Optional[str]:
        try:
            return self._fetch(conversation_id)
        except RasaUnavailable as exc:
            log.warning("Last question of a waiting visitor unavailable: %s", exc)
            return None
