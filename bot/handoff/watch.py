"""The hand-off's clock: ends cases whose visitor has gone, tells waiting visitors their new
place as the queue moves, and offers a callback to whoever has waited too long.

Run by the web server (`python -m bot web`) every few seconds; every step is a single
conditional change in the database, so a second web process doing the same does no harm.
"""
from __future__ import annotations

import asyncio
import logging
import time
from typing import Callable, Dict, Optional, Tuple

from bot.handoff import protocol
from bot.handoff.queue import LEFT, NEVER_PRESENT, CaseInfo, HandoffQueue
from bot.handoff.rasa_api import RasaClient, RasaUnavailable
from bot.handoff.timing import HandoffTiming
from bot.handoff.visitor_presence import VisitorPresence
from bot.handoff.waits import QueueWaits, minutes_at

log = logging.getLogger(__name__)

WATCH_INTERVAL_SECONDS = 2.0
# The action that offers a waiting visitor a callback (actions/handoff.py).
OFFER_CALLBACK_ACTION = "action_offer_callback_in_queue"


def end_for_departed_visitor(queue: HandoffQueue, rasa: RasaClient, conversation_id: str,
                             kind: str = LEFT) -> Optional[CaseInfo]:
    """The visitor has gone: give the conversation back to the bot with the "cancelled" status
    (the line "Den besøgende har forladt samtalen" in the counsellor's transcript), then end the
    case, noting why (`kind`: the case event). Raises RasaUnavailable, leaving the case open, when
    Rasa cannot be told: a visitor who comes back must never find a paused bot without a case."""
    if queue.case_for_conversation(conversation_id) is None:
        return None
    rasa.resume(conversation_id, protocol.STATUS_CANCELLED)
    return queue.visitor_left(conversation_id, kind)


class HandoffWatch:
    def __init__(self, queue: HandoffQueue, presence: VisitorPresence, waits: QueueWaits,
                 rasa: RasaClient, timing: Callable[[], HandoffTiming]):
        self.queue, self.presence, self.waits, self.rasa = queue, presence, waits, rasa
        self.timing = timing
        self._told: Dict[int, Tuple[int, Optional[int]]] = {}  # case id -> (place, minutes) told
        self.last_success: Optional[float] = None  # time.monotonic() of the last complete tick

    def tick(self) -> None:
        timing = self.timing()
        self.end_departed(timing)
        self.offer_callbacks(timing)
        self.tell_places()

    def end_departed(self, timing: HandoffTiming) -> None:
        """Ends the cases whose visitor has been away past the grace period, and the waiting cases
        whose visitor was never seen connected in that time (they would hold places forever)."""
        gone_after = timing.visitor_gone_after
        ending = [(case, LEFT, "the visitor has gone") for case in self.presence.departed(gone_after)]
        ending += [(case, NEVER_PRESENT, "the visitor was never connected")
                   for case in self.presence.unseen(gone_after)]
        for case, kind, reason in ending:
            try:
                end_for_departed_visitor(self.queue, self.rasa, case.conversation_id, kind)
                log.info("Case %s ended: %s", case.id, reason)
            except RasaUnavailable as exc:
                log.warning("Case %s: %s, Rasa not told yet: %s", case.id, reason, exc)

    def offer_callbacks(self, timing: HandoffTiming) -> None:
        """Once per case: the bot wakes and offers a callback; the case keeps its place."""
        for case in self.waits.due_for_callback_offer(timing.offer_callback_after):
            try:
                self.rasa.execute_action(case.conversation_id, OFFER_CALLBACK_ACTION)
            except RasaUnavailable as exc:
                log.warning("Case %s: callback offer not made yet: %s", case.id, exc)
                continue
            self.waits.callback_offered(case.id)

    def tell_places(self) -> None:
        """A waiting visitor hears of a new place or estimate; the first sight of a case only
        notes what the bot told it on opening the case."""
        now: Dict[int, Tuple[int, Optional[int]]] = {}
        waiting = self.queue.waiting()
        per_place = self.waits.wait_per_place() if waiting else None
        for case in waiting:
            minutes = minutes_at(per_place, case.position)
            now[case.id] = (case.position, minutes)
            if case.id in self._told and self._told[case.id] != now[case.id]:
                try:
                    self.rasa.append_events(case.conversation_id, [protocol.status_event(
                        protocol.STATUS_WAITING, position=case.position, wait_minutes=minutes)])
                except RasaUnavailable as exc:
                    log.warning("Case %s: new place not told: %s", case.id, exc)
                    now[case.id] = self._told[case.id]
        self._told = now

    async def run_forever(self, interval: float = WATCH_INTERVAL_SECONDS) -> None:
        """tick() every `interval` seconds, off the event loop, until cancelled."""
        while True:
            try:
                await asyncio.to_thread(self.tick)
                self.last_success = time.monotonic()
            except Exception:  # a database hiccup must not stop the watch
                log.exception("The hand-off watch failed; trying again")
            await asyncio.sleep(interval)
