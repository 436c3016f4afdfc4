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
