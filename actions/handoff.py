"""Hand-off to a human eVejleder: a live chat when one can join, else a callback request."""
from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ActionExecuted, ConversationPaused, ConversationResumed, Restarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions.services import (console_sessions, contact_channels, handoff_queue, job_slug, knowledge,
                             opening_hours, queue_waits, rasa_records, visitor_presence)
from bot.danish import enumerate_da
from bot.handoff import protocol
from bot.privacy.detect import EXAMPLE_EMAIL, EXAMPLE_PHONE, NOTHING, check_contact, find_contact
from bot.handoff.models import WAITING
from bot.handoff.queue import AddressQueueFull, CaseClaimedByOther, QueueFull

# Channels that can receive a counsellor's messages pushed later; REST and `rasa shell` cannot.
# The channel is the one Rasa recorded for the message, which the channel sets itself (the REST
# channel always reports "rest", whatever its body says: bot/chat/rest.py).
LIVE_CHANNELS = {"socketio"}
CALLBACK_SLOTS = ("callback_consent", "callback_contact", "callback_question", "callback_time")
MAX_QUESTION = 1000
MAX_TIME = 200

log = logging.getLogger(__name__)


def topics_asked(tracker: Tracker) -> List[str]:
    intents = [
        (event.get("parse_data") or {}).get("intent", {}).get("name")
        for event in tracker.events if event.get("event") == "user"
    ]
    return list(dict.fromkeys(i for i in intents if i and i.startswith("ask_")))


class ActionRequestCounsellor(Action):
    def name(self) -> Text:
        return "action_request_counsellor"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> List[Dict]:
        now = dt.datetime.now(dt.timezone.utc)
        hours, queue = opening_hours(), handoff_queue()
        if tracker.get_latest_input_channel() not in LIVE_CHANNELS:
            dispatcher.utter_message(response="utter_handoff_no_live_channel", channels=contact_channels())
        elif not hours.is_open(now):
            next_opening = hours.describe_next_opening(now)
            if next_opening:
                dispatcher.utter_message(response="utter_handoff_closed", next_opening=next_opening)
            else:
                dispatcher.utter_message(response="utter_handoff_closed_for_now")
        elif not console_sessions().anyone_online():
            dispatcher.utter_message(response="utter_handoff_nobody_online")
        else:
            try:
                case = queue.open_case(tracker.sender_id, topics_asked(tracker), visitor_address(tracker))
            except AddressQueueFull:
                dispatcher.utter_message(response="utter_handoff_too_many_from_address")
            except QueueFull:
                dispatcher.utter_message(response="utter_handoff_nobody_online")
            else:
                # The message came over the visitor's live connection: the case starts present
                # (a waiting case never seen present is ended by the hand-off watch).
                record_present(tracker.sender_id)
                dispatcher.utter_message(response="utter_handoff_waiting", position=queue.position(case.id))
                return wait_in_queue(dispatcher, case.id)
        dispatcher.utter_message(response="utter_offer_callback")
        return []


def visitor_address(tracker: Tracker) -> Optional[str]:
    """The tag of the visitor's address group, which the live channel computed from the connection
    and wrote into the message's metadata (bot/chat/address.py); a tag a client sent itself never
    gets this far (bot/chat/guard.py keeps only the widget's keys). None without one (loopback)."""
    tag = (tracker.latest_message.get("metadata") or {}).get(protocol.ADDRESS_METADATA_KEY)
    return tag if isinstance(tag, str) and protocol.ADDRESS_TAG_PATTERN.fullmatch(tag) else None


def record_present(conversation_id: str) -> None:
    try:
        visitor_presence().back(conversation_id)
    except Exception as exc:
        # The visitor still waits: a reconnect records presence, else the watch ends the case
        # after the grace period, as if the visitor had never been connected.
        # Only the error's type: database errors quote the statement's parameters.
        log.error("Visitor presence not recorded on opening a case: %s", type(exc).__name__)


def wait_in_queue(dispatcher: CollectingDispatcher, case_id: int) -> List[Dict]:
    """The widget's "waiting" status (place and expected wait), and the bot falls silent."""
    position = handoff_queue().position(case_id)
    dispatcher.utter_message(json_message=protocol.status_message(
        protocol.STATUS_WAITING, position=position, wait_minutes=queue_waits().estimate_minutes(position)))
    # The listen ends the bot's turn, as a listen does: only after one does Rasa map a
    # /restart (the one message a pause lets through) to action_restart.
    return [ConversationPaused(), ActionExecuted("action_listen")]


def waiting_case_id(tracker: Tracker):
    case = handoff_queue().case_for_conversation(tracker.sender_id)
    return case.id if case is not None and case.status == WAITING else None


class ActionOfferCallbackInQueue(Action):
    """Run by the hand-off watch (bot/handoff/watch.py) when a visitor has waited too long: the
    bot wakes and offers a callback; the visitor keeps the place in the queue meanwhile."""

    def name(self) -> Text:
        return "action_offer_callback_in_queue"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> List[Dict]:
        if waiting_case_id(tracker) is None:
            return []  # taken or left in the meantime
        dispatcher.utter_message(response="utter_queue_offer_callback")
        # Rasa runs this outside a turn: the listen lets the answer start one.
        return [ConversationResumed(), ActionExecuted("action_listen")]


class ActionKeepPlaceInQueue(Action):
    def name(self) -> Text:
        return "action_keep_place_in_queue"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> List[Dict]:
        case_id = waiting_case_id(tracker)
        if case_id is None:
            dispatcher.utter_message(response="utter_contact_channels", channels=contact_channels())
            return []
        dispatcher.utter_message(response="utter_queue_place_kept")
        return wait_in_queue(dispatcher, case_id)


