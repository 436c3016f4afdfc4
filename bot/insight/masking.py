"""Personal data masked before a visitor's words are shown or exported: e-mail addresses,
CPR-like numbers (ddmmyy-xxxx) and phone numbers (8 digits, optionally +45 and spaces)."""
from __future__ import annotations

import re

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
CPR = re.compile(r"(?<!\d)\d{6}[ -]?\d{4}(?!\d)")
PHONE = re.compile(r"(?<![\w])(?:\+|00)?(?:45[ .-]?)?(?:\d[ .-]?){7}\d(?!\d)")

EMAIL_MASK = "[e-mail]"
CPR_MASK = "[cpr-nummer]"
PHONE_MASK = "[telefonnummer]"


def mask(text: str) -> str:
    """`text` with every e-mail address, CPR-like number and phone number replaced by a label."""
    text = EMAIL.sub(EMAIL_MASK, text)
    text = CPR.sub(CPR_MASK, text)
    return PHONE.sub(PHONE_MASK, text)
