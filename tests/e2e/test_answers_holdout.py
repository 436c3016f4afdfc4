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
    result = answer_rate(stack)
    print(f"\nprecise answers: {result.precise}/{result.n} = {result.rate:.3f}")
    assert result.rate >= MIN_PRECISE, "\n".join(result.misses)
