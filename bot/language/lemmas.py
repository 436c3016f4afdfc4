"""Lemmas from the saved Danish spaCy pipeline (var/spacy_da), read without importing spaCy.

The action server needs only the lookup table, and importing spaCy pulls in thinc and with it
TensorFlow (seconds of start-up, hundreds of MB). spaCy stores the table in msgpack, keyed by its
64-bit string hash (MurmurHash64A, seed 1), so the table is read with srsly and keys are hashed here.
"""
from __future__ import annotations

from pathlib import Path
from typing import Dict

import srsly

TABLE_FILE = Path("lemmatizer") / "lookups" / "lookups.bin"
_MASK = 2 ** 64 - 1
_M = 0xC6A4A7935BD1E995


def string_hash(text: str) -> int:
    """spaCy's `hash_string`: MurmurHash64A of the UTF-8 bytes with seed 1."""
    data = text.encode("utf-8")
    h = (1 ^ (len(data) * _M)) & _MASK
    whole = len(data) // 8 * 8
    for i in range(0, whole, 8):
        k = (int.from_bytes(data[i:i + 8], "little") * _M) & _MASK
        k = ((k ^ (k >> 47)) * _M) & _MASK
        h = ((h ^ k) * _M) & _MASK
    if len(data) > whole:
        h = ((h ^ int.from_bytes(data[whole:], "little")) * _M) & _MASK
    h = ((h ^ (h >> 47)) * _M) & _MASK
    return h ^ (h >> 47)


class LemmaTable:
    def __init__(self, table: Dict[int, str]) -> None:
        self._table = table

    @classmethod
    def from_pipeline(cls, path: Path) -> "LemmaTable":
        return cls(srsly.read_msgpack(Path(path) / TABLE_FILE)["lemma_lookup"])

    def __contains__(self, word: str) -> bool:
        return string_hash(word) in self._table

    def lemma(self, word: str) -> str:
        return self._table.get(string_hash(word), word)
