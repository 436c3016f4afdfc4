"""The one detector of personal data in a visitor's words: phone numbers (Danish and international,
however they are spaced), e-mail addresses and CPR-like numbers.

Two strictnesses share it. WIDE (`mentions`, `contact_mentions`, used to mask the console and to
redact Rasa's records) finds anything that could be a contact detail: libphonenumber's matcher at
its POSSIBLE leniency, e-mail-shaped words, CPR-like numbers and numbers with letters typed for
digits. STRICT (`find_contact`, `check_contact`, used by the callback form) accepts only what a
counsellor can use: a Danish subscriber number (8 digits, not starting with 0 or 1) or an address
email-validator accepts, and otherwise says why not.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, List, Optional, Tuple

import phonenumbers
from email_validator import EmailNotValidError, validate_email

PHONE, EMAIL, CPR = "phone", "email", "cpr"

# Why check_contact refused a message; the callback form turns each into a Danish reply.
NOTHING = "nothing"              # no number or address at all
PHONE_START = "phone_start"      # 8 digits starting with 0 or 1
PHONE_SHORT = "phone_short"      # fewer than 8 digits
PHONE_LONG = "phone_long"        # more than 8 digits, no country code
PHONE_FOREIGN = "phone_foreign"  # another country's code
PHONE_LETTER = "phone_letter"    # a letter typed for a digit ("2O345678")
EMAIL_DOMAIN = "email_domain"    # nothing, or no dot, after the @
EMAIL_INVALID = "email_invalid"  # any other broken address
REASONS = (NOTHING, PHONE_START, PHONE_SHORT, PHONE_LONG, PHONE_FOREIGN, PHONE_LETTER, EMAIL_DOMAIN,
           EMAIL_INVALID)

_REGION = "DK"
_DANISH_CODE = 45
# The letters people type for digits: O/o for 0, l/I for 1. Swapped only inside a run that already
# has six real digits and is no part of a word, so "Hello 2026" and "kl. 16" stay as they are.
_SWAPS = str.maketrans("OolI", "0011")
_SWAPPABLE_RUN = re.compile(
    r"(?<![^\W\d_])(?:\+|00)?(?:[0-9OolI][\s.\-/]{0,3}){7,14}[0-9OolI](?![^\W\d_])")
# libphonenumber reads other scripts' digits as ASCII ones; a callback number must be typed in ASCII.
_NON_ASCII_DIGIT = re.compile(r"[^\W0-9_a-zA-Z]")
# email-validator checks one address; finding addresses in running text is left to this pattern.
_EMAIL_ANYWHERE = re.compile(r"[\w!#$%&'*+/=?^`{|}~.-]+@[\w-]+(?:\.[\w-]+)+")
# CPR numbers (ddmmyy-xxxx) are no phone numbers, so libphonenumber does not look for them.
_CPR_ANYWHERE = re.compile(r"(?<!\d)\d{6}[ -]?\d{4}(?!\d)")
# libphonenumber's matcher skips digit groups split by slashes ("20/30/40/50"), which it takes for
# dates; masking hides any run of 8 to 15 digits all the same.
_DIGITS_ANYWHERE = re.compile(r"(?<!\d)(?:(?:\+|00)\d{1,3}[\s.\-/]{0,3})?(?:\d[\s.\-/]{0,3}){7,14}\d(?!\d)")
_DIGIT_RUN = re.compile(r"(?:\+|00)?\d(?:[\s.\-/()]{0,3}\d)*")

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


def _has_non_ascii_digit(text: str) -> bool:
    return any(c.isdigit() and not c.isascii() for c in text)


def _danish(number: phonenumbers.PhoneNumber) -> Optional[str]:
    """'+45 23 45 67 89' when libphonenumber's reading is a Danish subscriber number, else None."""
    digits = str(number.national_number)
    if number.country_code != _DANISH_CODE or number.italian_leading_zero or len(digits) != 8 \
            or digits[0] in "01":
        return None
    return "+45 " + " ".join(digits[i:i + 2] for i in range(0, 8, 2))


def _parse(text: str) -> Optional[phonenumbers.PhoneNumber]:
    if _has_non_ascii_digit(text) or not re.fullmatch(r"[\d\s+\-./()]+", text):
        return None
    try:
        return phonenumbers.parse(text, _REGION)
    except phonenumbers.NumberParseException:
        return None


