"""The Indsigt figures, read from a real Rasa tracker store and the real hand-off tables."""
import datetime as dt

from bot.handoff.queue import HandoffQueue
from bot.insight.figures import compute
from tests.insight.conftest import NOW


def figures(conversations, session_factory, hours, days=30):
    return compute(conversations.engine, session_factory, hours, days, NOW)


def test_messages_intents_fallbacks_and_ratings(conversations, session_factory, always_open):
    conversations.write("a" * 32, [
        ("hvad tjener en leder", "ask_salary", 0.97, "action_answer_salary", "Lønnen ...", "r1"),
        {"ref": "r1", "rating": "up"},
        ("kan min hund ringe på 12345678", "nlu_fallback", 0.31, "action_fallback", "Undskyld ...", "r2"),
        {"ref": "r2", "rating": "down"},
        {"ref": "r2", "rating": "down", "comment": "skriv til mig på x@y.dk"},
        {"ref": "r2", "rating": "up"},  # a second rating of the same answer does not count
    ])
    conversations.write("b" * 32, [
        ("/session_start", "session_start", 1.0, "action_session_start", "Hej", None),
        ("hvilke opgaver", "ask_tasks", 0.52, "action_answer_tasks", "Opgaverne ...", "r3"),
    ])
    insight = figures(conversations, session_factory, always_open)
    assert (insight.conversations, insight.messages, insight.fallbacks) == (2, 3, 1)
    assert insight.intents == {"ask_salary": 1, "nlu_fallback": 1, "ask_tasks": 1}
    assert (insight.feedback_up, insight.feedback_down) == (1, 1)
    assert insight.feedback_by_topic == {"ask_salary": {"up": 1, "down": 0},
                                         "nlu_fallback": {"up": 0, "down": 1}}
    review = {item.text: item for item in insight.misunderstood}
    assert set(review) == {"kan min hund ringe på [telefonnummer]", "hvilke opgaver"}
    fallback = review["kan min hund ringe på [telefonnummer]"]
    assert (fallback.reasons, fallback.predicted_intent, fallback.confidence) == (
        ("fallback", "rated_down"), "nlu_fallback", 0.31)
    assert fallback.comment == "skriv til mig på [e-mail]"
    assert review["hvilke opgaver"].reasons == ("low_confidence",)
    assert sum(hour["messages"] for hour in insight.demand_by_hour) == 3
    assert insight.per_day == [{"date": "2026-11-30", "conversations": 2, "messages": 3}]


def test_the_period_leaves_older_conversations_out(conversations, session_factory, always_open):
    conversations.write("c" * 32, [("hej", "greet", 0.99, "utter_greet", "Hej!", "r1")],
                        at=NOW - dt.timedelta(days=10))
    assert figures(conversations, session_factory, always_open, days=7).messages == 0
    assert figures(conversations, session_factory, always_open, days=30).messages == 1


def test_handoffs_callbacks_and_median_wait(conversations, session_factory, always_open):
    clock_now = [NOW - dt.timedelta(hours=2)]
    queue = HandoffQueue(session_factory, clock=lambda: clock_now[0])
    for minutes, conversation in ((4, "d" * 32), (10, "e" * 32), (30, "f" * 32)):
        case = queue.open_case(conversation, ["ask_salary"])
        clock_now[0] += dt.timedelta(minutes=minutes)
        queue.claim(case.id, "anna")
    queue.add_callback("g" * 32, "12345678", "phone", "om løn", None, consent=True)
    insight = figures(conversations, session_factory, always_open)
    assert (insight.handoffs, insight.callbacks) == (3, 1)
    assert insight.median_wait_seconds == 10 * 60


def test_an_empty_tracker_store_gives_zeros(tmp_path, session_factory, always_open):
    from bot.db import make_engine
    from bot.insight.figures import compute

    engine = make_engine(f"sqlite:///{tmp_path / 'none.db'}", enforce_foreign_keys=False)
    for tracker in (engine, None):  # no table yet; no SQL tracker store at all
        insight = compute(tracker, session_factory, always_open, 30, NOW)
        assert (insight.messages, insight.conversations, insight.misunderstood) == (0, 0, [])


