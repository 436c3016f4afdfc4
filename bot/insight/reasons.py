"""Why a visitor's message belongs on the review list: the one place that decides it.

A reason is read from what Rasa stored for the message (bot/insight/conversations.py): its intent
and confidence, the actions that ran, the responses the bot sent, and the visitor's rating. A
response is known by name because Rasa writes it into every `bot` event it renders from a domain
response, whether a rule or a custom action asked for it: `metadata: {"utter_action": name}`
(rasa.core.actions.action, ActionBotResponse and RemoteAction). Deciding by the response, not by
the intent, keeps every path to the same reply: "Det står der ikke noget om i artiklen" comes
from topic answers, from a misunderstood message's passage search, and from `ask_uncovered`.

The Danish names a counsellor reads are in bot/web/insight.py.
"""
from __future__ import annotations

from typing import Tuple

from bot.insight.conversations import DOWN, Message

# The reasons, in the order the review list shows them.
NOT_COVERED = "not_covered"  # the bot said the article does not treat it
OUT_OF_SCOPE = "out_of_scope"  # understood as a subject outside the job
FALLBACK = "fallback"  # not understood
LOW_CONFIDENCE = "low_confidence"  # answered, but the intent was a weak guess
RATED_DOWN = "rated_down"  # the visitor said the answer did not help
REASONS = (NOT_COVERED, OUT_OF_SCOPE, FALLBACK, LOW_CONFIDENCE, RATED_DOWN)

NOT_COVERED_RESPONSES = frozenset({"utter_answer_not_covered"})
OUT_OF_SCOPE_INTENTS = frozenset({"out_of_scope"})
OUT_OF_SCOPE_RESPONSES = frozenset({"utter_out_of_scope"})
FALLBACK_INTENTS = frozenset({"nlu_fallback"})
# action_fallback is the project's (actions/conversation.py); action_default_fallback is what Rasa
# runs when the dialogue policies are unsure (config.yml, core_fallback_action_name).
FALLBACK_ACTIONS = frozenset({"action_fallback", "action_default_fallback"})
FALLBACK_RESPONSES = frozenset({"utter_ask_rephrase"})
# A message a form took as its answer ("ligegyldigt" to "hvornår passer det dig?") was understood,
# whatever intent the classifier gave it: the form reads its slots from the text itself.
FORM_ACTIONS = frozenset({"callback_form"})
# Above the FallbackClassifier's threshold (config.yml), so the bot answered, but a guess worth
# a look.
LOW_CONFIDENCE_BELOW = 0.6


def review_reasons(message: Message) -> Tuple[str, ...]:
    """Every reason `message` is on the review list, in REASONS order; empty when it is not."""
    responses = set(message.responses)
    found = set()
    if responses & NOT_COVERED_RESPONSES:
        found.add(NOT_COVERED)
    # An off-topic message also runs action_fallback (data/rules/fallback.yml); it was understood,
    # as off-topic, so it is not also counted as not understood.
    if message.intent in OUT_OF_SCOPE_INTENTS or responses & OUT_OF_SCOPE_RESPONSES:
        found.add(OUT_OF_SCOPE)
    elif (responses & FALLBACK_RESPONSES
          or any(action in FALLBACK_ACTIONS for action in message.actions)):
        found.add(FALLBACK)
    elif any(action in FORM_ACTIONS for action in message.actions):
        pass  # a form's answer
    elif message.intent in FALLBACK_INTENTS:
        found.add(FALLBACK)
    elif message.confidence is not None and message.confidence < LOW_CONFIDENCE_BELOW:
        found.add(LOW_CONFIDENCE)
    if message.rating == DOWN:
        found.add(RATED_DOWN)
    return tuple(reason for reason in REASONS if reason in found)
