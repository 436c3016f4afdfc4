"""The Rasa HTTP client: transcript building and clear failures."""
import asyncio
import datetime as dt

import pytest
from aiohttp.test_utils import TestServer

from bot.handoff import protocol
from bot.handoff.protocol import COUNSELLOR_METADATA_KEY
from bot.handoff.rasa_api import RasaClient, RasaUnavailable, transcript_from_events
from tests.handoff.support import TOKEN, RasaPeer, free_port_url


def test_transcript_keeps_visitor_bot_and_counsellor_lines_in_order():
    events = [
        {"event": "action", "name": "action_listen", "timestamp": 1.0},
        {"event": "user", "text": "Hej", "timestamp": 1795000000.0},
        {"event": "user", "text": "/request_counsellor", "timestamp": 1795000001.0},
        {"event": "bot", "text": "Et øjeblik.", "timestamp": 1795000002.0},
        {"event": "pause", "timestamp": 1795000003.0},
        {"event": "bot", "text": "Hej, jeg er Anne.", "timestamp": 1795000004.0,
         "metadata": {COUNSELLOR_METADATA_KEY: "anne"}},
        {"event": "bot", "text": None, "data": {"buttons": []}},
        {"event": "user", "text": "Tak!", "timestamp": 1795000005.0},
    ]
    lines = transcript_from_events(events)
    assert [(l.who, l.text, l.counsellor) for l in lines] == [
        ("visitor", "Hej", None),
        ("bot", "Et øjeblik.", None),
        ("counsellor", "Hej, jeg er Anne.", "anne"),
        ("visitor", "Tak!", None),
    ]
    assert lines[0].timestamp == dt.datetime.fromtimestamp(1795000000.0, tz=dt.timezone.utc)


def test_the_visitor_leaving_is_a_line_of_the_transcript():
    events = [
        {"event": "user", "text": "Hej", "timestamp": 1795000000.0},
        dict(protocol.status_event(protocol.STATUS_WAITING, position=1), timestamp=1795000001.0),
        dict(protocol.status_event(protocol.STATUS_CANCELLED), timestamp=1795000002.0),
        {"event": "bot", "data": {"custom": {"data": {protocol.HANDOFF_STATUS_KEY: "unknown"}}}},
        {"event": "bot", "data": {"custom": "not a status"}},
    ]
    lines = transcript_from_events(events)
    assert [(l.who, l.text) for l in lines] == [("visitor", "Hej"), ("status", protocol.STATUS_CANCELLED)]


def test_wrong_token_and_unreachable_rasa_raise_rasa_unavailable():
    async def scenario():
        server = TestServer(RasaPeer().app)
        await server.start_server()
        try:
            url = str(server.make_url("")).rstrip("/")
            loop = asyncio.get_running_loop()
            good = RasaClient(url, token=TOKEN, timeout=3)
            await loop.run_in_executor(None, good.push_bot_message, "c 1/ø", "Hej")
            assert await loop.run_in_executor(None, good.transcript, "c 1/ø") != []
            with pytest.raises(RasaUnavailable):
                await loop.run_in_executor(None, RasaClient(url, token="wrong").tracker, "c1")
        finally:
            await server.close()

    asyncio.run(scenario())
    with pytest.raises(RasaUnavailable):
        RasaClient(free_port_url(), timeout=1).tracker("c1")
