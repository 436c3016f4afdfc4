"""Conversation mechanics: the welcome, misunderstood messages, the offer of a human."""
from __future__ import annotations

from typing import Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import ActionExecuted, FollowupAction, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answers import TOPIC_ACTIONS, likeliest_topic, utter_passage_answer
from actions.services import job_slug, knowledge
from bot.config import settings

MISUNDERSTOOD = {"nlu_fallback", "out_of_scope"}
# After this many misunderstood messages in a row, offer a human eVejleder.
OFFER_HUMAN_AFTER = 2

# A message between two topics ("hvad skal en topleder tage sig af": the job or its tasks?) is not
# understood by the FallbackClassifier's ambiguity rule, yet its likeliest topic is a fair guess:
# answered, under a lead that says it is a guess, when that topic leads the ranking by this much.
# Chosen on the development questions (nlu_eval/answers_dev.yml) so that no off-topic one is guessed.
GUESS_CONFIDENCE = 0.25

# An entity alone tells the topic even when the intent was not understood ("og områdechef?").
TOPIC_OF_ENTITY = {
    "career_role": "action_answer_career_paths",
    "sector": "action_answer_workplaces",
    "education": "action_answer_education",
}


def misunderstood_in_a_row(tracker: Tracker) -> int:
    count = 0
    for event in reversed(tracker.events):
        if event.get("event") == "session_started":
            break
        if event.get("event") != "user":
            continue
        if (event.get("parse_data") or {}).get("intent", {}).get("name") not in MISUNDERSTOOD:
            break
        count += 1
    return count


def guessed_topic(tracker: Tracker) -> Optional[str]:
    """The topic intent a not-understood message most likely asks about, if it leads the ranking."""
    if tracker.latest_message.get("intent", {}).get("name") != "nlu_fallback":
        return None
    ranking = [r for r in tracker.latest_message.get("intent_ranking") or [] if r.get("name") != "nlu_fallback"]
    top = max(ranking, key=lambda r: r.get("confidence") or 0.0, default={})
    if top.get("name") in TOPIC_ACTIONS and (top.get("confidence") or 0.0) >= GUESS_CONFIDENCE:
        # Which topic: the confidences and what the passages of each say to the message.
        return likeliest_topic(tracker)
    return None


def job_title() -> str:
    """The job's title as the responses write it: "jobbet som {job_title}"."""
    try:
        return knowledge().job(job_slug()).title.lower()
    except Exception:  # the welcome must not depend on the store being up
        return job_slug()


def welcomed_in_this_session(tracker: Tracker) -> bool:
    """True when the visitor asks for a session start (the web widget's "/session_start") just
    after Rasa started one by itself and sent the welcome: it must not come twice.

    Rasa logs a session start as: action action_session_start, bot (the welcome), session_started.
    """
    if tracker.latest_message.get("intent", {}).get("name") != "session_start":
        return False
    for event in reversed(tracker.events):
        if event.get("event") == "bot":
            return True
        if event.get("event") == "action" and event.get("name") == "action_session_start":
            return False
    return False


class ActionSessionStart(Action):
    """Every conversation opens with what the assistant is, what it knows, and how to reach a human."""

    def name(self) -> Text:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> List[Dict]:
        if welcomed_in_this_session(tracker):
            # Still end with a listen, as a session start does: Rasa predicts nothing after this
            # action, and the next message must start a fresh turn.
            return [ActionExecuted("action_listen")]
        title, name = job_title(), settings().assistant_name
        # The welcome is filled before the events below apply, so it gets the values directly.
        dispatcher.utter_message(response="utter_welcome", job_title=title, assistant_name=name)
        # After SessionStarted, which clears the slots; later responses read {job_title} and
        # {assistant_name}.
        return [SessionStarted(), SlotSet("job_title", title), SlotSet("assistant_name", name),
                ActionExecuted("action_listen")]


class ActionFallback(Action):
    def name(self) -> Text:
        return "action_fallback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> List[Dict]:
        for entity in tracker.latest_message.get("entities", []):
            follow_up = TOPIC_OF_ENTITY.get(entity.get("entity"))
            if follow_up and tracker.latest_message["intent"].get("name") == "nlu_fallback":
                return [FollowupAction(follow_up)]
        if utter_passage_answer(dispatcher, tracker, domain):
            return []
        topic = guessed_topic(tracker)
        if topic:
            dispatcher.utter_message(response="utter_guess_topic")
            TOPIC_ACTIONS[topic]().respond(dispatcher, tracker, domain, topic)
            return []
        if misunderstood_in_a_row(tracker) >= OFFER_HUMAN_AFTER:
            dispatcher.utter_message(response="utter_offer_counsellor")
            return []
        if tracker.latest_message["intent"].get("name") == "out_of_scope":
            dispatcher.utter_message(response="utter_out_of_scope")
        else:
            dispatcher.utter_message(response="utter_ask_rephrase")
        return []
