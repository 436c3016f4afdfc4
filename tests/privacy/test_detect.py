"""Contact details for callbacks: Danish phone numbers and e-mail syntax."""
import pytest

from bot.privacy.detect import (EXAMPLE_EMAIL, EXAMPLE_PHONE, find_contact, normalise_email,
                                normalise_phone)


@pytest.mark.parametrize("text", [
    "87654321", "23 45 67 89", "+45 23 45 67 89", "+4523456789", "0045 23456789", "23-45-67-89",
    "2345 6789", "23.45.67.89", "+45-23-45-67-89", "(+45) 23 45 67 89", "0045-23-45-67-89",
    "+45 2345\u00a06789",
])
def test_danish_phone_numbers_are_accepted(text):
    assert normalise_phone(text).startswith("+45 ")


def test_phone_numbers_are_normalised():
    assert normalise_phone(" +45 2345 6789 ") == "+45 23 45 67 89"


@pytest.mark.parametrize("text", [
    "", "1234567", "234567890", "+46 23 45 67 89", "02345678", "12 34 56 7a", "tlf 23456789", "112",
])
def test_bad_phone_numbers_are_refused(text):
    assert normalise_phone(text) is None


@pytest.mark.parametrize("text", [
    "anne@example.dk", "anne.hansen+vejledning@sub.example.com", "kontakt@æblegrød.dk",
])
def test_email_addresses_are_accepted(text):
    assert normalise_email(text) is not None


def test_email_domain_is_lower_cased():
    assert normalise_email(" Anne@Example.DK ") == "Anne@example.dk"


@pytest.mark.parametrize("text", [
    "", "anne", "anne@", "@example.dk", "anne@example", "anne@@example.dk", "anne @example.dk",
    "anne@example..dk", "anne@-example.dk", "anne.@example.dk", "a" * 65 + "@example.dk",
])
def test_bad_email_addresses_are_refused(text):
    assert normalise_email(text) is None


def test_every_example_the_bot_shows_is_accepted():
    assert normalise_phone(EXAMPLE_PHONE) == "+45 20 30 40 50"
    assert normalise_email(EXAMPLE_EMAIL) == EXAMPLE_EMAIL


def test_normalised_details_are_accepted_again():
    for text in (EXAMPLE_PHONE, EXAMPLE_EMAIL, "0045 23-45-67-89"):
        assert find_contact(find_contact(text)) == find_contact(text)


@pytest.mark.parametrize("text, contact", [
    ("ring på 23 45 67 89 efter kl. 16", "+45 23 45 67 89"),
    ("ja, mit nummer er +45 2345-6789.", "+45 23 45 67 89"),
    ("skriv til anne@example.dk, tak", "anne@example.dk"),
    ("ja tak", None), ("ring efter kl. 16", None), ("+46 23 45 67 89", None), ("12 34 56 78", None),
])
def test_contact_details_are_found_inside_a_message(text, contact):
    assert find_contact(text) == contact
