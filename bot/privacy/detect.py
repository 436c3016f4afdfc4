"""The one detector of personal data in a visitor's words: phone numbers (Danish and international,
however they are spaced), e-mail addresses and CPR-like numbers.

Every use asks this module: the callback form (is the answer a contact detail, and in which
normal form), the redaction of Rasa's records (which typed texts to overwrite) and the masking of
the console's pages and exports (what to hide). They differ only in what they take from a
mention: masking hides every mention; a callback needs one a counsellor can use (`contact`).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, List, Optional, Tuple

PHONE, EMAIL, CPR = "phone", "email", "cpr"

_PHONE_SEPARATORS = re.compile(r"[\s\-./()]")
# Danish subscriber numbers have 8 digits and do not start with 0 or 1
# (1xx are short service numbers). ASCII digits only: Python's \d also matches other scripts'
# digits (found by the property tests), which would put "+45 20 00 00 0٠" on the counsellor's list.
_DANISH_PHONE = re.compile(r"(?:\+45|0045)?([2-9][0-9]{7})")
# Pragmatic e-mail syntax: one @, a dot-separated domain with a letter TLD, no spaces.
_VALID_EMAIL = re.compile(
    r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
    r"@(?:[A-Za-z0-9æøåÆØÅ](?:[A-Za-z0-9æøåÆØÅ-]{0,61}[A-Za-z0-9æøåÆØÅ])?\.)+"
    # A letter TLD, or an internationalised one in its ASCII form (xn--p1ai is .рф): the
    # property tests found real punycode TLDs refused.
    r"(?:[A-Za-z]{2,63}|[Xx][Nn]--[A-Za-z0-9-]{1,59})"
)

# Where personal data can sit in a message. Broader than what a callback accepts: a number that
# is no reachable Danish number ("12 34 56 78", "+46 ...") is still hidden from the console.
_EMAIL_ANYWHERE = re.compile(r"[\w!#$%&'*+/=?^`{|}~.-]+@[\w-]+(?:\.[\w-]+)+")
_CPR_ANYWHERE = re.compile(r"(?<!\d)\d{6}[ -]?\d{4}(?!\d)")
# 8 to 15 digits (the longest international number), single separators between them, after an
# optional +/00 and country code: "20 30 40 50", "+45 2030-4050", "0046 70 123 45 67".
_PHONE_ANYWHERE = re.compile(r"(?<!\d)(?:(?:\+|00)\d{1,3}[\s.\-/]?)?(?:\d[\s.\-/]?){7,14}\d(?!\d)")

# The examples the bot shows a visitor; the tests feed each one back through the checks below.
EXAMPLE_PHONE = "20 30 40 50"
EXAMPLE_EMAIL = "navn@eksempel.dk"


@dataclass(frozen=True)
class Mention:
    kind: str  # PHONE | EMAIL | CPR
    start: int
    end: int
    typed: str
    # The normal form a counsellor can use ('+45 23 45 67 89', the address with a lower-cased
    # domain); None for a CPR-like number or a number or address no one can be reached at.
    contact: Optional[str]


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
    if len(candidate) > 254 or not _VALID_EMAIL.fullmatch(candidate):
        return None
    local, domain = candidate.rsplit("@", 1)
    if len(local) > 64:
        return None
    return f"{local}@{domain.lower()}"


def _rank(mention: Mention) -> int:
    """Which of two overlapping mentions wins: an address, then a number someone can be called
    on ('+4523456789' also has a CPR number's shape), then a CPR-like number, then any number."""
    if mention.kind == EMAIL:
        return 0
    if mention.kind == PHONE and mention.contact:
        return 1
    return 2 if mention.kind == CPR else 3


def mentions(text: str) -> List[Mention]:
    """Every phone number, e-mail address and CPR-like number in `text`, in reading order, none
    overlapping."""
    text = text or ""
    found = [Mention(EMAIL, m.start(), m.end(), m.group(), normalise_email(m.group()))
             for m in _EMAIL_ANYWHERE.finditer(text)]
    found += [Mention(CPR, m.start(), m.end(), m.group(), None) for m in _CPR_ANYWHERE.finditer(text)]
    found += [Mention(PHONE, m.start(), m.end(), m.group(), normalise_phone(m.group()))
              for m in _PHONE_ANYWHERE.finditer(text)]
    kept: List[Mention] = []
    for mention in sorted(found, key=lambda m: (_rank(m), m.start)):
        if all(mention.end <= other.start or mention.start >= other.end for other in kept):
            kept.append(mention)
    return sorted(kept, key=lambda m: m.start)


def contact_mentions(text: str) -> Iterator[Tuple[str, str]]:
    """(as typed, normalised) for each Danish phone number, then each e-mail address, in a message.

    Visitors wrap their details in words ("ring på 20 30 40 50", "ja, navn@eksempel.dk").
    """
    usable = [m for m in mentions(text) if m.contact]
    for kind in (PHONE, EMAIL):
        for mention in usable:
            if mention.kind == kind:
                yield mention.typed, mention.contact


def find_contact(text: str) -> Optional[str]:
    """The first Danish phone number or e-mail address inside a message, normalised, else None."""
    return next((normalised for _typed, normalised in contact_mentions(text)), None)
