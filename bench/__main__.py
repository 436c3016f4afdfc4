"""`make bench`: start the real processes, measure, and rewrite the tables in docs/benchmarks.md.

Usage: .venv/bin/python -m bench [--rounds N] [--seconds S] [--no-training] [--out PATH]
A measurement, not a test: it fails only when something does not run at all.
"""
from __future__ import annotations

import argparse
import datetime
import shutil
import tempfile
import time
from pathlib import Path

from bench import action_calls, baseline, concurrency, latency, machine, ranking, report, startup, training
from bot.config import REPO_ROOT as REPO
from bot.launch.stack import Stack, fresh_stack

LEVELS = (1, 10, 50)


def log(message: str) -> None:
    print(f"==> {message}", flush=True)


def keep_logs(workdir: Path, dest: Path) -> None:
    """The servers' logs of the last run, to look into errors (var/bench/logs/)."""
    shutil.rmtree(dest, ignore_errors=True)
    for log_file in workdir.rglob("*.log"):
        target = dest / log_file.relative_to(workdir)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(log_file, target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40,
                        help="conversations per channel and server for the round-trip table")
    parser.add_argument("--seconds", type=float, default=15, help="seconds per concurrency level")
    parser.add_argument("--no-training", action="store_true",
                        help="skip the from-scratch training (the baseline is still trained)")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "benchmarks.md")
    args = parser.parse_args()
    began = time.monotonic()
    r = {"machine": machine.describe(), "load_start": machine.load_average(), "rounds": args.rounds,
         "seconds": args.seconds, "date": datetime.date.today().isoformat(), "train_scratch": None}

    if not args.no_training:
        log("Training the model from scratch (as make train, 1-2 minutes)")
        r["train_scratch"], r["train_scratch_cpu"] = training.from_scratch()
        log(f"   {r['train_scratch']:.0f} s ({r['train_scratch_cpu']:.0f} s of CPU)")
    log("Generating and training the no-action baseline in var/bench/")
    project = baseline.generate(training.BENCH / "baseline")
    r["train_baseline"], _ = training.baseline(project)
    log(f"   {r['train_baseline']:.0f} s")

    log("Passage answers in process (the development questions)")
    r["ranking"] = ranking.measure()
    log(f"   p95 {r['ranking']['p95']:.1f} ms")

    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        main_stack = fresh_stack(workdir / "main")
        base_stack = Stack(workdir / "baseline", env=main_stack.env,
                           actions_port=main_stack.actions_port,
                           model=training.MODELS / "baseline.tar.gz")
        base_stack.workdir.mkdir()
        try:
            log("Topic actions in process (the topic questions of the round trips)")
            r["action_calls"] = action_calls.measure(main_stack.env["DATABASE_URL"])
            log(f"   p95 {r['action_calls']['p95']:.1f} ms")
            log("Cold start: action server, Rasa, first answer")
            r["cold_start"] = startup.cold_start(main_stack, latency.SCRIPT[0][1])
            log(f"   {r['cold_start'].total:.1f} s")
            pids = {"Rasa (main)": main_stack.processes["rasa"].pid,
                    "action server": main_stack.processes["actions"].pid}
            log("Starting the baseline Rasa")
            base_stack.start_rasa()
            pids["Rasa (baseline)"] = base_stack.processes["rasa"].pid
            r["memory"] = {name: {"idle": machine.memory_mib(pid)} for name, pid in pids.items()}
            urls = {"main": main_stack.rasa_url, "baseline": base_stack.rasa_url}

            r["latency"] = {}
            for transport in ("REST", "socket.io"):
                log(f"Round trips through {transport} ({args.rounds} conversations per server)")
                latency.measure(urls, 2, transport.lower(), latency.Samples())  # warm-up
                samples = latency.Samples()
                latency.measure(urls, args.rounds, transport.lower(), samples)
                r["latency"][transport] = samples

            r["concurrency"] = {"main": [], "baseline": []}
            for clients in LEVELS:
                for server in ("main", "baseline"):
                    log(f"{clients} concurrent conversations on {server} ({args.seconds:.0f} s)")
                    load = concurrency.run(urls[server], clients, args.seconds)
                    log(f"   {len(load.ms)} turns, {load.errors} errors")
                    r["concurrency"][server].append(load)
            for name, pid in pids.items():
                r["memory"][name]["after"] = machine.memory_mib(pid)
        finally:
            base_stack.stop_all()
            main_stack.stop_all()
            keep_logs(workdir, training.BENCH / "logs")

    r["load_end"] = machine.load_average()
    r["minutes"] = (time.monotonic() - began) / 60
    generated = report.render(r)
    report.write(args.out, generated)
    print(generated)
    log(f"Written to {args.out.relative_to(REPO) if args.out.is_relative_to(REPO) else args.out}")


if __name__ == "__main__":
    main()
