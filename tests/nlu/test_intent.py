"""The intent classifier (bot/nlu/intent.py): the regression over n-grams and sentence meaning."""
import pytest

from bot.nlu.intent import IntentRegression


@pytest.mark.parametrize("meaning_weight, extra_features", [(0.0, 0), (2.0, 384)])
def test_the_regression_reads_n_grams_and_sentence_meaning(meaning_weight, extra_features):
    texts = ["hvad tjener en leder", "hvad er lønnen", "hvilken uddannelse skal jeg have", "hvordan bliver man leder"]
    model = IntentRegression(meaning_weight).fit(texts, ["ask_salary", "ask_salary", "ask_education", "ask_education"])
    assert model.classifier.coef_.shape[1] == len(model.ngrams.vocabulary_) + extra_features
    probabilities = model.predict_proba(["hvad er lønnen for en leder"])
    assert probabilities.sum() == pytest.approx(1.0)
    assert model.classes_[probabilities.argmax()] == "ask_salary"


@pytest.mark.parametrize("text", ["", "   "])
def test_an_empty_message_gets_no_intent_and_falls_back(text):
    from rasa.nlu.classifiers.fallback_classifier import FallbackClassifier
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu.intent import IntentRegressionClassifier

    model = IntentRegression(0.0).fit(["hvad tjener en leder", "hvilken uddannelse"], ["ask_salary", "ask_education"])
    classifier = IntentRegressionClassifier({}, None, None, model)
    message = Message(data={"text": text})
    classifier.process([message])
    fallback = FallbackClassifier({**FallbackClassifier.get_default_config(), "threshold": 0.2})
    fallback.process([message])
    assert message.get("intent")["name"] == "nlu_fallback"
