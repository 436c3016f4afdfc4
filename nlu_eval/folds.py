"""The five cross-validation folds, the same for every pipeline compared.

Rasa's own `generate_folds` shuffles with an unseeded StratifiedKFold, so two runs (and two
pipelines) would see different splits. `fixed_folds` is the same function with a fixed seed;
`use_fixed_folds()` puts it in Rasa's place before `rasa test nlu --cross-validation` runs.
"""
from __future__ import annotations

from typing import Iterator, Tuple

from rasa.shared.importers.importer import TrainingDataImporter
from rasa.shared.nlu.training_data.training_data import TrainingData

N_FOLDS = 5
SEED = 42


def load_training_data(nlu_path: str = "data/nlu", domain_path: str = "domain.yml") -> TrainingData:
    """The NLU data exactly as `rasa test nlu --cross-validation` loads and filters it."""
    from rasa.nlu.test import drop_intents_below_freq

    importer = TrainingDataImporter.load_from_dict(training_data_paths=[nlu_path], domain_path=domain_path)
    return drop_intents_below_freq(importer.get_nlu_data(), cutoff=N_FOLDS)


def fixed_folds(n: int, training_data: TrainingData) -> Iterator[Tuple[TrainingData, TrainingData]]:
    """Rasa's stratified folds (by full intent name), shuffled with a fixed seed."""
    from sklearn.model_selection import StratifiedKFold

    examples = training_data.intent_examples
    labels = [example.get_full_intent() for example in examples]
    for train_index, test_index in StratifiedKFold(n_splits=n, shuffle=True, random_state=SEED).split(examples, labels):
        yield tuple(
            TrainingData(
                training_examples=[examples[i] for i in index],
                entity_synonyms=training_data.entity_synonyms,
                regex_features=training_data.regex_features,
                lookup_tables=training_data.lookup_tables,
                responses=training_data.responses,
            )
            for index in (train_index, test_index)
        )


def use_fixed_folds() -> None:
    import rasa.nlu.test

    rasa.nlu.test.generate_folds = fixed_folds
