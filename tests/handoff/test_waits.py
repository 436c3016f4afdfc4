"""The queue's clock: expected waits from recent claims, callback offers, places told, leavers."""
import asyncio
import datetime as dt

from aiohttp.test_utils import TestServer

from bot.handoff import protocol
from bot.handoff.rasa_api import RasaClient
from bot.handoff.timing import HandoffTiming
from bot.handoff.visitor_presence import VisitorPresence
from bot.handoff.waits import QueueWaits
from bot.handoff.watch import OFFER_CALLBACK_ACTION, HandoffWatch
from tests.handoff.support import TOKEN, RasaPeer, free_port_url

TIMING = HandoffTiming(offer_callback_after=dt.timedelta(minutes=5),
                       visitor_gone_after=dt.timedelta(seconds=120))


def claim_after(queue, clock, conversation, minutes):
    case = queue.open_case(conversation)
    clock.advance(minutes=minutes)
    return queue.claim(case.id, "anne")


def test_no_estimate_until_three_recent_claims(queue, session_factory, clock):
    waits = QueueWaits(session_factory, clock)
    assert waits.estimate_minutes(1) is None
    claim_after(queue, clock, "a", 2)
    claim_after(queue, clock, "b", 4)
    assert waits.estimate_minutes(1) is None
    claim_after(queue, clock, "c", 3)
    assert waits.estimate_minutes(1) == 3  # the median wait of a first place
    assert waits.estimate_minutes(2) == 6
    clock.advance(hours=25)
    assert waits.estimate_minutes(1) is None, "claims older than a day say nothing of today"


def test_the_estimate_counts_the_place_each_visitor_arrived_at(queue, session_factory, clock):
    waits = QueueWaits(session_factory, clock)
    # Three visitors arrive together and are taken 2, 4 and 6 minutes later: 2 minutes a place.
    cases = [queue.open_case(f"conv-{i}") for i in range(3)]
    for case in cases:
        clock.advance(minutes=2)
        queue.claim(case.id, "anne")
    assert waits.wait_per_place() == dt.timedelta(minutes=2)
    assert waits.estimate_minutes(3) == 6


def test_a_callback_is_offered_once_to_whoever_waited_too_long(queue, session_factory, clock):
    waits = QueueWaits(session_factory, clock)
    early = queue.open_case("early")
    clock.advance(minutes=3)
    queue.open_case("late")
    clock.advance(minutes=2)
    assert [c.id for c in waits.due_for_callback_offer(TIMING.offer_callback_after)] == [early.id]
    waits.callback_offered(early.id)
    assert waits.due_for_callback_offer(TIMING.offer_callback_after) == []
    assert queue.get(early.id).status == "waiting", "the offer keeps the place"


def watch_against(peer_url, queue, session_factory, clock):
    return HandoffWatch(queue, VisitorPresence(session_factory, clock), QueueWaits(session_factory, clock),
                        RasaClient(peer_url, token=TOKEN, timeout=3), timing=lambda: TIMING)


def run_with_peer(scenario):
    async def main():
        peer = RasaPeer()
        server = TestServer(peer.app)
        await server.start_server()
        try:
            await scenario(peer, str(server.make_url("")).rstrip("/"))
        finally:
            await server.close()
    asyncio.run(main())


def test_the_watch_offers_callbacks_tells_new_places_and_ends_departed_cases(queue, session_factory, clock):
    first, second = queue.open_case("first"), queue.open_case("second")
    for conversation in ("first", "second"):  # as the hand-off action does on opening the case
        VisitorPresence(session_factory, clock).back(conversation)

    async def scenario(peer, url):
        watch = watch_against(url, queue, session_factory, clock)
        await asyncio.to_thread(watch.tick)
        assert peer.posts == [], "the bot told each visitor its place on opening the case"

        queue.claim(first.id, "anne")
        await asyncio.to_thread(watch.tick)
        assert [(cid, body) for cid, _, body in peer.posts] == [
            ("second", [protocol.status_event(protocol.STATUS_WAITING, position=1)])], "the second moves up"
        assert peer.posts[0][1]["output_channel"] == "socketio"

        clock.advance(minutes=5)
        await asyncio.to_thread(watch.tick)
        assert peer.posts[-1][0] == "second" and peer.posts[-1][2] == {"name": OFFER_CALLBACK_ACTION}
        assert peer.posts[-1][1]["output_channel"] == "socketio"
        posts = len(peer.posts)
        await asyncio.to_thread(watch.tick)
        assert len(peer.posts) == posts, "once per case"

        VisitorPresence(session_factory, clock).away("first")
        clock.advance(seconds=120)
        await asyncio.to_thread(watch.tick)
        assert peer.posts[-1][0] == "first"
        assert peer.posts[-1][2][-1] == protocol.status_event(protocol.STATUS_CANCELLED)
        assert queue.get(first.id).status == "cancelled"

    run_with_peer(scenario)


def test_the_watch_ends_a_waiting_case_whose_visitor_was_never_connected(queue, session_factory, clock):
    junk = queue.open_case("never-connected")
    present = queue.open_case("present")
    VisitorPresence(session_factory, clock).back("present")

    async def scenario(peer, url):
        watch = watch_against(url, queue, session_factory, clock)
        clock.advance(seconds=119)
        await asyncio.to_thread(watch.tick)
        assert queue.get(junk.id).status == "waiting"
        clock.advance(seconds=1)
        await asyncio.to_thread(watch.tick)
        assert queue.get(junk.id).status == "cancelled", "shown as: den besøgende har forladt samtalen"
        assert [e.kind for e in queue.events(junk.id)][-1] == "never_present"
        ended = [body for cid, _, body in peer.posts if cid == "never-connected"]
        assert ended and ended[-1][-1] == protocol.status_event(protocol.STATUS_CANCELLED), "the bot answers again"
        assert queue.get(present.id).status == "waiting"

    run_with_peer(scenario)


def test_with_rasa_down_a_departed_case_stays_open_until_rasa_is_told(queue, session_factory, clock):
    case = queue.open_case("conv-a")
    VisitorPresence(session_factory, clock).away("conv-a")
    clock.advance(minutes=10)
    watch = watch_against(free_port_url(), queue, session_factory, clock)
    watch.tick()
    assert queue.get(case.id).status == "waiting", "a returning visitor must not find a paused bot alone"
    assert QueueWaits(session_factory, clock).due_for_callback_offer(TIMING.offer_callback_after) != []
