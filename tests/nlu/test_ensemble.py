"""The intent after DIET (bot/nlu/ensemble.py): the regression and the weighted mean of two distributions."""
import pytest

from bot.nlu.ensemble import IntentRegression, vote


def test_the_vote_is_the_weighted_mean_best_first():
    ranking = vote({"ask_salary": 0.9, "ask_tasks": 0.1},
                   {"ask_salary": 0.2, "ask_tasks": 0.5, "greet": 0.3}, weight=0.2)
    assert [r["name"] for r in ranking] == ["ask_tasks", "ask_salary", "greet"]
    assert [r["confidence"] for r in ranking] == pytest.approx([0.42, 0.34, 0.24])


def test_an_intent_one_side_does_not_rank_counts_zero_there():
    ranking = vote({"greet": 1.0}, {"thank": 1.0}, weight=0.7)
    assert {r["name"]: r["confidence"] for r in ranking} == pytest.approx({"greet": 0.7, "thank": 0.3})


@pytest.mark.parametrize("weight, winner", [(1.0, "ask_salary"), (0.0, "ask_tasks")])
def test_the_weight_ends_decide_alone(weight, winner):
    ranking = vote({"ask_salary": 0.6, "ask_tasks": 0.4}, {"ask_salary": 0.3, "ask_tasks": 0.7}, weight)
    assert ranking[0]["name"] == winner


@pytest.mark.parametrize("meaning_weight, extra_features", [(0.0, 0), (2.0, 384)])
def test_the_regression_reads_n_grams_and_sentence_meaning(meaning_weight, extra_features):
    texts = ["hvad tjener en leder", "hvad er lønnen", "hvilken uddannelse skal jeg have", "hvordan bliver man leder"]
    model = IntentRegression(meaning_weight).fit(texts, ["ask_salary", "ask_salary", "ask_education", "ask_education"])
    assert model.classifier.coef_.shape[1] == len(model.ngrams.vocabulary_) + extra_features
    probabilities = model.predict_proba(["hvad er lønnen for en leder"])
    assert probabilities.sum() == pytest.approx(1.0)
    assert model.classes_[probabilities.argmax()] == "ask_salary"
