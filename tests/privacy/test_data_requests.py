"""A visitor's rights: one person's data found by session id, phone or e-mail, exported and deleted
from the bot's database and Rasa's tracker store (written by Rasa's own SQLTrackerStore), with
every step in the access log."""
import asyncio
import datetime as dt
import json

import pytest
from sqlalchemy import text

from bot.__main__ import main
from bot.config import settings
from bot.data_requests import build
from bot.handoff.queue import HandoffQueue
from bot.insight.figures import ReviewItem
from bot.insight.review import ReviewLabelData, ReviewLabels
from bot.privacy.access_log import AccessLog
from bot.privacy.rasa_records import tracker_engine
from bot.privacy.requests import EMAIL, PHONE, SESSION, RequestError, parse_subject

rasa_events = pytest.importorskip("rasa.shared.core.events")
from rasa.core.tracker_store import SQLTrackerStore  # noqa: E402
from rasa.shared.core.domain import Domain  # noqa: E402
from rasa.shared.core.trackers import DialogueStateTracker  # noqa: E402

NOW = dt.datetime.now(dt.timezone.utc)


def conversation(sender, said):
    at = NOW.timestamp()
    return DialogueStateTracker.from_events(sender, [
        rasa_events.SessionStarted(timestamp=at),
        rasa_events.UserUttered(said, {"name": "inform", "confidence": 1.0}, timestamp=at),
        rasa_events.BotUttered("Tak, en vejleder ringer dig op.", timestamp=at),
    ])


@pytest.fixture
def tracker_url(tmp_path):
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    store = SQLTrackerStore(Domain.empty(), host=url)
    asyncio.run(store.save(conversation("ida-session", "ring til mig på 20 30 40 50 om lønnen")))
    asyncio.run(store.save(conversation("other-session", "hvad tjener en leder")))
    store.engine.dispose()
    return url


@pytest.fixture
def tracker(tracker_url):
    engine = tracker_engine(tracker_url)
    yield engine
    engine.dispose()


@pytest.fixture
def kept(session_factory):
    """Ida's case (with a counsellor's message), callback request and review label; and someone else's."""
    queue = HandoffQueue(session_factory)
    case = queue.open_case("ida-session", ["løn"])
    queue.claim(case.id, "mette")
    queue.record_message(case.id, "mette", "Hej Ida, jeg ringer senere")
    queue.add_callback("ida-session", "+45 20 30 40 50", "phone", "Hvad tjener en leder?", None, True)
    queue.add_callback(None, "ida@eksempel.dk", "email", "Skriv til mig", None, True)
    queue.open_case("other-session", [])
    ReviewLabels(session_factory).label(
        ReviewItem(id=7, conversation_id="ida-session", text="ring til mig", time=NOW,
                   predicted_intent=None, confidence=None, reasons=("low",), comment=None),
        "irrelevant", "mette")
    return queue


def tracker_senders(tracker):
    with tracker.connect() as connection:
        return set(connection.execute(text("SELECT DISTINCT sender_id FROM events")).scalars())


@pytest.mark.parametrize("typed, kind, value", [
    ("20304050", PHONE, "+45 20 30 40 50"),
    ("+45 20 30 40 50", PHONE, "+45 20 30 40 50"),
    (" Ida@Eksempel.DK ", EMAIL, "Ida@eksempel.dk"),
    ("ida-session", SESSION, "ida-session"),
])
def test_a_person_is_named_by_session_phone_or_email(typed, kind, value):
    subject = parse_subject(typed)
    assert (subject.kind, subject.value) == (kind, value)


@pytest.mark.parametrize("typed", ["", "   ", None, 42, "<script>alert(1)</script>", "x" * 300,
                                   "ring på 20 30 40 50 eller 30 40 50 60"])
def test_input_that_names_no_one_gets_a_danish_message(typed):
    with pytest.raises(RequestError) as error:
        parse_subject(typed)
    assert any(word in str(error.value) for word in ("Skriv", "hverken", "langt", "ligner"))


def test_found_by_phone_exported_and_deleted_everywhere(session_factory, kept, tracker):
    requests = build(session_factory, settings(), tracker)

    found = requests.find("20 30 40 50", "mette")
    assert found.conversations == {"ida-session"} and found.failures == []

    export = json.loads(json.dumps(requests.export("20304050", "mette"), ensure_ascii=False))
    assert export["fejl"] == []
    everything = json.dumps(export, ensure_ascii=False)
    assert "ring til mig på 20 30 40 50 om lønnen" in everything, "Rasa's record of the conversation"
    assert "Hej Ida, jeg ringer senere" in everything, "the counsellor's message"
    assert "Hvad tjener en leder?" in everything, "the callback request"
    assert "irrelevant" in everything, "the review label"
    assert "hvad tjener en leder\"" not in everything and "other-session" not in everything

    deleted = requests.delete("+45 20 30 40 50", "mette")
    assert deleted.complete, deleted.failures
    assert tracker_senders(tracker) == {"other-session"}
    assert requests.find("ida-session", "mette").conversations == set()
    assert [c.conversation_id for c in kept.list_callbacks()] == [None], "the e-mail's request is not hers"
    assert kept.case_for_conversation("other-session") is not None
    assert ReviewLabels(session_factory).labels() == {}

    log = AccessLog(session_factory).recent()
    assert [row.action for row in log] == ["search", "delete", "search", "export", "search", "search"]
    assert {row.actor for row in log} == {"mette"}
    assert log[1].subject == "phone:+45 20 30 40 50" and "Samtaler i Rasa: 3" in log[1].detail


