"""Insight fixtures: Rasa's own SQL tracker store (a SQLite file of its own) filled through Rasa's
tracker objects, so the figures are read from the table exactly as Rasa writes it."""
import asyncio
import datetime as dt

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.db import make_engine
from bot.handoff.hours import OpeningHours
from tests.schedules import ALWAYS_OPEN

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.timezone.utc)
DOMAIN = Domain.from_dict({"slots": {"feedback": {"type": "any", "influence_conversation": False,
                                                  "mappings": [{"type": "custom"}]}}})


class Conversations:
    """Writes conversations into a real Rasa SQL tracker store."""

    def __init__(self, path):
        self.path = path
        self.store = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(path))
        self.engine = make_engine(f"sqlite:///{path}", enforce_foreign_keys=False)

    def write(self, conversation_id, turns, at=NOW - dt.timedelta(hours=1)):
        """turns: (text, intent, confidence, action, answer, ref, metadata extras)."""
        tracker = DialogueStateTracker(conversation_id, DOMAIN.slots)
        when = at.timestamp()
        for turn in turns:
            if isinstance(turn, dict):  # a rating
                tracker.update(SlotSet("feedback", turn, timestamp=when))
                when += 1
                continue
            text, intent, confidence, action, answer, ref = turn
            metadata = {"evejleder_ref": ref} if ref else {}
            tracker.update(UserUttered(text, {"name": intent, "confidence": confidence},
                                       parse_data={"intent": {"name": intent, "confidence": confidence},
                                                   "entities": [], "text": text},
                                       metadata=metadata, timestamp=when))
            tracker.update(ActionExecuted(action, timestamp=when + 0.1))
            tracker.update(BotUttered(answer, timestamp=when + 0.2))
            tracker.update(ActionExecuted("action_listen", timestamp=when + 0.3))
            when += 60
        asyncio.run(self.store.save(tracker))


@pytest.fixture
def conversations(tmp_path):
    written = Conversations(tmp_path / "tracker.db")
    yield written
    written.engine.dispose()


@pytest.fixture
def always_open():
    import yaml
    return OpeningHours.from_dict(yaml.safe_load(ALWAYS_OPEN))
