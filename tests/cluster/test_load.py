"""Load through nginx, bounded for CI: the same driver as `make bench-load`, on the test cluster."""
import os

from bench.load import run_load

# CI's bound; `make bench-load` runs the full 60 s and reports p95 in docs/benchmarks.md ("Load through nginx").
CONVERSATIONS = int(os.environ.get("EVEJLEDER_LOAD_CONVERSATIONS") or 100)
SECONDS = float(os.environ.get("EVEJLEDER_LOAD_SECONDS") or 15)


def test_concurrent_conversations_through_nginx_lose_nothing(cluster):
    result = run_load(cluster.public_url, cluster.stored_user_texts, CONVERSATIONS, SECONDS,
                      ca_file=cluster.ca_file)
    print(result.summary())
    assert result.messages >= CONVERSATIONS, "every conversation got to speak"
    assert result.errors == []
    assert result.missing == []