def leave_queue_for_callback(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """A stored callback request replaces the visitor's place in the queue."""
    try:
        if handoff_queue().cancel_by_visitor(tracker.sender_id):
            dispatcher.utter_message(json_message=protocol.status_message(protocol.STATUS_CANCELLED))
    except CaseClaimedByOther:
        pass  # a counsellor took the chat meanwhile: it goes on


class ValidateCallbackForm(FormValidationAction):
    def name(self) -> Text:
        return "validate_callback_form"

    async def required_slots(self, domain_slots: List[Text], dispatcher, tracker, domain) -> List[Text]:
        # Contact details are asked for only after consent, so without it nothing is typed or kept.
        if tracker.get_slot("callback_consent") is False:
            return ["callback_consent"]
        return list(CALLBACK_SLOTS)

    def extract_callback_consent(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> Dict[Text, Any]:
        # The form starts when the visitor accepts the offer, which says what is stored and for how
        # long: that "ja" is the consent. Contact details typed instead are confirmed first.
        message = tracker.latest_message
        starting = not tracker.active_loop_name
        if starting and (message.get("intent") or {}).get("name") == "affirm" \
                and not find_contact(message.get("text")):
            return {"callback_consent": True}
        return {}

    def extract_callback_contact(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: DomainDict) -> Dict[Text, Any]:
        # Details given before they are asked for (at the offer or the consent question) are kept
        # for the consent question to name, so the visitor is not asked the same thing again.
        if tracker.get_slot("requested_slot") not in (None, "callback_consent"):
            return {}
        contact = find_contact(tracker.latest_message.get("text"))
        return {"callback_contact": contact} if contact else {}

    def validate_callback_contact(self, value: Any, dispatcher: CollectingDispatcher,
                                  tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        contact, reason = check_contact(str(value or ""))
        if contact is None:
            # The visitor is told what is wrong ("Danske telefonnumre starter ikke med 0 eller 1.").
            response = "utter_invalid_contact" if reason == NOTHING else f"utter_invalid_contact_{reason}"
            dispatcher.utter_message(response=response, phone_example=EXAMPLE_PHONE,
                                     email_example=EXAMPLE_EMAIL)
        return {"callback_contact": contact}

    def validate_callback_question(self, value: Any, dispatcher: CollectingDispatcher,
                                   tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        text = " ".join(str(value or "").split())
        if not text:
            return {"callback_question": None}
        return {"callback_question": text[:MAX_QUESTION]}

    def validate_callback_time(self, value: Any, dispatcher: CollectingDispatcher,
                               tracker: Tracker, domain: DomainDict) -> Dict[Text, Any]:
        text = " ".join(str(value or "").split())
        return {"callback_time": text[:MAX_TIME] or None}


def forget_callback() -> List[Dict]:
    return [SlotSet(slot, None) for slot in CALLBACK_SLOTS]


def remove_contact_from_conversation(sender_id: str) -> None:
    """Overwrite the contact details the visitor typed in Rasa's stored conversation: the callback
    request keeps them (for the counsellor, until the purge), the chat record need not."""
    try:
        rasa_records().redact_answers(sender_id, "callback_contact")
    except Exception as exc:  # the callback is stored either way; the purge removes the rest
        # Only the error's type: database errors quote the statement's parameters.
        log.error("Contact details not removed from the conversation: %s", type(exc).__name__)


class ActionSubmitCallback(Action):
    def name(self) -> Text:
        return "action_submit_callback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> List[Dict]:
        forget = forget_callback()
        if tracker.get_slot("callback_consent") is not True:
            # "Jeg har ikke gemt noget": details typed at the offer leave the conversation too.
            remove_contact_from_conversation(tracker.sender_id)
            # Offered because the chat has no eVejleder free: the other ways, not the chat again.
            dispatcher.utter_message(response="utter_callback_not_stored", channels=contact_channels(chat=False))
            return forget
        contact = tracker.get_slot("callback_contact")
        handoff_queue().add_callback(
            conversation_id=tracker.sender_id,
            contact=contact,
            kind="email" if "@" in contact else "phone",
            question=tracker.get_slot("callback_question"),
            preferred_time=tracker.get_slot("callback_time"),
            consent=True,
        )
        remove_contact_from_conversation(tracker.sender_id)
        dispatcher.utter_message(response="utter_callback_stored", time=tracker.get_slot("callback_time"))
        leave_queue_for_callback(dispatcher, tracker)
        return forget


class ActionCancelCallback(Action):
    def name(self) -> Text:
        return "action_cancel_callback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> List[Dict]:
        # "Intet er gemt": true of the conversation record too.
        remove_contact_from_conversation(tracker.sender_id)
        dispatcher.utter_message(response="utter_callback_cancelled")
        return forget_callback()


class ActionDeclineCallback(Action):
    def name(self) -> Text:
        return "action_decline_callback"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> List[Dict]:
        # Offered because the chat has no eVejleder free: the other ways, not the chat again.
        dispatcher.utter_message(response="utter_contact_channels", channels=contact_channels(chat=False))
        return []


class ActionRestart(Action):
    """Rasa's restart (/restart), which also ends the visitor's open hand-off.

    A paused conversation lets only /restart through, and Rasa's own restart would leave the case
    (waiting or taken) open with nobody behind it. Ended here, the counsellor's view says the
    visitor has left."""

    def name(self) -> Text:
        return "action_restart"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> List[Dict]:
        if handoff_queue().visitor_left(tracker.sender_id):
            dispatcher.utter_message(json_message=protocol.status_message(protocol.STATUS_CANCELLED))  # the widget's banner
        return [Restarted()]
