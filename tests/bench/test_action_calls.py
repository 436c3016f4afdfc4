"""`make bench` times every topic question of the round trips through the action that answers it."""
from bench import action_calls
from bot.launch.stack import fresh_stack


def test_every_topic_question_of_the_round_trips_is_timed_through_its_action(tmp_path):
    assert sorted(action_calls.PARSES) == sorted(action_calls.QUESTIONS)
    result = action_calls.measure(fresh_stack(tmp_path).env["DATABASE_URL"], calls=10)
    assert result["n"] == 10
    assert sorted(result["per_question"]) == sorted(action_calls.QUESTIONS)
    assert 0 < result["p50"] <= result["p95"]