def test_every_message_counts_once_and_not_understood_agrees_everywhere(conversations, session_factory,
                                                                          always_open):
    """The chart of what became of the questions and the summary count "not understood" the same
    messages: one the bot asked to rephrase is not understood whatever intent was guessed."""
    conversations.write("h" * 32, [
        ("hej", "greet", 0.99, "utter_greet", "utter_greet", None),
        ("hvad laver en leder", "ask_tasks", 0.95, "action_answer_tasks", "Opgaverne ...", None),
        ("blorp", "ask_tasks", 0.45, "action_fallback", "utter_ask_rephrase", None),
        ("xyzzy", "nlu_fallback", 0.2, "action_fallback", "utter_ask_rephrase", None),
        ("hvad med pension", "ask_uncovered", 0.9, "action_answer_uncovered", "utter_answer_not_covered", None),
        ("hvad koster en pizza", "out_of_scope", 0.9, "action_fallback", "utter_out_of_scope", None),
        ("ja", "affirm", 0.99, "utter_greet", "utter_greet", None),
        ("tak", "thank", 0.99, "utter_greet", "utter_greet", None),
    ])
    insight = figures(conversations, session_factory, always_open)
    assert insight.kinds == {"answered": 1, "not_covered": 1, "not_understood": 2, "out_of_scope": 1,
                             "dialogue": 3}
    assert insight.kinds["not_understood"] == insight.fallbacks == 2
    assert insight.kinds["out_of_scope"] == insight.out_of_scope
    assert insight.kinds["not_covered"] == insight.not_covered
    assert insight.topics == {"ask_tasks": 1}
    assert insight.dialogue == {"greet": 1, "affirm": 1, "thank": 1}
    assert sum(insight.kinds.values()) == insight.messages
    assert (insight.current.questions, insight.current.answered) == (5, 1)


def test_the_period_is_compared_with_the_one_before(conversations, session_factory, always_open):
    conversations.write("i" * 32, [("hvad tjener en leder", "ask_salary", 0.97, "action_answer_salary",
                                    "Lønnen ...", None)], at=NOW - dt.timedelta(days=10))
    conversations.write("j" * 32, [("hvad laver en leder", "ask_tasks", 0.97, "action_answer_tasks",
                                    "Opgaverne ...", None),
                                   ("xyzzy", "nlu_fallback", 0.2, "action_fallback", "utter_ask_rephrase", None)],
                        at=NOW - dt.timedelta(days=2))
    conversations.write("k" * 32, [("gammelt", "ask_tasks", 0.97, "action_answer_tasks", "...", None)],
                        at=NOW - dt.timedelta(days=20))  # before both periods
    queue = HandoffQueue(session_factory, clock=lambda: NOW - dt.timedelta(days=2))
    queue.open_case("j" * 32, ["ask_tasks"])
    insight = figures(conversations, session_factory, always_open, days=7)
    now, before = insight.current, insight.previous
    assert (now.conversations, now.messages, now.questions, now.answered) == (1, 2, 2, 1)
    assert (now.handed_on, now.handoffs, now.handed_on_share) == (1, 1, 1.0)
    assert (before.conversations, before.messages, before.answered, before.handed_on) == (1, 1, 1, 0)
    assert now.answered_share == 0.5 and before.answered_share == 1.0


def test_the_trend_has_every_day_or_week_of_the_period(conversations, session_factory, always_open):
    conversations.write("l" * 32, [("hvad laver en leder", "ask_tasks", 0.97, "action_answer_tasks",
                                    "Opgaverne ...", None)], at=NOW - dt.timedelta(days=3))
    daily = figures(conversations, session_factory, always_open, days=7).trend
    assert len(daily) == 8 and sum(day["conversations"] for day in daily) == 1
    assert [day["label"] for day in daily][-1] == "30.11."
    weekly = figures(conversations, session_factory, always_open, days=90).trend
    assert all(week["label"].startswith("uge ") for week in weekly)
    assert 13 <= len(weekly) <= 14 and sum(week["messages"] for week in weekly) == 1
