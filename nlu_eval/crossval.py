"""Rasa's 5-fold cross-validation (`rasa test nlu --cross-validation --folds 5`) on fixed folds.

Runs Rasa's own `perform_nlu_cross_validation` (what the CLI calls) after putting the seeded fold
generator in place, and times each fold's training. Reports (intent_report.json, confusion matrix,
entity report) go to the output folder, as with the CLI.
"""
from __future__ import annotations

import asyncio
import shutil
import time
from pathlib import Path
from typing import List, Optional, Tuple

import rasa.model_training
from rasa.model_testing import perform_nlu_cross_validation
from rasa.shared.importers.importer import TrainingDataImporter

from nlu_eval.folds import N_FOLDS, load_training_data, use_fixed_folds


def cross_validate(config_path: Path, output: Path, keep_models: Optional[Path] = None,
                   plots: bool = True) -> Tuple[List[float], List[Path]]:
    """Returns the training seconds of each fold and, if keep_models is given, the fold models."""
    use_fixed_folds()
    seconds, models = [], []
    train_nlu = rasa.model_training.train_nlu

    def timed_train_nlu(*args, **kwargs):
        start = time.perf_counter()
        model = train_nlu(*args, **kwargs)
        seconds.append(time.perf_counter() - start)
        if keep_models:
            keep_models.mkdir(parents=True, exist_ok=True)
            models.append(Path(shutil.copy(model, keep_models / f"fold{len(seconds)}.tar.gz")))
        return model

    rasa.model_training.train_nlu = timed_train_nlu
    try:
        config = TrainingDataImporter.load_from_dict(config_path=str(config_path)).get_config()
        asyncio.run(perform_nlu_cross_validation(
            config, load_training_data(), str(output),
            {"folds": N_FOLDS, "errors": True, "disable_plotting": not plots}))
    finally:
        rasa.model_training.train_nlu = train_nlu
    return seconds, models



if __name__ == "__main__":
    import argparse
    import json
    import os

    cli = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    cli.add_argument("config", type=Path)
    cli.add_argument("output", type=Path)
    cli.add_argument("--keep-models", type=Path, help="copy the five fold models here (for nlu_eval.compare)")
    cli.add_argument("--no-plots", action="store_true")
    args = cli.parse_args()
    load_before = os.getloadavg()
    seconds, _ = cross_validate(args.config, args.output, args.keep_models, plots=not args.no_plots)
    (args.output / "run.json").write_text(json.dumps({
        "config": str(args.config), "folds": N_FOLDS, "train_seconds_per_fold": [round(s, 1) for s in seconds],
        "load_average_before_after": [[round(x, 2) for x in load_before], [round(x, 2) for x in os.getloadavg()]],
    }, indent=1) + "\n")
