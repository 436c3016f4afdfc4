"""Insight fixtures: Rasa's own SQL tracker store (a SQLite file of its own) filled through Rasa's
tracker objects, so the figures are read from the table exactly as Rasa writes it. A reply named
as a domain response ("utter_...") is rendered by Rasa's own actions, so its `bot` event carries
the metadata Rasa gives it."""
import asyncio
import datetime as dt

import pytest
from rasa.core.actions.action import ActionBotResponse, RemoteAction
from rasa.core.channels import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from bot.db import make_engine
from bot.handoff.hours import OpeningHours
from tests.schedules import ALWAYS_OPEN

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.timezone.utc)
# Responses the review list knows by name (bot/insight/reasons.py); the real texts are in domain.yml.
RESPONSES = {
    "utter_answer_not_covered": [{"text": "Det står der ikke noget om i artiklen om jobbet som leder."}],
    "utter_out_of_scope": [{"text": "Det kan jeg desværre ikke hjælpe med."}],
    "utter_ask_rephrase": [{"text": "Undskyld, det forstod jeg ikke helt."}],
    "utter_greet": [{"text": "Hej!"}],
}
DOMAIN = Domain.from_dict({"slots": {"feedback": {"type": "any", "influence_conversation": False,
                                                  "mappings": [{"type": "custom"}]}},
                           "responses": RESPONSES})


async def rasa_replies(action, answer, tracker):
    """The `bot` events Rasa makes of `answer`: a response named by a rule (the action is the
    response itself) or asked for by a custom action (`dispatcher.utter_message(response=...)`),
    else a plain text."""
    if not answer.startswith("utter_"):
        return [BotUttered(answer)]
    nlg, channel = TemplatedNaturalLanguageGenerator(DOMAIN.responses), CollectingOutputChannel()
    if action == answer:
        return await ActionBotResponse(answer).run(channel, nlg, tracker, DOMAIN)
    return await RemoteAction._utter_responses([{"response": answer}], channel, nlg, tracker)


class Conversations:
    """Writes conversations into a real Rasa SQL tracker store."""

    def __init__(self, path):
        self.path = path
        self.store = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(path))
        self.engine = make_engine(f"sqlite:///{path}", enforce_foreign_keys=False)

    def write(self, conversation_id, turns, at=NOW - dt.timedelta(hours=1)):
        """turns: (text, intent, confidence, action, answer, ref), or a rating (a dict); an answer
        is a plain text or the name of a response in RESPONSES."""
        asyncio.run(self._write(conversation_id, turns, at))

    async def _write(self, conversation_id, turns, at):
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
            for reply in await rasa_replies(action, answer, tracker):
                reply.timestamp = when + 0.2
                tracker.update(reply)
            tracker.update(ActionExecuted("action_listen", timestamp=when + 0.3))
            when += 60
        await self.store.save(tracker)


@pytest.fixture
def conversations(tmp_path):
    written = Conversations(tmp_path / "tracker.db")
    yield written
    written.engine.dispose()


@pytest.fixture
def always_open():
    import yaml
    return OpeningHours.from_dict(yaml.safe_load(ALWAYS_OPEN))
