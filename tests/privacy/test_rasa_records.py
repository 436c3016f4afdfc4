"""Rasa's stored conversations, written by Rasa's own SQLTrackerStore (SQLite and PostgreSQL):
contact details removed in place, old events purged, and Rasa still reads and extends them."""
import asyncio
import dataclasses
import datetime as dt
import json
import uuid

import pytest
from sqlalchemy import text

from bot.config import REPO_ROOT, settings
from bot.language.e5 import TEXT_VECTOR, pack, query_vector
from bot.privacy.rasa_records import REDACTED, RasaRecords, tracker_database_url, tracker_engine
from bot.launch.services import create_database, drop_database

rasa_events = pytest.importorskip("rasa.shared.core.events")
from rasa.core.tracker_store import SQLTrackerStore  # noqa: E402
from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.core.trackers import DialogueStateTracker  # noqa: E402

CONTACT = "ida.privat@eksempel.dk"
DOMAIN = Domain.from_dict({
    "slots": {name: {"type": "text", "mappings": [{"type": "custom"}]}
              for name in ("callback_contact", "callback_question")},
})


@pytest.fixture(params=["sqlite", "postgresql"])
def tracker_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'tracker.db'}"
        return
    admin_url, _template = request.getfixturevalue("postgres_server")
    name = f"tracker_{uuid.uuid4().hex[:12]}"
    url = create_database(admin_url, name)
    yield url
    drop_database(admin_url, name)


@pytest.fixture
def rasa_store(tracker_url):
    store = SQLTrackerStore(DOMAIN, host=tracker_url)
    yield store
    store.engine.dispose()


def user(text, at):
    # As Rasa stores a message: with the meaning vector the intent classifier computed from its text.
    return rasa_events.UserUttered(text, {"name": "inform", "confidence": 1.0},
                                   parse_data={"text": text, "intent": {"name": "inform"},
                                               TEXT_VECTOR: pack(query_vector(text))}, timestamp=at)


def slot(name, value, at):
    return rasa_events.SlotSet(name, value, timestamp=at)


def callback_conversation(sender, at):
    return DialogueStateTracker.from_events(sender, [
        rasa_events.SessionStarted(timestamp=at),
        slot("requested_slot", "callback_contact", at),
        rasa_events.BotUttered("Hvilken e-mail?", timestamp=at),
        user("ida-privat@", at),  # an invalid first try is the visitor's answer too
        slot("requested_slot", "callback_contact", at),
        user(f"  {CONTACT} ", at),
        slot("callback_contact", f"  {CONTACT} ", at),
        slot("callback_contact", CONTACT, at),
        slot("requested_slot", "callback_question", at),
        user(f"skriv til {CONTACT} om lederuddannelser", at),
        slot("callback_question", f"skriv til {CONTACT} om lederuddannelser", at),
        slot("requested_slot", None, at),
        rasa_events.BotUttered(f"Tak, jeg skriver til {CONTACT}.", timestamp=at),
        user("tak", at),
    ], slots=DOMAIN.slots)


def stored_texts(tracker_url, sender):
    engine = tracker_engine(tracker_url)
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT data FROM events WHERE sender_id = :s ORDER BY id"),
                                  {"s": sender}).scalars().all()
    engine.dispose()
    return rows


def test_contact_answers_are_removed_in_place_and_rasa_goes_on(rasa_store, tracker_url):
    now = dt.datetime.now(dt.timezone.utc).timestamp()
    asyncio.run(rasa_store.save(callback_conversation("ida", now)))
    asyncio.run(rasa_store.save(callback_conversation("other", now)))
    before = stored_texts(tracker_url, "ida")

    engine = tracker_engine(tracker_url)
    changed = RasaRecords(engine).redact_answers("ida", "callback_contact")
    engine.dispose()

    after = stored_texts(tracker_url, "ida")
    assert len(after) == len(before)
    assert changed == 7  # two answers, two slot values, the question (event and slot), the bot line
    assert not any(CONTACT in row or "ida-privat@" in row for row in after)
    assert "lederuddannelser" in " ".join(after), "the rest of the conversation stays"
    # Where text was removed, so is the vector computed from it; elsewhere it stays.
    vectors = {json.loads(row)["text"]: TEXT_VECTOR in json.loads(row).get("parse_data", {})
               for row in after if json.loads(row).get("event") == "user"}
    assert vectors == {REDACTED: False, f"skriv til {REDACTED} om lederuddannelser": False, "tak": True}
    assert any(CONTACT in row for row in stored_texts(tracker_url, "other")), "only that visitor's"

    tracker = asyncio.run(rasa_store.retrieve("ida"))
    said = [e.text for e in tracker.events if isinstance(e, rasa_events.UserUttered)]
    assert said == [REDACTED, REDACTED, f"skriv til {REDACTED} om lederuddannelser", "tak"]
    assert tracker.get_slot("callback_contact") == REDACTED
    # Rasa saves only the events it has not stored yet, counted per session: the count is unchanged.
    tracker.update(user("hvad tjener en leder", now))
    asyncio.run(rasa_store.save(tracker))
    assert len(stored_texts(tracker_url, "ida")) == len(before) + 1


