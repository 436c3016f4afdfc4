"""Answers measured, not only intents: held-out questions asked through the REST channel of a real
Rasa and action server, judged by the reply a visitor reads (nlu_eval/answers.py): single details
(tests/answers_holdout.yml), broad and paraphrased questions on covered subjects, and subjects the
article does not treat (tests/answers_broad_holdout.yml)."""
import pytest
import yaml

from nlu_eval.answers import BROAD_HOLDOUT, answer_rate, broad_rate, load_holdout

MIN_PRECISE = 0.90
# Wanted: 0.95. The measured rate is in docs/nlu/summary.md (`make crossval`); this bar guards what is
# reached while the misses (neighbouring topics, paraphrase the vectors do not carry) are worked on.
MIN_BROAD = 0.83
MIN_HONEST = 0.90


def test_the_holdout_is_big_enough_and_bounded():
    max_chars, questions = load_holdout()
    assert len(questions) >= 60
    assert max_chars <= 450
    assert len({q["question"] for q in questions}) == len(questions)


def test_held_out_detail_questions_are_answered_precisely(stack):
    """At least 90 % precise. Replies over the one-bubble bound are counted and shown: a topic's
    whole answer (a list, a section) may be longer; one passage never is (tests/knowledge)."""
    result = answer_rate(stack)
    print(f"\nprecise answers: {result.precise}/{result.n} = {result.rate:.3f}; "
          f"one-passage replies over the bound: {len(result.too_long)}")
    print("\n".join(result.misses))
    assert result.rate >= MIN_PRECISE, "\n".join(result.misses)


def test_the_broad_holdout_is_big_enough():
    data = yaml.safe_load(BROAD_HOLDOUT.read_text(encoding="utf-8"))
    assert len(data["covered"]) >= 50 and len(data["uncovered"]) >= 20
    questions = [q["question"] for q in data["covered"]] + [q["question"] for q in data["uncovered"]]
    assert len(set(questions)) == len(questions)


@pytest.fixture(scope="module")
def broad(stack):
    result = broad_rate(stack)
    print(f"\nbroad answers: {result.correct}/{result.covered_n} = {result.rate:.3f}; claims of silence "
          f"on covered questions: {len(result.claims)}; uncovered answered honestly: "
          f"{result.honest}/{result.uncovered_n} = {result.honest_rate:.3f}")
    return result


def test_a_covered_subject_is_never_called_absent(broad):
    assert not broad.claims, "\n".join(broad.claims)


def test_broad_and_paraphrased_questions_get_the_answer(broad):
    assert broad.rate >= MIN_BROAD, "\n".join(broad.covered_misses)


def test_a_subject_the_article_lacks_is_said_plainly_or_handed_to_an_evejleder(broad):
    assert broad.honest_rate >= MIN_HONEST, "\n".join(broad.uncovered_misses)
