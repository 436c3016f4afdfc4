import pytest

from bot.privacy.masking import mask


@pytest.mark.parametrize("text, masked", [
    ("ring på 12 34 56 78 i morgen", "ring på [telefonnummer] i morgen"),
    ("+45 12345678", "[telefonnummer]"),
    ("skriv til anna.b@example.dk tak", "skriv til [e-mail] tak"),
    ("mit cpr er 010203-1234", "mit cpr er [cpr-nummer]"),
    ("0102031234", "[cpr-nummer]"),
])
def test_personal_data_is_masked(text, masked):
    assert mask(text) == masked


@pytest.mark.parametrize("text", ["hvad tjener en leder i 2026", "løn 45000 kr", "kl. 14:30"])
def test_ordinary_numbers_stay(text):
    assert mask(text) == text


@pytest.mark.parametrize("text, masked", [
    ("ring på +46 70 123 45 67", "ring på [telefonnummer]"),
    ("mit nummer: 12  34  56  78.", "mit nummer: [telefonnummer]."),
    ("2O345678", "[telefonnummer]"),
    ("ring 2o 34 56 7l tak", "ring [telefonnummer] tak"),
    ("+44 20 7946 0958 eller 0046 70 123 45 67", "[telefonnummer] eller [telefonnummer]"),
])
def test_foreign_oddly_spaced_and_letter_swapped_numbers_are_masked(text, masked):
    assert mask(text) == masked


@pytest.mark.parametrize("text", ["Hello 2026", "kl. 16", "Ole ringer i morgen", "I 2010 blev jeg færdig"])
def test_words_with_digit_like_letters_stay(text):
    assert mask(text) == text
