import asyncio

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import services
from bot.launch.stack import fresh_stack


@pytest.fixture(scope="session")
def article_db(tmp_path_factory):
    """A migrated database holding the ingested article; the actions read from it."""
    return fresh_stack(tmp_path_factory.mktemp("actions-db")).env["DATABASE_URL"]


@pytest.fixture
def run_action(article_db, monkeypatch, tmp_path):
    monkeypatch.setenv("DATABASE_URL", article_db)
    # No tracker store here (Rasa never ran): removing contact details from it is a no-op.
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path / 'tracker.db'}")
    services.reset()

    def run(action, text="", intent="", entities=(), events=None, slots=None, channel="rest",
            sender="test-visitor", domain=None, metadata=None, ranking=None):
        events = list(events or [])
        events.append({"event": "user", "text": text, "input_channel": channel,
                       "parse_data": {"intent": {"name": intent}}})
        tracker = Tracker(
            sender_id=sender,
            slots=slots or {},
            latest_message={
                "text": text,
                "intent": {"name": intent, "confidence": ranking[0][1] if ranking else 1.0},
                "intent_ranking": [{"name": n, "confidence": c} for n, c in ranking or ()],
                "entities": [{"entity": e, "value": v} for e, v in entities],
                "metadata": metadata or {},
            },
            events=events,
            paused=False,
            followup_action=None,
            active_loop={},
            latest_action_name="action_listen",
        )
        dispatcher = CollectingDispatcher()
        result = asyncio.run(action.run(dispatcher, tracker, domain or {}))
        return dispatcher.messages, result

    yield run
    services.reset()
