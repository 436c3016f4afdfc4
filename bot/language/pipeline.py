"""Build the blank Danish spaCy pipeline that Rasa's SpacyNLP loads from disk.

No trained Danish pipeline can be installed here, so Rasa gets spaCy's Danish tokenizer rules
plus the lookup lemmatizer from spacy-lookups-data. The lookup table was built for general text
and gets some of this domain's key words wrong (it maps "leder" and "lederne" to the verb stem
"led"), so those entries are corrected before the pipeline is saved.
"""
from __future__ import annotations

from pathlib import Path

import spacy

# Word form -> lemma, for forms the stock table gets wrong in this domain.
LEMMA_CORRECTIONS = {
    "leder": "leder",
    "lederne": "leder",
    "ledernes": "leder",
    "lederens": "leder",
    "leders": "leder",
    "vejleder": "vejleder",
    "vejledere": "vejleder",
    "vejlederne": "vejleder",
    "evejleder": "evejleder",
    "evejlederen": "evejleder",
    "evejledere": "evejleder",
    "master": "master",
    "masteren": "master",
    "iværksætter": "iværksætter",
    "iværksættere": "iværksætter",
    "iværksætteren": "iværksætter",
    "områdechef": "områdechef",
    "områdechefen": "områdechef",
    "karriereveje": "karrierevej",
    "karrierevej": "karrierevej",
    "diplomuddannelse": "diplomuddannelse",
    "diplomuddannelsen": "diplomuddannelse",
    "lederjob": "lederjob",
    "lederjobbet": "lederjob",
}

# Bumped whenever the pipeline's content changes, so `make` rebuilds it.
PIPELINE_VERSION = "1"


def build_pipeline() -> "spacy.language.Language":
    nlp = spacy.blank("da")
    lemmatizer = nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    nlp.initialize()
    table = lemmatizer.lookups.get_table("lemma_lookup")
    for form, lemma in LEMMA_CORRECTIONS.items():
        table[form] = lemma
    nlp.meta["name"] = "evejleder_da"
    nlp.meta["version"] = f"0.0.{PIPELINE_VERSION}"
    nlp.meta["description"] = "Blank Danish pipeline with corrected lookup lemmas (eVejleder)"
    return nlp


def save_pipeline(path: Path) -> Path:
    nlp = build_pipeline()
    path.mkdir(parents=True, exist_ok=True)
    nlp.to_disk(path)
    return path
