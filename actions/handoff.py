"""Hand-off to a human eVejleder."""
from __future__ import annotations

from typing import Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.formatting import enumerate_da
from actions.services import job_slug, knowledge


class ActionContactCounsellor(Action):
    def name(self) -> Text:
        return "action_contact_counsellor"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> List[Dict]:
        channels = knowledge().contact_channels(job_slug())
        dispatcher.utter_message(response="utter_contact_channels",
                                 channels=enumerate_da(channels, "eller"))
        return [SlotSet("counsellor_offered", False)]
