"""Load through nginx on the container cluster: the same driver as `make bench-load`, bounded:
100 conversations for 60 s, every message answered and found in the tracker store, and every
container's peak memory below the limit its manifest sets."""
import os

from bench.load import run_load, run_measuring_memory

CONVERSATIONS = int(os.environ.get("EVEJLEDER_LOAD_CONVERSATIONS") or 100)
SECONDS = float(os.environ.get("EVEJLEDER_LOAD_SECONDS") or 60)
UNITS = {"Mi": 1, "Gi": 1024}


def mebibytes(quantity: str) -> int:
    return int(quantity[:-2]) * UNITS[quantity[-2:]]


def test_concurrent_conversations_through_nginx_lose_nothing(cluster):
    result = run_measuring_memory(cluster, lambda: run_load(
        cluster.public_url, cluster.stored_user_texts, CONVERSATIONS, SECONDS, ca_file=cluster.ca_file))
    print(result.summary())
    assert result.messages >= CONVERSATIONS, "every conversation got to speak"
    assert result.errors == []
    assert result.missing == []
    for container in cluster.containers:
        if container.kind == "Job":
            continue
        idle, peak = result.memory[container.name]
        resources = container.spec["resources"]
        print(f"{container.name}: {idle} MiB idle, {peak} MiB peak")
        assert 0 < peak < mebibytes(resources["limits"]["memory"]), (container.name, peak)
