"""Property tests of the two strictnesses of bot.privacy.detect: the WIDE one (mentions, what
masking and redaction hide) finds every number and address a visitor could have typed; the STRICT
one (find_contact, check_contact, what a callback accepts) takes only Danish subscriber numbers
and valid addresses, and says why otherwise."""
from hypothesis import given
from hypothesis import strategies as st

import tests.hypothesis_profile  # noqa: F401 - the fixed profile
from bot.privacy.detect import (EMAIL, PHONE, PHONE_FOREIGN, PHONE_LETTER, PHONE_LONG, PHONE_SHORT,
                                PHONE_START, REASONS, EMAIL_DOMAIN, check_contact, find_contact,
                                mentions)

DIGITS = "0123456789"
SEPARATOR = st.sampled_from([" ", "  ", "-", ".", "", "/", " - ", "\u00a0"])
WORDS = st.sampled_from(["ring på", "mit nummer er", "ja tak,", "tlf.", ""])
# International numbers libphonenumber knows: (country prefix, a national number of a valid length).
FOREIGN = st.sampled_from([("+46", "701234567"), ("+44", "2079460958"), ("0049", "30123456"),
                           ("+47", "41234567"), ("+1", "2025550143"), ("+358", "401234567")])


def spaced(digits, sep, group=2):
    return sep.join(digits[i:i + group] for i in range(0, len(digits), group))


def covered(text, part, kind=PHONE):
    """True when one mention of `kind` covers `part` inside `text`."""
    start = text.index(part)
    return any(m.kind == kind and m.start <= start and m.end >= start + len(part)
               for m in mentions(text))


@given(st.text(alphabet=DIGITS, min_size=8, max_size=8), SEPARATOR, st.sampled_from([2, 4]), WORDS)
def test_wide_finds_every_eight_digit_number_however_it_is_spaced(digits, sep, group, words):
    number = spaced(digits, sep, group)
    text = f"{words} {number} i morgen"
    assert any(m.start <= text.index(number) and m.end >= text.index(number) + len(number)
               for m in mentions(text))


@given(FOREIGN, SEPARATOR, WORDS)
def test_wide_finds_international_numbers_and_strict_refuses_them(foreign, sep, words):
    prefix, national = foreign
    number = prefix + " " + spaced(national, sep if sep.strip() or sep == "" else " ")
    text = f"{words} {number}"
    assert covered(text, number)
    assert find_contact(number) is None
    assert check_contact(number) == (None, PHONE_FOREIGN)


@given(st.text(alphabet="23456789", min_size=1, max_size=1), st.text(alphabet=DIGITS, min_size=7, max_size=7),
       st.data(), SEPARATOR)
def test_letters_for_digits_are_masked_but_not_accepted(first, rest, data, sep):
    digits = first + rest
    swappable = [i for i, d in enumerate(digits) if d in "01"]
    if not swappable:
        digits, swappable = digits[:7] + "0", [7]
    i = data.draw(st.sampled_from(swappable))
    letter = data.draw(st.sampled_from("Oo" if digits[i] == "0" else "lI"))
    number = spaced(digits[:i] + letter + digits[i + 1:], sep)
    assert covered(f"ring {number} tak", number)
    assert check_contact(number) == (None, PHONE_LETTER)


@given(st.text(alphabet="23456789", min_size=1, max_size=1), st.text(alphabet=DIGITS, min_size=7, max_size=7),
       st.sampled_from(["", "+45", "0045", "+45 ", "(+45) "]), SEPARATOR, WORDS)
def test_strict_accepts_every_danish_subscriber_number(first, rest, prefix, sep, words):
    digits = first + rest
    contact = "+45 " + spaced(digits, " ")
    assert find_contact(f"{words} {prefix}{spaced(digits, sep)}") == contact
    assert check_contact(prefix + spaced(digits, sep)) == (contact, None)


@given(st.sampled_from("01"), st.text(alphabet=DIGITS, min_size=7, max_size=7), SEPARATOR)
def test_strict_refuses_numbers_starting_with_0_or_1_and_says_so(first, rest, sep):
    number = spaced(first + rest, sep)
    assert find_contact(number) is None and check_contact(number)[0] is None
    assert covered(f"ring {number} i dag", number)
    # "00..." reads as an international prefix, so only the others are about the first digit.
    if not (first + rest).startswith("00"):
        assert check_contact(number) == (None, PHONE_START)


@given(st.text(alphabet="23456789", min_size=1, max_size=1),
       st.text(alphabet=DIGITS, min_size=1, max_size=12).filter(lambda d: len(d) != 7), SEPARATOR)
def test_strict_says_when_a_number_has_too_few_or_too_many_digits(first, rest, sep):
    digits = first + rest
    contact, reason = check_contact(spaced(digits, sep))
    assert contact is None
    assert reason == (PHONE_SHORT if len(digits) < 8 else PHONE_LONG)


@given(st.emails(), st.sampled_from(["", " ", "skriv til ", "ja, "]), st.sampled_from(["", ".", " tak"]))
def test_wide_finds_addresses_and_strict_keeps_the_local_part(address, before, after):
    local, domain = address.rsplit("@", 1)
    contact = find_contact(before + address + after)
    if contact is not None:
        assert contact.rsplit("@", 1)[0] == local
        assert find_contact(contact) == contact
    text = before + address + after
    if "." in domain and len(local) <= 64:
        assert mentions(text) and mentions(text)[0].kind in (EMAIL, PHONE)


@given(st.from_regex(r"[a-z]{1,10}(\.[a-z]{1,5})?@([a-z]{1,10})?", fullmatch=True))
def test_an_address_without_a_domain_is_refused_with_that_reason(address):
    assert check_contact(address) == (None, EMAIL_DOMAIN)


@given(st.text())
def test_strict_answers_any_text_with_a_contact_or_a_reason(text):
    contact, reason = check_contact(text)
    assert (contact is None) != (reason is None)
    assert reason is None or reason in REASONS
    assert contact == find_contact(text)
