"""Load through nginx: N concurrent REST conversations for S seconds, then every sent message is
looked up in Rasa's tracker store. Loopback only.

    python -m bench.load --conversations 100 --seconds 60 --report docs/benchmarks.md

starts the container cluster (deploy/k8s/ under podman, deploy/podman/cluster.py; a running
`make run-cluster` is replaced) for the run and removes it afterwards; `--url` and
`--tracker-database-url` point it at a running one instead. With its own cluster it also records
every container's resident memory, idle and at its peak during the run (the figures behind the
memory requests and limits in deploy/k8s/). tests/cluster/test_load.py runs the same driver.
"""
from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import platform
import random
import ssl
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Tuple

import aiohttp

from bench.report import write
from bot.chat import texts as refusals
from deploy.podman.cluster import Cluster, stored_user_texts

# Questions the bot answers from the article (no hand-off: that would pause the conversation).
QUESTIONS = [
    "hej",
    "hvad laver en leder?",
    "hvad tjener en leder?",
    "hvilke uddannelser kan man tage for at blive leder?",
    "hvor kan man arbejde som leder?",
    "hvordan er jobmulighederne for ledere?",
    "hvad laver en afdelingsleder?",
    "hvilke jobtitler findes der?",
    "tak for hjælpen",
]
# Said by the chat channel instead of the bot (bot/chat/texts.py): counts as an error here.
REFUSALS = tuple(text.split("{")[0][:40] for text in (
    refusals.EMPTY, refusals.NOT_TEXT, refusals.TOO_LONG, refusals.SLOW_DOWN, refusals.UNAVAILABLE))


@dataclass
class LoadResult:
    conversations: int
    seconds: float
    started: str
    latencies_ms: List[float] = field(default_factory=list)
    errors: List[str] = field(default_factory=list)
    sent: Dict[str, List[str]] = field(default_factory=dict)
    missing: List[str] = field(default_factory=list)  # "sender: message" not in the tracker store
    load_average: str = ""  # the machine's 1-minute load average at the start and at the end
    memory: Dict[str, Tuple[int, int]] = field(default_factory=dict)  # container: MiB idle, peak

    @property
    def messages(self) -> int:
        return sum(len(texts) for texts in self.sent.values())

    def percentile(self, p: float) -> float:
        ordered = sorted(self.latencies_ms)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]

    def summary(self) -> str:
        return (f"{self.conversations} conversations, {self.seconds:.0f} s: {self.messages} messages "
                f"({self.messages / self.seconds:.1f}/s), {len(self.errors)} errors, "
                f"{len(self.missing)} missing from the tracker store; latency p50 "
                f"{self.percentile(50):.0f} ms, p95 {self.percentile(95):.0f} ms, "
                f"max {max(self.latencies_ms, default=float('nan')):.0f} ms")


async def _conversation(http: aiohttp.ClientSession, url: str, sender: str, deadline: float,
                        rng: random.Random, think: tuple, result: LoadResult) -> None:
    sent = result.sent.setdefault(sender, [])
    await asyncio.sleep(rng.uniform(0, think[1]))  # visitors do not all arrive in the same instant
    while time.monotonic() < deadline:
        message = QUESTIONS[0] if not sent else rng.choice(QUESTIONS[1:])
        sent.append(message)
        began = time.perf_counter()
        try:
            async with http.post(url, json={"sender": sender, "message": message}) as response:
                body = await response.json(content_type=None)
            result.latencies_ms.append((time.perf_counter() - began) * 1000)
            texts = [m.get("text") or "" for m in body] if isinstance(body, list) else []
            if response.status != 200 or not texts:
                result.errors.append(f"{sender}: HTTP {response.status} {str(body)[:200]}")
            elif any(text.startswith(REFUSALS) for text in texts):
                result.errors.append(f"{sender}: refused: {texts[0][:200]}")
        except Exception as exc:  # noqa: BLE001 - every failure is an error of the run
            result.errors.append(f"{sender}: {type(exc).__name__}: {exc}")
        await asyncio.sleep(rng.uniform(*think))


