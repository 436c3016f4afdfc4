"""Validation of the contact details a visitor gives for a callback."""
from __future__ import annotations

import re
from typing import Iterator, Optional, Tuple

_PHONE_SEPARATORS = re.compile(r"[\s\-./()]")
# Danish subscriber numbers have 8 digits and do not start with 0 or 1
# (1xx are short service numbers). ASCII digits only: Python's \d also matches other scripts'
# digits (found by the property tests), which would put "+45 20 00 00 0٠" on the counsellor's list.
_DANISH_PHONE = re.compile(r"(?:\+45|0045)?([2-9][0-9]{7})")
# Pragmatic e-mail syntax: one @, a dot-separated domain with a letter TLD, no spaces.
_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9æøåÆØÅ](?:[A-Za-z0-9æøåÆØÅ-]{0,61}[A-Za-z0-9æøåÆØÅ])?\.)+"
    # A letter TLD, or an internationalised one in its ASCII form (xn--p1ai is .рф): the
    # property tests found real punycode TLDs refused.
    r"(?:[A-Za-z]{2,63}|[Xx][Nn]--[A-Za-z0-9-]{1,59})"
)


# The examples the bot shows a visitor; the tests feed each one back through the checks below.
EXAMPLE_PHONE = "20 30 40 50"
EXAMPLE_EMAIL = "navn@eksempel.dk"

# A run of digits and separators, optionally after "+": the place a phone number can sit in a message.
_PHONE_CANDIDATE = re.compile(r"\+?[0-9][0-9\s\-./()]*[0-9]")
_TRAILING_PUNCTUATION = ".,;:!?()\"'"


def normalise_phone(text: str) -> Optional[str]:
    """'+45 23 45 67 89' style for a Danish number (with or without +45/0045), else None."""
    compact = _PHONE_SEPARATORS.sub("", (text or "").strip())
    match = _DANISH_PHONE.fullmatch(compact)
    if not match:
        return None
    digits = match.group(1)
    return "+45 " + " ".join(digits[i:i + 2] for i in range(0, 8, 2))


def normalise_email(text: str) -> Optional[str]:
    """The address with a lower-cased domain, or None when it is not an e-mail address."""
    candidate = (text or "").strip()
    if len(candidate) > 254 or not _EMAIL.fullmatch(candidate):
        return None
    local, domain = candidate.rsplit("@", 1)
    if len(local) > 64:
        return None
    return f"{local}@{domain.lower()}"


def contact_mentions(text: str) -> Iterator[Tuple[str, str]]:
    """(as typed, normalised) for each Danish phone number, then each e-mail address, in a message.

    Visitors wrap their details in words ("ring på 20 30 40 50", "ja, navn@eksempel.dk").
    """
    text = text or ""
    for candidate in _PHONE_CANDIDATE.findall(text):
        phone = normalise_phone(candidate)
        if phone:
            yield candidate, phone
    for word in text.split():
        typed = word.strip(_TRAILING_PUNCTUATION)
        email = normalise_email(typed)
        if email:
            yield typed, email


def find_contact(text: str) -> Optional[str]:
    """The first Danish phone number or e-mail address inside a message, normalised, else None."""
    return next((normalised for _typed, normalised in contact_mentions(text)), None)
