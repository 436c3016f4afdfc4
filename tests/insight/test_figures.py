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
