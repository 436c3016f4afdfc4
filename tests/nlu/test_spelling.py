"""The typing-error correction in front of the featurizers (bot/nlu/spelling.py)."""
import pytest

from bot.nlu.spelling import Speller, danish_spellings

VOCABULARY = Speller.from_texts([
    "hvad tjener en leder om måneden", "hvordan bliver man direktør", "tak for hjælpen",
    "hvad laver en leder", "hvad laver en leder", "løn og lønforhold", "kan man få job på en skole",
])
# A stand-in for the spaCy lemma table: Danish word forms that are not in the training data.
LEXICON = frozenset({"loen", "lærer", "mål", "kage", "lader"})


@pytest.fixture
def speller():
    return Speller(VOCABULARY.vocabulary, LEXICON)


@pytest.mark.parametrize("typed, meant", [
    ("hvda", "hvad"),            # neighbours swapped
    ("ledre", "leder"),
    ("atk", "tak"),              # a three-letter word, swapped back
    ("direktoer", "direktør"),   # æ/ø/å typed as ae/oe/aa
    ("dierktoer", "direktør"),   # both at once
    ("maaneden", "måneden"),
    ("paa", "på"),
    ("loen", "løn"),             # "loen" is Danish (the barn), but the training data says løn
    ("maal", "mål"),             # not in the training data, but a Danish word form
    ("laerer", "lærer"),
    ("Hvda", "hvad"),            # case does not matter
    ("tjner", "tjener"),         # a letter dropped
    ("leeder", "leder"),         # a letter doubled
])
def test_typing_errors_are_corrected(speller, typed, meant):
    assert speller.correct(typed) == meant


@pytest.mark.parametrize("word", [
    "leder", "tjener",           # training-data words
    "kage", "lader",             # Danish words one edit from a training-data word: left alone
    "en", "et", "ne",            # two letters: too close to each other to guess
    "what", "asdfgh", "zzz",     # nothing near: kept as typed, for the classifier to judge
    "1234", "e-mail", "",        # not a word
])
def test_known_words_and_hopeless_guesses_are_left_alone(speller, word):
    assert speller.correct(word) is None


@pytest.mark.parametrize("token", ["aa" * 500, "aeoeaa" * 5, "ledr" * 10])
def test_long_tokens_are_left_alone_at_once(speller, token):
    """Respelling every ae/oe/aa of a 1,000-letter token would take 2^500 tries."""
    assert speller.correct(token) is None


def test_a_few_ascii_spellings_are_still_respelled(speller):
    assert Speller({"påskeæg": 1}).correct("paaskeaeg") == "påskeæg"


def test_three_letter_words_are_only_corrected_by_a_swap(speller):
    assert speller.correct("tsk") is None  # one substitution from "tak", but too short to guess


def test_the_most_frequent_candidate_wins_and_ties_are_broken_alphabetically():
    speller = Speller({"leder": 5, "lader": 1, "ledes": 1, "lede": 1})
    assert speller.correct("ledr") == "leder"
    assert Speller({"bade": 1, "bide": 1}).correct("bbde") == "bade"


def test_every_danish_spelling_is_tried():
    assert sorted(danish_spellings("aabenraa")) == sorted(["aabenraa", "åbenraa", "aabenrå", "åbenrå"])
    assert list(danish_spellings("leder")) == ["leder"]


@pytest.fixture(scope="module")
def parse():
    from nlu_eval.rasa_model import RasaParser

    from tests.nlu.test_holdout import MODEL

    parser = RasaParser(MODEL)
    yield lambda text: parser.predict([(text, None, frozenset())])[0]
    parser.close()


def test_the_assistant_understands_a_question_typed_with_errors(parse):
    clean, typed = parse("Hvordan bliver man direktør?"), parse("hvordna bliver man dierktoer")
    assert typed.intent == clean.intent == "ask_career_paths"
    assert typed.entities == clean.entities == {("career_role", "direktør")}


def test_an_entity_keeps_what_was_typed_where_nothing_was_corrected(parse):
    assert ("career_role", "områdechef") in parse("hvad laver en omraadechef").entities


class CountingVocabulary(dict):
    """The vocabulary, counting how often a spelling is looked up in it (the corrector's cost)."""

    look_ups = 0

    def __contains__(self, word):
        CountingVocabulary.look_ups += 1
        return super().__contains__(word)


def look_ups_for(speller, tokens, budget):
    CountingVocabulary.look_ups = 0
    for token in tokens:
        speller.correct(token, budget)
    return CountingVocabulary.look_ups


def test_a_message_of_long_made_up_words_costs_at_most_its_budget():
    from bot.nlu.spelling import MESSAGE_BUDGET, Budget

    speller = Speller(CountingVocabulary(VOCABULARY.vocabulary), LEXICON)
    # 29 letters, four of them ae/oe/aa: one edit search is ~30,000 look-ups.
    worst = [f"{letter}aabcoedfgaehijaaklmnpqrstuvx"[:29] for letter in "bcdfghjklm"]
    assert look_ups_for(speller, worst, Budget()) <= MESSAGE_BUDGET + len(worst)
    # An ordinary typo still gets its correction within the budget of its own message.
    assert speller.correct("ledre", Budget()) == "leder"


def test_corrections_are_remembered():
    speller = Speller(CountingVocabulary(VOCABULARY.vocabulary), LEXICON, cache_size=2)
    from bot.nlu.spelling import Budget

    assert look_ups_for(speller, ["dierktoer"], Budget()) > 100
    assert look_ups_for(speller, ["dierktoer"], Budget()) <= 1  # the is-it-known check only
    assert speller.correct("dierktoer") == "direktør"
    speller.correct("hvda"), speller.correct("ledre")  # the oldest entry makes room
    assert look_ups_for(speller, ["dierktoer"], Budget()) > 100
