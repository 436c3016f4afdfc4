"""Contact details for callbacks: Danish phone numbers and e-mail syntax."""
import pytest

from bot.handoff.contact import normalise_email, normalise_phone


@pytest.mark.parametrize("text", [
    "87654321", "23 45 67 89", "+45 23 45 67 89", "+4523456789", "0045 23456789", "23-45-67-89",
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