def test_a_callback_without_conversation_is_found_by_email(session_factory, kept, tracker):
    requests = build(session_factory, settings(), tracker)
    export = requests.export("IDA@eksempel.dk", "mette")
    assert export["samtaler"] == [] and "Skriv til mig" in json.dumps(export, ensure_ascii=False)
    requests.delete("ida@EKSEMPEL.dk", "mette")
    assert [c.contact for c in kept.list_callbacks()] == ["+45 20 30 40 50"]


def test_unknown_ids_find_nothing_and_delete_nothing(session_factory, kept, tracker):
    requests = build(session_factory, settings(), tracker)
    deleted = requests.delete("no-such-session", "mette")
    assert deleted.complete and sum(deleted.counts.values()) == 0
    assert tracker_senders(tracker) == {"ida-session", "other-session"}


def test_without_rasas_store_deletion_says_what_failed(session_factory, kept):
    requests = build(session_factory, settings(), None)
    deleted = requests.delete("ida-session", "mette")
    assert not deleted.complete
    assert deleted.failures == ["Samtaler i Rasa kunne ikke søges i: Rasas samtaler kunne ikke findes "
                                "(ingen SQL tracker store sat op).",
                                "Samtaler i Rasa kunne ikke slettes fra: Rasas samtaler kunne ikke findes "
                                "(ingen SQL tracker store sat op)."]
    assert kept.case_for_conversation("ida-session") is None, "the rest is still deleted"
    assert "fejl" in AccessLog(session_factory).recent()[0].detail


def test_review_labels_are_found_only_by_conversation(session_factory, kept):
    holder = ReviewLabelData(session_factory)
    assert holder.find(parse_subject("ida-session")) == {"ida-session"}
    assert holder.find(parse_subject("20304050")) == set()


def test_the_access_log_has_its_own_retention(session_factory):
    old = AccessLog(session_factory, clock=lambda: NOW - dt.timedelta(days=400))
    old.record("mette", "view", "case:1")
    log = AccessLog(session_factory, clock=lambda: NOW)
    log.record("mette", "view", "case:2")
    assert log.purge(dt.timedelta(days=365)) == 1
    assert [row.subject for row in log.recent()] == ["case:2"]


def test_the_command_finds_exports_and_deletes(database_url, session_factory, kept, tracker_url,
                                               monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("TRACKER_DATABASE_URL", tracker_url)

    assert main(["data-request", "find", "20 30 40 50", "--by", "anne"]) == 0
    assert capsys.readouterr().out.split() == ["ida-session"]
    assert main(["data-request", "export", "ida-session", "--by", "anne"]) == 0
    assert "Hej Ida" in json.loads(capsys.readouterr().out)["Samtaler med vejledere og opkaldsønsker"][0][
        "hændelser"][1]["tekst"]
    assert main(["data-request", "delete", "ida-session", "--by", "anne"]) == 0
    assert main(["data-request", "find", "ida-session", "--by", "anne"]) == 0
    assert "Ingen samtaler" in capsys.readouterr().err
    assert main(["data-request", "find", "   ", "--by", "anne"]) == 2
    assert "Skriv et samtale-id" in capsys.readouterr().err
    actions = [(row.actor, row.action) for row in AccessLog(session_factory).recent()]
    assert ("cli:anne", "delete") in actions and ("cli:anne", "export") in actions


def test_the_retention_purge_applies_the_access_logs_own_period(database_url, session_factory,
                                                                 tracker_url, monkeypatch, capsys):
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("TRACKER_DATABASE_URL", tracker_url)
    monkeypatch.setenv("ACCESS_LOG_RETENTION_DAYS", "365")
    AccessLog(session_factory, clock=lambda: NOW - dt.timedelta(days=400)).record("mette", "view", "case:1")
    AccessLog(session_factory, clock=lambda: NOW - dt.timedelta(days=100)).record("mette", "view", "case:2")
    assert main(["purge", "--older-than", "30d"]) == 0
    assert "1 access log row(s)" in capsys.readouterr().out
    assert [row.subject for row in AccessLog(session_factory).recent()] == ["case:2"]


def test_the_migration_creates_exactly_the_access_log_model(database_url):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from bot.db import Base, make_engine

    engine = make_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={
            "include_object": lambda obj, name, type_, reflected, compare_to:
                type_ != "table" or name.startswith("privacy_"),
        })
        diff = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert diff == []
