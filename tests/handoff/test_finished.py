"""The list of finished cases: search by text and day, pages; over HTTP on a real database."""
import datetime as dt
import json

from sqlalchemy import create_engine, insert

from bot.handoff.counsellors import Counsellors
from bot.handoff.queue import HandoffQueue
from bot.privacy.rasa_records import EVENTS
from bot.web import texts
from tests.handoff.support import FAST_HASHER
from tests.handoff.test_console import console, login, run, setup_data


def close_cases(session_factory, clock, count, note="Henvist til a-kassen."):
    queue = HandoffQueue(session_factory, clock)
    ids = []
    for index in range(count):
        case = queue.open_case(f"done-{index}-{note[:5]}")
        queue.claim(case.id, "anne")
        queue.close(case.id, "anne", f"{note} ({index})")
        ids.append(case.id)
        clock.advance(minutes=1)
    return ids


def test_finished_cases_are_found_by_note_message_and_day(session_factory, clock):
    queue = HandoffQueue(session_factory, clock)
    first = close_cases(session_factory, clock, 1, "Talte om 50%_rabat på diplomuddannelsen")[0]
    clock.advance(days=2)
    chatted = queue.open_case("chat")
    queue.claim(chatted.id, "bo")
    queue.record_message(chatted.id, "bo", "Se efteruddannelse på ug.dk")
    queue.close(chatted.id, "bo")
    still_open = queue.open_case("open")

    assert [c.id for c in queue.finished().cases] == [chatted.id, first]
    assert [c.id for c in queue.finished("DIPLOM").cases] == [first]
    assert [c.id for c in queue.finished("50%_").cases] == [first]  # wildcards are plain text
    assert queue.finished("5_%").total == 0
    assert [c.id for c in queue.finished("ug.dk").cases] == [chatted.id]  # a counsellor message
    assert [c.id for c in queue.finished("bo").cases] == [chatted.id]  # the counsellor
    assert queue.finished("", since=clock() - dt.timedelta(days=1)).total == 1
    assert queue.finished("", until=clock() - dt.timedelta(days=1)).total == 1
    assert queue.finished().cases[1].notes == ("Talte om 50%_rabat på diplomuddannelsen (0)",)
    assert still_open.id not in [c.id for c in queue.finished().cases]


def test_the_page_searches_pages_and_refuses_bad_input_politely(database_url, session_factory, clock):
    setup_data(session_factory)
    ids = close_cases(session_factory, clock, 23)
    close_cases(session_factory, clock, 1, "<script>alert(1)</script>")

    async def scenario():
        async with console(database_url, session_factory) as (client, _):
            anonymous = await client.get("/console/afsluttede", allow_redirects=False)
            assert anonymous.status == 303
            await login(client)
            first = await (await client.get("/console/afsluttede")).text()
            assert "24 samtaler fundet, side 1 af 2." in first
            assert "&lt;script&gt;alert(1)&lt;/script&gt; (0)" in first and "<script>alert" not in first
            assert 'href="/console/afsluttede?side=2"' in first
            second = await (await client.get("/console/afsluttede?side=2")).text()
            assert f"Samtale nr. {ids[0]}<" in second and "Forrige side" in second
            found = await (await client.get("/console/afsluttede?q=a-kassen.+(22)")).text()
            assert "1 samtale fundet." in found and f"Samtale nr. {ids[22]}<" in found
            day = clock().astimezone(texts.LOCAL_TZ).date().isoformat()
            dated = await (await client.get(f"/console/afsluttede?fra={day}&til={day}")).text()
            assert "24 samtaler fundet" in dated
            for query, error in [("q=" + "x" * 201, texts.SEARCH_TOO_LONG.format(limit=200)),
                                 ("fra=1.12.2026", texts.SEARCH_BAD_DATE),
                                 ("til=2026-13-45", texts.SEARCH_BAD_DATE)]:
                response = await client.get("/console/afsluttede?" + query)
                assert response.status == 400 and error in await response.text()
                assert "24 samtaler fundet" in await response.text()  # the rest of the search still works
            for page in ["0", "-1", "abc", "9" * 30, "99"]:
                response = await client.get(f"/console/afsluttede?side={page}")
                assert response.status == 200

    run(scenario)


def test_the_list_shows_and_finds_the_counsellor_by_display_name(database_url, session_factory, clock):
    setup_data(session_factory)
    Counsellors(session_factory, FAST_HASHER).add("cecilie", "et langt kodeord til test", "Cecilie Holm")
    queue = HandoffQueue(session_factory, clock)
    case = queue.open_case("done-cecilie")
    queue.claim(case.id, "cecilie")
    queue.close(case.id, "cecilie", "Henvist til studievalg.")

    async def scenario():
        async with console(database_url, session_factory) as (client, _):
            await login(client)
            for query in ["Henvist", "cecilie+holm"]:
                found = await (await client.get(f"/console/afsluttede?q={query}")).text()
                assert "1 samtale fundet." in found and "<td>Cecilie Holm</td>" in found
                assert "<td>cecilie</td>" not in found

    run(scenario)


def test_the_search_finds_what_the_visitor_wrote_but_never_a_phone_number(
        database_url, session_factory, clock, tmp_path):
    setup_data(session_factory)
    queue = HandoffQueue(session_factory, clock)
    case = queue.open_case("visitor-words")
    queue.claim(case.id, "anne")
    queue.close(case.id, "anne", "Henvist til studievalg.")
    still_open = queue.open_case("still-open")
    # Rasa's tracker store as its SQLTrackerStore writes it: one row per event, the event as JSON.
    tracker_url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = create_engine(tracker_url)
    EVENTS.metadata.create_all(engine)
    with engine.begin() as connection:
        for sender, said in [("visitor-words", "Hvordan bliver jeg afdelingsleder?"),
                             ("visitor-words", "Ring på 23 45 67 89"),
                             ("still-open", "Er afdelingsleder et godt job?")]:
            connection.execute(insert(EVENTS).values(
                sender_id=sender, type_name="user", timestamp=1.0,
                data=json.dumps({"event": "user", "text": said, "timestamp": 1.0})))
    engine.dispose()

    async def scenario():
        async with console(database_url, session_factory, tracker_url=tracker_url) as (client, _):
            await login(client)
            found = await (await client.get("/console/afsluttede?q=Afdelingsleder")).text()
            assert "1 samtale fundet." in found and f"Samtale nr. {case.id}<" in found
            assert f"Samtale nr. {still_open.id}<" not in found  # only finished cases
            for number in ["23+45+67+89", "ida%40eksempel.dk"]:
                refused = await client.get(f"/console/afsluttede?q={number}")
                page = await refused.text()
                assert refused.status == 400 and texts.SEARCH_CONTACT in page
                assert "23 45 67 89" not in page
            partial = await (await client.get("/console/afsluttede?q=67+89")).text()
            assert "0 samtaler fundet." in partial  # the number is masked before it is searched

    run(scenario)