async def _drive(base_url: str, conversations: int, seconds: float, seed: int,
                 think: tuple, ca_file: Optional[Path]) -> LoadResult:
    result = LoadResult(conversations, seconds, dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"))
    rng = random.Random(seed)
    run = f"load-{seed}-{int(time.time())}"
    url = f"{base_url.rstrip('/')}/webhooks/rest/webhook"
    timeout = aiohttp.ClientTimeout(total=90)
    tls = ssl.create_default_context(cafile=str(ca_file)) if ca_file else None
    connector = aiohttp.TCPConnector(limit=conversations + 10, ssl=tls)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as http:
        deadline = time.monotonic() + seconds
        await asyncio.gather(*(
            _conversation(http, url, f"{run}-{n:03d}", deadline, random.Random(rng.random()), think, result)
            for n in range(conversations)))
    return result


def run_load(base_url: str, stored_user_texts: Callable[[List[str]], Dict[str, List[str]]],
             conversations: int = 100, seconds: float = 60, seed: int = 6,
             think: tuple = (2.0, 4.0), ca_file: Optional[Path] = None) -> LoadResult:
    """Drive the load, then compare what each conversation sent with the tracker store.
    `ca_file`: the certificate to trust for an https:// URL (the cluster's self-signed one)."""
    before = os.getloadavg()[0]
    result = asyncio.run(_drive(base_url, conversations, seconds, seed, think, ca_file))
    result.load_average = f"{before:.1f} -> {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs"
    stored = stored_user_texts(list(result.sent))
    for sender, texts in result.sent.items():
        lacking = Counter(texts) - Counter(stored.get(sender, []))
        result.missing += [f"{sender}: {text}" for text in lacking.elements()]
    return result


# Every simulated visitor comes from this machine (one address): the chat's per-address limit would
# throttle them all as one, so the load run turns it off in the cluster's ConfigMap. The
# per-session limit stays on.
LOAD_OVERRIDES = {("evejleder-env", "CHAT_ADDRESS_PER_MINUTE"): "0"}

LOAD_BEGIN = "<!-- make bench-load: generated from here -->"
LOAD_END = "<!-- make bench-load: generated until here -->"


def markdown(result: LoadResult) -> str:
    """The load section of docs/benchmarks.md, between its own markers."""
    return "\n".join([
        LOAD_BEGIN,
        "## Load through nginx (cluster)",
        "",
        "Generated by `make bench-load` (`python -m bench.load`): the container cluster (deploy/k8s/ under",
        "podman: PostgreSQL, Redis, two Rasa containers, the action server, nginx); each simulated visitor holds a",
        "REST conversation through nginx, waiting 2-4 s (seeded) between messages; afterwards every sent",
        "message is looked up in Rasa's tracker store. Timings are measurements, not test assertions.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| run | {result.started}, {platform.node()}, Python {platform.python_version()} |",
        f"| machine load average (1 min, start -> end) | {result.load_average} |",
        f"| concurrent conversations | {result.conversations} |",
        f"| duration | {result.seconds:.0f} s |",
        f"| messages answered | {result.messages} ({result.messages / result.seconds:.1f}/s) |",
        f"| errors | {len(result.errors)} |",
        f"| sent but missing from the tracker store | {len(result.missing)} |",
        f"| latency p50 | {result.percentile(50):.0f} ms |",
        f"| latency p95 | {result.percentile(95):.0f} ms |",
        f"| latency max | {max(result.latencies_ms, default=float('nan')):.0f} ms |",
        *_memory_rows(result),
        LOAD_END,
    ])


def _memory_rows(result: LoadResult) -> List[str]:
    if not result.memory:
        return []
    return ["",
            "Resident memory of each container in MiB (VmRSS summed over its processes, "
            "`Cluster.memory`): idle once every",
            "container is ready, and the highest of the samples taken every second during the run. "
            "The memory requests",
            "and limits in deploy/k8s/ come from these figures (docs/deploy.md).",
            "",
            "| container | idle | peak under load |",
            "|---|---|---|",
            *(f"| {name} | {idle} | {peak} |" for name, (idle, peak) in result.memory.items())]


def run_measuring_memory(cluster: Cluster, drive: Callable[[], LoadResult]) -> LoadResult:
    """`drive()` with every container's memory sampled each second: idle before, peak during."""
    idle = cluster.memory()
    peak = dict(idle)
    stop = threading.Event()

    def sample() -> None:
        while not stop.wait(1.0):
            for name, mib in cluster.memory().items():
                peak[name] = max(peak.get(name, 0), mib)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        result = drive()
    finally:
        stop.set()
        sampler.join()
    result.memory = {name: (idle[name], peak[name]) for name in idle}
    return result


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=100)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--seed", type=int, default=6)
    parser.add_argument("--url", help="a running cluster's public URL (default: start a private one)")
    parser.add_argument("--tracker-database-url", help="its tracker store (with --url)")
    parser.add_argument("--ca-file", type=Path, help="the certificate to trust for its https:// URL")
    parser.add_argument("--report", type=Path, help="write the result as Markdown here")
    args = parser.parse_args(argv)

    if args.url:
        result = run_load(args.url, lambda senders: stored_user_texts(args.tracker_database_url, senders),
                          args.conversations, args.seconds, args.seed, ca_file=args.ca_file)
    else:
        cluster = Cluster(overrides=LOAD_OVERRIDES)
        try:
            print("==> Starting the container cluster (about a minute)")
            cluster.down(volumes=True)
            cluster.up()
            print(f"==> {args.conversations} conversations for {args.seconds:.0f} s through nginx")
            result = run_measuring_memory(cluster, lambda: run_load(
                cluster.public_url, cluster.stored_user_texts, args.conversations, args.seconds,
                args.seed, ca_file=cluster.ca_file))
        finally:
            cluster.down(volumes=True)
    print(result.summary())
    for error in result.errors[:10]:
        print("  error:", error)
    if args.report:
        write(args.report, markdown(result), LOAD_BEGIN, LOAD_END)
        print(f"wrote {args.report}")
    return 0 if not result.errors and not result.missing else 1


if __name__ == "__main__":
    raise SystemExit(main())
