"""The review list's reasons, read from a real Rasa tracker store: a reply that the article is
silent, a message not understood, an off-topic one and a 👎 each appear with their reason; an
ordinary answer does not."""
import json

import yaml
from sqlalchemy import select

from bot.config import REPO_ROOT
from bot.insight.figures import compute
from bot.insight.reasons import (FALLBACK_RESPONSES, NOT_COVERED_RESPONSES, OUT_OF_SCOPE_INTENTS,
                                 OUT_OF_SCOPE_RESPONSES)
from bot.privacy.rasa_records import EVENTS
from tests.insight.conftest import NOW

ORDINARY = "hvad tjener en leder"
TOPIC_NOT_COVERED = "hvor mange timer arbejder en leder, ring 12345678"
UNCOVERED = "må en leder have hund med på kontoret"
NOT_UNDERSTOOD = "xqzv blorp"
OFF_TOPIC = "hvad er hovedstaden i frankrig"
RATED_DOWN = "hvilken uddannelse skal jeg have"


def write_all_kinds(conversations):
    conversations.write("a" * 32, [
        (ORDINARY, "ask_salary", 0.97, "action_answer_salary", "Lønnen ...", "r1"),
        {"ref": "r1", "rating": "up"},
        # A topic answer that finds nothing in the article (a custom action's response) ...
        (TOPIC_NOT_COVERED, "ask_workplaces", 0.91, "action_answer_workplaces",
         "utter_answer_not_covered", "r2"),
        # ... and ask_uncovered, answered by a rule with the same response.
        (UNCOVERED, "ask_uncovered", 0.88, "utter_answer_not_covered", "utter_answer_not_covered", "r3"),
        (NOT_UNDERSTOOD, "nlu_fallback", 0.15, "action_fallback", "utter_ask_rephrase", "r4"),
    ])
    conversations.write("b" * 32, [
        ("hej", "greet", 0.99, "utter_greet", "utter_greet", "r5"),
        (OFF_TOPIC, "out_of_scope", 0.93, "action_fallback", "utter_out_of_scope", "r6"),
        (RATED_DOWN, "ask_education", 0.95, "action_answer_education", "Uddannelserne ...", "r7"),
        {"ref": "r7", "rating": "down", "comment": "skriv til a@b.dk"},
    ])


def test_each_kind_of_review_item_appears_with_its_reason(conversations, session_factory, always_open):
    write_all_kinds(conversations)
    insight = compute(conversations.engine, session_factory, always_open, 30, NOW)
    review = {item.text: item.reasons for item in insight.misunderstood}
    assert review == {
        "hvor mange timer arbejder en leder, ring [telefonnummer]": ("not_covered",),
        UNCOVERED: ("not_covered",),
        NOT_UNDERSTOOD: ("fallback",),
        OFF_TOPIC: ("out_of_scope",),
        RATED_DOWN: ("rated_down",),
    }
    assert ORDINARY not in review and "hej" not in review
    [rated] = [item for item in insight.misunderstood if item.text == RATED_DOWN]
    assert rated.comment == "skriv til [e-mail]"
    # The summary counts the same messages the list shows.
    assert (insight.not_covered, insight.fallbacks, insight.out_of_scope, insight.feedback_down) == (2, 1, 1, 1)


def test_a_reply_can_have_more_than_one_reason(conversations, session_factory, always_open):
    conversations.write("c" * 32, [
        ("hvor lang er frokostpausen", "nlu_fallback", 0.18, "action_fallback", "utter_answer_not_covered", "r1"),
        {"ref": "r1", "rating": "down"},
    ])
    [item] = compute(conversations.engine, session_factory, always_open, 30, NOW).misunderstood
    assert item.reasons == ("not_covered", "fallback", "rated_down")


def test_an_answer_to_the_callback_form_is_no_misunderstanding(conversations, session_factory, always_open):
    conversations.write("d" * 32, [
        ("ligegyldigt", "nlu_fallback", 0.21, "callback_form", "Tak! En eVejleder kontakter dig.", "r1"),
        ("hverdage efter kl. 16", "ask_salary", 0.31, "callback_form", "Tak! En eVejleder kontakter dig.", "r2"),
    ])
    insight = compute(conversations.engine, session_factory, always_open, 30, NOW)
    assert insight.misunderstood == [] and insight.fallbacks == 0


def test_rasa_stores_the_response_name_the_reasons_read(conversations):
    write_all_kinds(conversations)
    with conversations.engine.connect() as connection:
        rows = connection.execute(select(EVENTS.c.data).where(EVENTS.c.type_name == "bot")).scalars()
        responses = [json.loads(data).get("metadata", {}).get("utter_action") for data in rows]
    assert responses.count("utter_answer_not_covered") == 2
    assert {"utter_ask_rephrase", "utter_out_of_scope", "utter_greet", None} <= set(responses)


def test_the_names_the_reasons_look_for_are_in_the_domain():
    domain = yaml.safe_load((REPO_ROOT / "domain.yml").read_text(encoding="utf-8"))
    responses = set(domain["responses"])
    assert NOT_COVERED_RESPONSES | OUT_OF_SCOPE_RESPONSES | FALLBACK_RESPONSES <= responses
    assert OUT_OF_SCOPE_INTENTS <= set(domain["intents"])
