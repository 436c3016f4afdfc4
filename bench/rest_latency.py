"""REST round-trip latency of the real action server + Rasa, started as in the end-to-end tests.

Usage: .venv/bin/python -m bench.rest_latency [ROUNDS]   (make bench)
Prints p50/p95 per kind of message; a topic question runs a custom action reading the store.
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from tests.e2e.stack import Stack, prepare_database

MESSAGES = {
    "topic question (custom action + store)": ["hvad laver en kontorchef", "hvilke arbejdsopgaver har en leder",
                                               "hvad tjener en leder", "hvor kan man arbejde som leder"],
    "chit-chat (domain response)": ["hej", "tak", "er du en robot"],
    "fallback (custom action)": ["asdfgh qwerty", "hvad bliver vejret i morgen"],
}


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q / 100 * (len(ordered) - 1)))]


def main(rounds: int = 50) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        stack = Stack(workdir=workdir, env=prepare_database(workdir))
        started = time.monotonic()
        try:
            stack.start_actions()
            stack.start_rasa()
            cold = time.monotonic() - started
            first = time.monotonic()
            stack.say("warm-up", "hej")
            print(f"cold start to ready: {cold:.1f} s; first answer after {time.monotonic() - first:.2f} s")
            print(f"| message kind | n | p50 ms | p95 ms |\n|---|---|---|---|")
            for kind, texts in MESSAGES.items():
                timings = []
                for i in range(rounds):
                    sender = f"bench-{kind[:5]}-{i}"
                    for text in texts:
                        t0 = time.perf_counter()
                        assert stack.say(sender, text), text
                        timings.append((time.perf_counter() - t0) * 1000)
                print(f"| {kind} | {len(timings)} | {statistics.median(timings):.0f} | "
                      f"{percentile(timings, 95):.0f} |")
        finally:
            stack.stop_all()


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 50)