def normalise_phone(text: str) -> Optional[str]:
    """'+45 23 45 67 89' style for a Danish number (with or without +45/0045), else None."""
    number = _parse((text or "").strip())
    return _danish(number) if number else None


def normalise_email(text: str) -> Optional[str]:
    """The address with a lower-cased domain, or None when it is not an e-mail address."""
    candidate = (text or "").strip()
    if not candidate or any(c.isspace() for c in candidate):
        return None
    try:
        return validate_email(candidate, check_deliverability=False).normalized
    except EmailNotValidError:
        return None


def _unswapped(text: str) -> str:
    """`text` with letters typed for digits read as digits, same length so positions still hold."""
    def swap(match: re.Match) -> str:
        run = match.group()
        return run.translate(_SWAPS) if sum(c.isdigit() for c in run) >= 6 else run
    return _SWAPPABLE_RUN.sub(swap, text)


def _rank(mention: Mention) -> int:
    """Which of two overlapping mentions wins: an address, then a number someone can be called
    on or one with a country code ('+4523456789' and '+44 2079460958' also hold a CPR number's
    shape), then a CPR-like number, then any number."""
    if mention.kind == EMAIL:
        return 0
    if mention.kind == PHONE and (mention.contact or mention.typed.startswith(("+", "00"))):
        return 1
    return 2 if mention.kind == CPR else 3


def mentions(text: str) -> List[Mention]:
    """Every phone number, e-mail address and CPR-like number in `text`, in reading order, none
    overlapping (the WIDE detector)."""
    text = text or ""
    read = _unswapped(text)
    found = [Mention(EMAIL, m.start(), m.end(), m.group(), normalise_email(m.group()))
             for m in _EMAIL_ANYWHERE.finditer(text)]
    found += [Mention(CPR, m.start(), m.end(), m.group(), None) for m in _CPR_ANYWHERE.finditer(read)]
    for match in phonenumbers.PhoneNumberMatcher(read, _REGION, leniency=phonenumbers.Leniency.POSSIBLE):
        typed = text[match.start:match.end]
        usable = typed == match.raw_string and not _has_non_ascii_digit(typed)
        found.append(Mention(PHONE, match.start, match.end, typed,
                             _danish(match.number) if usable else None))
    found += [Mention(PHONE, m.start(), m.end(), text[m.start():m.end()],
                      normalise_phone(text[m.start():m.end()]))
              for m in _DIGITS_ANYWHERE.finditer(read)]
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
    """The first Danish phone number or e-mail address inside a message, normalised, else None
    (the STRICT detector)."""
    return next((normalised for _typed, normalised in contact_mentions(text)), None)


def _email_reason(text: str) -> str:
    word = next(w for w in text.split() if "@" in w).strip(".,;:!?()<>\"'")
    domain = word.rsplit("@", 1)[1]
    return EMAIL_DOMAIN if "." not in domain.strip(".") else EMAIL_INVALID


def _phone_reason(text: str) -> Optional[str]:
    text = text.replace("\u00a0", " ")
    read = _unswapped(text)
    if read != text:
        return PHONE_LETTER
    runs = [m.group() for m in _DIGIT_RUN.finditer(text)]
    if not runs:
        return None
    run = max(runs, key=lambda r: sum(c.isdigit() for c in r))
    if run.startswith(("+", "00")) and not run.startswith(("+45", "0045")):
        return PHONE_FOREIGN
    digits = re.sub(r"\D", "", run)
    if run.startswith(("+45", "0045")):
        digits = digits[4:] if run.startswith("0045") else digits[2:]
    if len(digits) < 8:
        return PHONE_SHORT
    if len(digits) > 8:
        return PHONE_LONG
    return PHONE_START


def check_contact(text: str) -> Tuple[Optional[str], Optional[str]]:
    """(normalised contact, None) for a usable detail in a message, else (None, one of REASONS)."""
    text = str(text or "")
    contact = find_contact(text)
    if contact:
        return contact, None
    if "@" in text:
        return None, _email_reason(text)
    return None, _phone_reason(text) or NOTHING
