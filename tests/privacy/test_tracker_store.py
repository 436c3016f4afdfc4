"""The tracker store removes the contact details of a callback's last turn once Rasa has saved it:
the turn the callback action runs in reaches the database only after the action."""
import asyncio
import datetime as dt

import pytest
from sqlalchemy import text

from bot.privacy.rasa_records import tracker_engine
from tests.privacy.test_rasa_records import slot, user

rasa_events = pytest.importorskip("rasa.shared.core.events")
from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.core.trackers import DialogueStateTracker  # noqa: E402

from bot.tracker_store import StrictSQLTrackerStore  # noqa: E402

PHONE = "20 30 40 50"
DOMAIN = Domain.from_dict({
    "slots": {name: {"type": "text", "mappings": [{"type": "custom"}]}
              for name in ("callback_contact", "callback_question", "callback_time")},
})


def stored(url, sender):
    engine = tracker_engine(url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"),
                                  {"s": sender}).scalars().all()
    engine.dispose()
    return " ".join(rows)


def last_turn(at, action):
    """The callback form's last answer, with a phone number in the free text, and what follows."""
    answer = f"hverdage efter kl. 16 på {PHONE}"
    return [
        slot("requested_slot", "callback_time", at),
        rasa_events.BotUttered("Hvornår må vi ringe?", timestamp=at),
        user(answer, at),
        slot("callback_time", answer, at),
        slot("requested_slot", None, at),
        rasa_events.ActionExecuted(action, timestamp=at),
        rasa_events.BotUttered(f"Tak! En eVejleder kontakter dig ({answer}).", timestamp=at),
    ]


@pytest.fixture
def store(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    rasa_store = StrictSQLTrackerStore(DOMAIN, host=url)
    yield rasa_store, url
    rasa_store.engine.dispose()


def test_a_contact_detail_in_the_last_turn_is_gone_once_rasa_has_saved_it(store):
    rasa_store, url = store
    now = dt.datetime.now(dt.timezone.utc).timestamp()
    tracker = DialogueStateTracker.from_events("ida", [rasa_events.SessionStarted(timestamp=now)],
                                               slots=DOMAIN.slots)
    asyncio.run(rasa_store.save(tracker))  # the turns before, as Rasa saved them
    for event in last_turn(now, "action_submit_callback"):
        tracker.update(event)
    asyncio.run(rasa_store.save(tracker))

    record = stored(url, "ida")
    assert PHONE not in record and "hverdage efter kl. 16" in record
    assert "[kontaktoplysning fjernet]" in record
    # Rasa reads the conversation back and extends it.
    again = asyncio.run(rasa_store.retrieve("ida"))
    again.update(user("tak", now))
    asyncio.run(rasa_store.save(again))
    assert '"tak"' in stored(url, "ida")


def test_a_turn_without_a_callback_is_stored_as_it_is(store):
    rasa_store, url = store
    now = dt.datetime.now(dt.timezone.utc).timestamp()
    tracker = DialogueStateTracker.from_events("bo", last_turn(now, "action_listen"), slots=DOMAIN.slots)
    asyncio.run(rasa_store.save(tracker))
    assert PHONE in stored(url, "bo")
