"""Answers measured, not only intents: held-out questions about single details of the article,
asked through the REST channel of a real Rasa and action server (tests/answers_holdout.yml)."""
from nlu_eval.answers import answer_rate, load_holdout

MIN_PRECISE = 0.90


def test_the_holdout_is_big_enough_and_bounded():
    max_chars, questions = load_holdout()
    assert len(questions) >= 60
    assert max_chars <= 450
    assert len({q["question"] for q in questions}) == len(questions)


def test_held_out_detail_questions_are_answered_precisely(stack):
    """At least 90 % precise, and no reply to a one-passage question (no `max_chars` of its own)
    longer than the bound: a miss may not be a wall of text."""
    result = answer_rate(stack)
    print(f"\nprecise answers: {result.precise}/{result.n} = {result.rate:.3f}; "
          f"one-passage replies over the bound: {len(result.too_long)}")
    print("\n".join(result.misses))
    assert result.rate >= MIN_PRECISE, "\n".join(result.misses)
    assert not result.too_long, "\n".join(result.too_long)
