"""The assistant serves whichever article JOB_SLUG selects: nothing in its replies is about "leder"
when it serves the synthetic gartner article (tests/knowledge/fixtures/gartner.txt).

Real Rasa and action server on their own database; the conversation goes through every response
of domain.yml that names the job, and Rasa's tracker tells which response each reply came from."""
import re
import uuid

import pytest
import requests

from bot.config import REPO_ROOT as REPO
from bot.launch.commands import MODEL
from tests.e2e.stack import prepared_stack

GARTNER = REPO / "tests" / "knowledge" / "fixtures" / "gartner.txt"
NOT_THIS_JOB = re.compile(r"\bleder", re.IGNORECASE)  # leder, ledere, lederuddannelse; not eVejleder

# Intent payloads, not typed Danish: the test is about the replies, not about understanding.
CONVERSATION = [
    ("/greet", {"utter_welcome", "utter_greet"}),
    ("/bot_challenge", {"utter_iamabot"}),
    ("/affirm", {"utter_anything_else"}),
    ("/out_of_scope", {"utter_out_of_scope"}),
    ("/ask_job_titles", {"utter_answer_job_titles"}),
    ("/nlu_fallback", {"utter_ask_rephrase"}),
    ('/ask_workplaces{"sector": "planteskoler"}', {"utter_answer_sector"}),
    ('/ask_education{"education": "anlægsgartner"}', {"utter_answer_education_route"}),
    ("/request_counsellor", {"utter_handoff_no_live_channel", "utter_offer_callback"}),
    ("/affirm", {"utter_ask_callback_contact"}),
    ("/cancel", {"utter_callback_cancelled"}),
]


@pytest.fixture(scope="module")
def gartner_stack(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it)")
    stack = prepared_stack(tmp_path_factory.mktemp("gartner"))
    stack.run_cli("ingest", str(GARTNER))
    stack.env["JOB_SLUG"] = "gartner"
    stack.env["CHAT_SESSION_PER_MINUTE"] = "0"  # one visitor sends every message in a row
    try:
        stack.start_actions()
        stack.start_rasa()
        yield stack
    finally:
        stack.stop_all()


def bot_events(stack, sender):
    response = requests.get(f"{stack.rasa_url}/conversations/{sender}/tracker",
                            params={"token": stack.token, "include_events": "ALL"}, timeout=10)
    response.raise_for_status()
    return [e for e in response.json()["events"] if e["event"] == "bot"]


def shown_texts(event):
    """The reply's text and its buttons' titles: everything the visitor reads."""
    buttons = (event.get("data") or {}).get("buttons") or []
    return [event.get("text") or ""] + [button["title"] for button in buttons]


def test_every_response_names_the_served_job_and_never_another(gartner_stack):
    sender = uuid.uuid4().hex
    seen = 0
    for message, expected in CONVERSATION:
        gartner_stack.say(sender, message)
        events = bot_events(gartner_stack, sender)
        uttered = {(e.get("metadata") or {}).get("utter_action") for e in events[seen:]}
        assert expected <= uttered, (message, uttered)
        seen = len(events)

    events = bot_events(gartner_stack, sender)
    texts = [text for event in events for text in shown_texts(event)]
    assert [t for t in texts if NOT_THIS_JOB.search(t)] == []
    assert [t for t in texts if "{" in t] == [], "a response variable was left unfilled"
    by_response = {(e.get("metadata") or {}).get("utter_action"): shown_texts(e) for e in events}
    assert "jobbet som gartner" in by_response["utter_greet"][0]
    assert "Hvad laver en gartner?" in by_response["utter_welcome"]
    assert "Hvad laver en gartner?" in by_response["utter_ask_rephrase"]
    assert "Anlægsgartner" in by_response["utter_answer_job_titles"][0]
