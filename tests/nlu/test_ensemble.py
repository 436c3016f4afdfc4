"""The intent vote after DIET (bot/nlu/ensemble.py): a weighted mean of two distributions."""
import pytest

from bot.nlu.ensemble import vote


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
