"""Timed `rasa train` runs: the real model from scratch, then the baseline next to it."""
from __future__ import annotations

import os
import resource
import shutil
import subprocess
import time
from pathlib import Path
from typing import List, Tuple

from bot.config import REPO_ROOT as REPO
from bot.launch.commands import RASA

BENCH = REPO / "var" / "bench"
# Rasa's training caches (normally .rasa/cache) of the bench alone. The first is emptied before
# every timed training, so "from scratch" means it. The second keeps the baseline's components
# between runs: its NLU data differs from the real model's only by the action names that Rasa adds
# to it (for end-to-end featurization), but that is enough to retrain the NLU components.
SCRATCH_CACHE = BENCH / "cache-scratch"
BASELINE_CACHE = BENCH / "cache"
MODELS = BENCH / "models"


def cpu_seconds_of_children() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def train(name: str, extra: List[str], cache: Path) -> Tuple[float, float]:
    """Wall-clock and CPU seconds of `rasa train` (the command of `make train`) into
    var/bench/models/NAME.tar.gz. The CPU time hardly depends on other work on the machine."""
    env = dict(os.environ, RASA_CACHE_DIRECTORY=str(cache))
    BENCH.mkdir(parents=True, exist_ok=True)
    log = BENCH / f"train-{name}.log"
    started, cpu = time.monotonic(), cpu_seconds_of_children()
    with open(log, "wb") as out:
        subprocess.run([RASA, "train", *extra, "--fixed-model-name", name, "--out", str(MODELS),
                        "--quiet"], cwd=REPO, env=env, stdout=out, stderr=subprocess.STDOUT, check=True)
    return time.monotonic() - started, cpu_seconds_of_children() - cpu


def from_scratch() -> Tuple[float, float]:
    """`make train` with nothing cached: the training cache of the bench is emptied first."""
    shutil.rmtree(SCRATCH_CACHE, ignore_errors=True)
    try:
        return train("evejleder", [], SCRATCH_CACHE)
    finally:
        shutil.rmtree(SCRATCH_CACHE, ignore_errors=True)


def baseline(project: Path) -> Tuple[float, float]:
    return train("baseline", ["--config", "config.yml", "--domain", str(project / "domain.yml"),
                              "--data", str(project / "data")], BASELINE_CACHE)
