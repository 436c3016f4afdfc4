"""The generated part of docs/benchmarks.md: everything between the two markers is rewritten."""
from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, List

import numpy

from bench.latency import KINDS

BEGIN = "<!-- make bench: generated from here -->"
END = "<!-- make bench: generated until here -->"

# The speed targets, on the project's 2-core machine.
P95_RATIO_MAX = 1.5
TRAIN_SECONDS_MAX = 180
COLD_START_SECONDS_MAX = 30
RANKING_P95_MS_MAX = 10


def pct(values: List[float], q: float) -> float:
    return float(numpy.percentile(values, q)) if values else float("nan")


def triple(values: List[float]) -> str:
    return " / ".join(f"{pct(values, q):.0f}" for q in (50, 95, 99))


def table(header: List[str], rows: List[List]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


def met(ok: bool) -> str:
    return "yes" if ok else "**no**"


def render(r: Dict) -> str:
    out = [BEGIN, ""]
    out += ["### Machine and run", "", table(["", ""], [[k, v] for k, v in r["machine"].items()] + [
        ["Load averages (1 / 5 / 15 min)", f"{r['load_start']} at the start, {r['load_end']} at the end"],
        ["Run", f"{r['date']}; {r['rounds']} conversations per channel and server, "
                f"{r['seconds']:.0f} s per concurrency level; {r['minutes']:.1f} min in all"],
    ]), ""]

    ratios = {}
    rows = []
    for transport, samples in r["latency"].items():
        for kind in KINDS:
            main, base = samples.ms.get(("main", kind), []), samples.ms.get(("baseline", kind), [])
            ratio = pct(main, 95) / pct(base, 95)
            ratios[(transport, kind)] = ratio
            rows.append([transport, kind, len(main), triple(main), triple(base), f"{ratio:.2f}"])
    errors = {t: sum(s.errors.values()) for t, s in r["latency"].items()}
    misrouted = {t: sum(s.misrouted.values()) for t, s in r["latency"].items()}

    load_50 = [load for load in r["concurrency"]["main"] if load.clients == 50]
    errors_50 = sum(load.errors for server in r["concurrency"].values() for load in server
                    if load.clients == 50)
    cold = r["cold_start"]
    rank = r["ranking"]
    out += ["### Targets", "", table(["target", "measured", "met"], [
        [f"p95 of a topic question <= {P95_RATIO_MAX}x the no-action baseline",
         ", ".join(f"{t}: {ratios[(t, 'topic')]:.2f}x" for t in r["latency"]),
         met(all(ratios[(t, "topic")] <= P95_RATIO_MAX for t in r["latency"]))],
        ["0 errors at 50 concurrent conversations", f"{errors_50} errors in "
         f"{sum(len(l.ms) for s in r['concurrency'].values() for l in s if l.clients == 50)} turns",
         met(errors_50 == 0 and bool(load_50))],
        [f"`make train` <= {TRAIN_SECONDS_MAX // 60} min",
         f"{r['train_scratch']:.0f} s" if r["train_scratch"] else "not measured in this run",
         met(r["train_scratch"] <= TRAIN_SECONDS_MAX) if r["train_scratch"] else "-"],
        [f"cold start <= {COLD_START_SECONDS_MAX} s", f"{cold.total:.1f} s",
         met(cold.total <= COLD_START_SECONDS_MAX)],
        [f"passage answer (ranking) p95 <= {RANKING_P95_MS_MAX} ms", f"{rank['p95']:.1f} ms",
         met(rank["p95"] <= RANKING_P95_MS_MAX)],
    ]), ""]

    out += ["### Passage answers", "",
            "`bot/knowledge/answering.py` in process: the ranking and the answer shapes for each "
            f"development question of `nlu_eval/answers_dev.yml` with its intent, {rank['n']} "
            "answers after one warm-up round (part of the topic round trip above).", "",
            table(["step", "ms"], [
                ["building the index (once per action-server process and article version)",
                 f"{rank['build_ms']:.0f}"],
                ["answering a message, p50 / p95", f"{rank['p50']:.1f} / {rank['p95']:.1f}"],
            ]), "",
            "The whole topic action in process (`bench/action_calls.py`): the store reads, the "
            "passage answer and the reply for each topic question of the round trips below, "
            f"{r['action_calls']['n']} calls after one warm-up round: p50 / p95 "
            f"{r['action_calls']['p50']:.1f} / {r['action_calls']['p95']:.1f} ms.", ""]

    out += ["### Round trip, one conversation at a time", "",
            "Milliseconds from sending a message until its last reply arrived, p50 / p95 / p99. "
            "*main*: the assistant as shipped; *baseline*: the same server with topic questions "
            "answered by a plain `utter_` response (no custom action, no store). "
            "Ratio: p95 main / p95 baseline.", "",
            table(["channel", "message kind", "n per server", "main p50 / p95 / p99",
                   "baseline p50 / p95 / p99", "p95 ratio"], rows), "",
            "Failed or empty answers: " + ", ".join(f"{t} {n}" for t, n in errors.items()) +
            "; topic answers that took the other route (NLU disagreement): " +
            ", ".join(f"{t} {n}" for t, n in misrouted.items()) + ".", ""]

    rows = []
    for server, loads in r["concurrency"].items():
        for load in loads:
            rows.append([server, load.clients, len(load.ms), f"{load.per_second:.1f}",
                         triple(load.ms), load.errors and
                         f"{load.errors} ({', '.join(f'{n} {k}' for k, n in load.error_kinds.items())})"])
    out += ["### Concurrent conversations (REST webhook)", "",
            f"Each client plays the mix above in a loop, fresh conversation each time, for "
            f"{r['seconds']:.0f} s. Milliseconds p50 / p95 / p99.", "",
            table(["server", "conversations", "turns", "turns per second", "p50 / p95 / p99 ms",
                   "errors"], rows), ""]

    mem = r["memory"]
    out += ["### Resident memory", "", table(
        ["process", "RSS after start (MiB)", "RSS after the load (MiB)", "peak RSS (MiB)"],
        [[name, f"{m['idle']['rss']:.0f}", f"{m['after']['rss']:.0f}", f"{m['after']['peak']:.0f}"]
         for name, m in mem.items()]), ""]

    rows = [
        ["`rasa train` from scratch (the command of `make train`, empty training cache)",
         f"{r['train_scratch']:.0f} s ({r['train_scratch_cpu']:.0f} s of CPU time on "
         f"{os.cpu_count()} cores)" if r["train_scratch"] else "not measured in this run"],
        ["`rasa train` of the baseline (its own training cache: retrained only when data changed)",
         f"{r['train_baseline']:.0f} s"],
        ["cold start: action server ready", f"{cold.actions:.1f} s"],
        ["cold start: then Rasa ready (`scripts/rasa run`)", f"{cold.rasa:.1f} s"],
        ["cold start: then the first answer (a topic question)", f"{cold.first_answer:.2f} s"],
        ["**cold start to first answer**", f"**{cold.total:.1f} s**"],
    ]
    out += ["### Training and start-up", "", table(["step", "time"], rows), "", END]
    return "\n".join(out)


def write(path: Path, generated: str, begin: str = BEGIN, end: str = END) -> None:
    """Replace the generated block of `path` (from `begin` to `end`, markers included in
    `generated`), keeping everything written by hand around it; a missing block is appended."""
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    if begin not in text or end not in text:
        text = text.rstrip("\n") + f"\n\n{begin}\n{end}\n"
    head, rest = text.split(begin, 1)
    tail = rest.split(end, 1)[1]
    path.write_text(head + generated + tail)
