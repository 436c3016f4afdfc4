"""Load through nginx on the container cluster: the same driver as `make bench-load`, bounded:
100 conversations for 60 s, every message answered and found in the tracker store."""
import os

from bench.load import run_load

CONVERSATIONS = int(os.environ.get("EVEJLEDER_LOAD_CONVERSATIONS") or 100)
SECONDS = float(os.environ.get("EVEJLEDER_LOAD_SECONDS") or 60)


def test_concurrent_conversations_through_nginx_lose_nothing(cluster):
    result = run_load(cluster.public_url, cluster.stored_user_texts, CONVERSATIONS, SECONDS,
                      ca_file=cluster.ca_file)
    print(result.summary())
    assert result.messages >= CONVERSATIONS, "every conversation got to speak"
    assert result.errors == []
    assert result.missing == []
