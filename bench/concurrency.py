"""Many conversations at once through the REST webhook: throughput, latency, errors.

Each of N clients plays the script of bench.latency in a loop (a fresh conversation each time,
opener included), sending its next message as soon as the previous answer arrived, until the
time is up. An error is a failed request (time-out after 30 s, connection error, HTTP status
other than 200) or an empty answer.
"""
from __future__ import annotations

import asyncio
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import List

import aiohttp

from bench.latency import OPENER, SCRIPT


@dataclass
class Load:
    clients: int
    seconds: float = 0.0
    ms: List[float] = field(default_factory=list)
    error_kinds: Counter = field(default_factory=Counter)

    @property
    def errors(self) -> int:
        return sum(self.error_kinds.values())

    @property
    def per_second(self) -> float:
        return len(self.ms) / self.seconds if self.seconds else 0.0


async def _client(session: aiohttp.ClientSession, url: str, deadline: float, load: Load) -> None:
    texts = [OPENER] + [text for _, text in SCRIPT]
    while time.monotonic() < deadline:
        sender = f"load-{uuid.uuid4().hex}"
        for text in texts:
            if time.monotonic() >= deadline:
                return
            started = time.perf_counter()
            try:
                async with session.post(f"{url}/webhooks/rest/webhook",
                                        json={"sender": sender, "message": text}) as response:
                    if response.status != 200:
                        load.error_kinds[f"HTTP {response.status}"] += 1
                        continue
                    answer = await response.json()
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                load.error_kinds[type(error).__name__] += 1
                continue
            if not answer:
                load.error_kinds["empty answer"] += 1
                continue
            load.ms.append((time.perf_counter() - started) * 1000)


async def _run(url: str, clients: int, seconds: float) -> Load:
    load = Load(clients)
    connector = aiohttp.TCPConnector(limit=clients)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:
        started = time.monotonic()
        await asyncio.gather(*(_client(session, url, started + seconds, load) for _ in range(clients)))
        load.seconds = time.monotonic() - started
    return load


def run(url: str, clients: int, seconds: float) -> Load:
    return asyncio.run(_run(url, clients, seconds))