def test_contact_details_typed_before_the_form_are_removed_as_typed(rasa_store, tracker_url):
    now = dt.datetime.now(dt.timezone.utc).timestamp()
    asyncio.run(rasa_store.save(DialogueStateTracker.from_events("offer", [
        rasa_events.SessionStarted(timestamp=now),
        user("mit nummer er 23.45.67.89, hvad tjener en leder?", now),
        rasa_events.BotUttered("Vil du have, at en eVejleder ringer eller skriver til dig?", timestamp=now),
        user("ja, skriv til Ida.Privat@Eksempel.DK eller ring på 2345 6789", now),
        slot("callback_contact", "+45 23 45 67 89", now),
        slot("requested_slot", "callback_consent", now),
        rasa_events.BotUttered("Må jeg gemme +45 23 45 67 89 og dit spørgsmål?", timestamp=now),
        user("ja", now),
        slot("requested_slot", None, now),
    ], slots=DOMAIN.slots)))
    engine = tracker_engine(tracker_url)
    RasaRecords(engine).redact_answers("offer", "callback_contact")
    engine.dispose()

    after = " ".join(stored_texts(tracker_url, "offer"))
    for typed in ("23.45.67.89", "2345 6789", "23 45 67 89", "Ida.Privat@Eksempel.DK", "ida.privat"):
        assert typed.lower() not in after.lower()
    tracker = asyncio.run(rasa_store.retrieve("offer"))
    said = [e.text for e in tracker.events if isinstance(e, rasa_events.UserUttered)]
    assert said == [f"mit nummer er {REDACTED}, hvad tjener en leder?",
                    f"ja, skriv til {REDACTED} eller ring på {REDACTED}", "ja"]


def test_purge_deletes_events_older_than_the_cutoff(rasa_store, tracker_url):
    now = dt.datetime.now(dt.timezone.utc)
    asyncio.run(rasa_store.save(callback_conversation("old", (now - dt.timedelta(days=31)).timestamp())))
    asyncio.run(rasa_store.save(callback_conversation("recent", now.timestamp())))

    engine = tracker_engine(tracker_url)
    assert RasaRecords(engine).purge(now - dt.timedelta(days=30)) == 1
    engine.dispose()
    assert stored_texts(tracker_url, "old") == []
    assert len(stored_texts(tracker_url, "recent")) == 14
    assert asyncio.run(rasa_store.retrieve("old")) is None


def test_sqlite_keeps_no_copy_of_removed_text_in_the_file(rasa_store, tracker_url):
    if not tracker_url.startswith("sqlite"):
        pytest.skip("a file check")
    now = dt.datetime.now(dt.timezone.utc).timestamp()
    asyncio.run(rasa_store.save(callback_conversation("ida", now)))
    rasa_store.engine.dispose()
    path = tracker_url[len("sqlite:///"):]
    engine = tracker_engine(tracker_url)
    RasaRecords(engine).redact_answers("ida", "callback_contact")
    engine.dispose()
    assert CONTACT.encode() not in open(path, "rb").read()


def test_a_store_rasa_has_not_created_is_left_alone(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    records = RasaRecords(tracker_engine(url))
    assert records.redact_answers("ida", "callback_contact") == 0
    assert records.purge(dt.datetime.now(dt.timezone.utc)) == 0
    assert not (tmp_path / "tracker.db").exists()


def test_the_tracker_store_url_comes_from_the_environment_or_rasas_endpoints(tmp_path):
    endpoints = tmp_path / "endpoints.yml"

    def url_for(endpoints_text, environment=None):
        endpoints.write_text(endpoints_text)
        config = dataclasses.replace(settings(), tracker_database_url=environment,
                                     rasa_endpoints_path=endpoints)
        return tracker_database_url(config)

    plain = url_for('tracker_store:\n  type: SQL\n  dialect: "sqlite"\n  db: "var/tracker.db"\n')
    assert plain == f"sqlite:///{REPO_ROOT / 'var' / 'tracker.db'}"
    assert url_for("tracker_store:\n  type: bot.tracker_store.StrictSQLTrackerStore\n"
                   "  url: postgresql://u:pw@db/tracker\n") == "postgresql://u:pw@db/tracker"
    assert url_for("tracker_store:\n  type: SQL\n  dialect: postgresql\n  url: db\n  port: 5433\n"
                   "  db: tracker\n  username: u\n  password: pw\n") == "postgresql://u:pw@db:5433/tracker"
    assert url_for("tracker_store:\n  type: redis\n") is None
    assert url_for("tracker_store:\n  type: redis\n", "sqlite:////x.db") == "sqlite:////x.db"


def test_what_visitors_wrote_is_searched_with_personal_data_masked(rasa_store, tracker_url):
    now = dt.datetime.now(dt.timezone.utc).timestamp()
    asyncio.run(rasa_store.save(DialogueStateTracker.from_events("leder", [
        rasa_events.SessionStarted(timestamp=now),
        user("Hvordan bliver jeg Afdelingsleder?", now),
        user("ring på 23 45 67 89 eller skriv til ida.privat@eksempel.dk", now),
        rasa_events.BotUttered("En afdelingsleder ... (the bot's words are not the visitor's)", timestamp=now),
    ], slots=DOMAIN.slots)))
    asyncio.run(rasa_store.save(DialogueStateTracker.from_events("smed", [
        user("hvad tjener en smed?", now), rasa_events.BotUttered("afdelingsleder", timestamp=now),
    ], slots=DOMAIN.slots)))

    engine = tracker_engine(tracker_url)
    records = RasaRecords(engine)
    everyone = ["leder", "smed", "unknown"]
    assert records.senders_saying("afdelingsleder", everyone) == {"leder"}
    assert records.senders_saying("  SMED ", everyone) == {"smed"}
    assert records.senders_saying("afdelingsleder", ["smed"]) == set()
    for contact in ["23 45 67 89", "67 89", "ida.privat", "eksempel.dk", "@"]:
        assert records.senders_saying(contact, everyone) == set(), contact
    assert records.senders_saying("[telefonnummer]", everyone) == {"leder"}  # the mask, never the number
    assert records.senders_saying("", everyone) == set()
    engine.dispose()
    assert RasaRecords(None).senders_saying("smed", everyone) == set()
