"""Folded n-gram features: "løn" typed as "loen" must look the same to the classifier."""
import numpy as np
import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from bot.nlu.folding import FoldingCountVectorsFeaturizer


@pytest.fixture(params=[{}, {"analyzer": "char_wb", "min_ngram": 1, "max_ngram": 4}], ids=["words", "chars"])
def featurize(request, tmp_path):
    config = {**FoldingCountVectorsFeaturizer.get_default_config(), **request.param}
    featurizer = FoldingCountVectorsFeaturizer.create(
        config, LocalModelStorage(tmp_path), Resource("cv"), ExecutionContext(GraphSchema({}), node_name="cv"))
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())
    training = TrainingData([Message(data={"text": t, "intent": "x"})
                             for t in ["hvad er lønnen for en leder", "uddannelse på universitetet"]])
    tokenizer.process_training_data(training)
    featurizer.train(training)

    def features(text):
        message = Message(data={"text": text})
        tokenizer.process([message])
        featurizer.process([message])
        _, sentence = message.get_sparse_features("text")
        return sentence.features.toarray()

    return features


def test_ascii_spelling_and_case_give_the_same_features(featurize):
    assert np.array_equal(featurize("Hvad er LØNNEN"), featurize("hvad er loennen"))
    assert np.array_equal(featurize("uddannelse på"), featurize("uddannelse paa"))


def test_different_words_still_differ(featurize):
    assert not np.array_equal(featurize("lønnen"), featurize("leder"))
