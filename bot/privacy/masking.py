"""Personal data masked before a visitor's words are shown or exported: every mention the
detector finds (bot/privacy/detect.py) is replaced by a label that says what was there."""
from __future__ import annotations

from bot.privacy.detect import CPR, EMAIL, PHONE, mentions

EMAIL_MASK = "[e-mail]"
CPR_MASK = "[cpr-nummer]"
PHONE_MASK = "[telefonnummer]"
_MASKS = {EMAIL: EMAIL_MASK, CPR: CPR_MASK, PHONE: PHONE_MASK}


def mask(text: str) -> str:
    """`text` with every e-mail address, CPR-like number and phone number replaced by a label."""
    for mention in reversed(mentions(text)):
        text = text[:mention.start] + _MASKS[mention.kind] + text[mention.end:]
    return text
