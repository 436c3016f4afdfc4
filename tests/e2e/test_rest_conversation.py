"""A Danish conversation with the real Rasa server and action server, through the REST channel."""
import re

import pytest


def texts(replies):
    return "\n".join(r.get("text", "") for r in replies)


def test_first_message_introduces_the_assistant_then_answers(stack):
    replies = stack.say("visitor-intro", "hej")
    first = replies[0]["text"]
    assert "Jeg er UddannelsesGuidens chatassistent, et automatisk program" in first
    assert "personlige oplysninger" in first
    assert "vejleder" in first
    assert any(r.get("buttons") for r in replies), "the welcome offers topic buttons"
    # The introduction comes once per conversation, not with every answer.
    assert "automatisk program" not in texts(stack.say("visitor-intro", "hej igen"))


def test_an_explicit_session_start_welcomes_once_and_the_next_question_is_answered(stack):
    # The web widget opens a conversation with "/session_start".
    sender = "visitor-session-start"
    assert "automatisk program" in texts(stack.say(sender, "/session_start"))
    answer = texts(stack.say(sender, "hvad laver en leder?"))
    assert "automatisk program" not in answer
    assert "En leder står i spidsen for medarbejderne" in answer


def test_a_danish_conversation_about_careers_keeps_the_topic(stack):
    sender = "visitor-career"
    stack.say(sender, "hej")
    answer = texts(stack.say(sender, "hvad laver en kontorchef?"))
    assert "Du leder arbejdet på et kontor" in answer
    assert "UddannelsesGuiden" in answer
    answer = texts(stack.say(sender, "og en områdechef?"))
    assert "Du har ansvar for en bestemt del af virksomheden" in answer


def test_a_question_for_the_tasks_gets_the_whole_list_in_one_message(stack):
    stack.say("visitor-tasks", "/session_start")          # the welcome comes before, not in, the reply
    replies = stack.say("visitor-tasks", "Hvilke arbejdsopgaver har man som leder?")
    assert len(replies) == 1
    answer = texts(replies)
    assert answer.count("•") == 8
    assert "Deltager i møder" in answer
    assert "Rapporterer til fx bestyrelser eller ledere på højere niveau" in answer
    assert 'Kilde: UddannelsesGuiden, »Leder«' in answer


def test_the_education_overview_leads_with_all_routes_and_opens_each_programme(stack):
    stack.say("visitor-education", "/session_start")
    replies = stack.say("visitor-education", "hvilke uddannelser er der")
    answer = texts(replies)
    assert "Alle uddannelsesveje kan føre til arbejde som leder" in answer
    assert "videregående uddannelse" in answer
    buttons = [b for r in replies for b in r.get("buttons", [])]
    assert [b["title"] for b in buttons][0] == "Diplomuddannelse i ledelse"
    answer = texts(stack.say("visitor-education", buttons[0]["payload"]))
    assert "diplomuddannelse i ledelse" in answer
    assert "erhvervserfaring" in answer


def test_salary_never_states_an_amount(stack):
    answer = texts(stack.say("visitor-salary", "hvad tjener man som leder"))
    assert "Uddannelseszoom" in answer
    assert "faglige organisationer" in answer
    assert "ikke oplyse noget beløb" in answer
    assert 'Kilde: UddannelsesGuiden, »Leder«' in answer
    assert not re.search(r"\d", answer), answer
    assert "kr" not in answer.split()


def test_outlook_names_its_source_and_invents_no_level(stack):
    answer = texts(stack.say("visitor-outlook", "hvordan er jobmulighederne for ledere"))
    assert "Styrelsen for arbejdsmarked og rekruttering" in answer
    assert "siger ikke" in answer


def test_further_education_answers_with_its_source(stack):
    answer = texts(stack.say("visitor-further", "hvilken efteruddannelse kan jeg tage når jeg er leder"))
    assert "efteruddannelse for ledere" in answer
    assert 'Kilde: UddannelsesGuiden, »Leder«' in answer


def test_another_job_points_to_a_counsellor(stack):
    answer = texts(stack.say("visitor-other", "hvad tjener en sygeplejerske"))
    assert "kun" in answer and "leder" in answer
    assert "telefon" in answer and "mail" in answer and "chat" in answer


@pytest.mark.parametrize("message", [
    "",
    "   ",
    "a" * 5000,
    "hvad laver en leder " * 250,
    "😀😀😀",
    "<script>alert('x')</script><b>hej</b>",
    '/ask_nonsense{"bogus": "value"}',
    '/ask_tasks{"career_role": ',
    "/",
    "\u0000\u200b",
])
def test_bad_input_gets_a_polite_answer_and_the_bot_keeps_working(stack, message):
    sender = f"visitor-bad-{abs(hash(message))}"
    replies = stack.say(sender, message)
    assert replies, "every message gets an answer"
    assert all("<script>" not in r.get("text", "") for r in replies)
    answer = texts(stack.say(sender, "hvilke stillingsbetegnelser findes der"))
    assert "Værkfører" in answer


def test_two_misunderstood_messages_offer_a_human(stack):
    sender = "visitor-lost"
    stack.say(sender, "hvad bliver vejret i morgen")
    offer = stack.say(sender, "kan du hjælpe med mine matematiklektier")
    assert "eVejleder" in texts(offer)
    assert any(r.get("buttons") for r in offer)
    answer = texts(stack.say(sender, "ja tak"))
    assert "telefon" in answer and "chat" in answer
