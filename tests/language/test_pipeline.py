"""The saved Danish spaCy pipeline: Danish tokenizer rules and corrected lookup lemmas."""
import pytest
import spacy

from bot.language.pipeline import save_pipeline


@pytest.fixture(scope="module")
def nlp(tmp_path_factory):
    return spacy.load(save_pipeline(tmp_path_factory.mktemp("spacy") / "da"))


def lemmas(nlp, text):
    return [token.lemma_ for token in nlp(text)]


@pytest.mark.parametrize("form", ["leder", "lederen", "ledere", "lederne", "ledernes"])
def test_every_form_of_leder_is_leder_not_the_verb_stem(nlp, form):
    assert lemmas(nlp, form) == ["leder"]


@pytest.mark.parametrize("form, lemma", [
    ("lønnen", "løn"), ("direktøren", "direktør"), ("uddannelsen", "uddannelse"),
    ("iværksætter", "iværksætter"), ("vejleder", "vejleder"), ("master", "master"),
])
def test_domain_words(nlp, form, lemma):
    assert lemmas(nlp, form) == [lemma]


def test_danish_abbreviations_stay_one_token(nlp):
    assert [t.text for t in nlp("fx f.eks. bl.a. kl. 9")][:4] == ["fx", "f.eks.", "bl.a.", "kl."]
