"""Review labels: a counsellor's verdict on a visitor message the bot misunderstood."""
from __future__ import annotations

from sqlalchemy import Column, Integer, String, Text

from bot.db import Base
from bot.handoff.models import UTCDateTime, utcnow

IRRELEVANT = "irrelevant"


class ReviewLabel(Base):
    __tablename__ = "insight_review_labels"

    id = Column(Integer, primary_key=True)
    # The tracker event of the visitor's message (Rasa's tracker store, another database).
    event_id = Column(Integer, nullable=False, unique=True)
    conversation_id = Column(String(255), nullable=False, index=True)
    text = Column(Text, nullable=False)  # masked: no phone numbers, e-mails or CPR numbers
    label = Column(String(100), nullable=False)  # an intent of the domain, or "irrelevant"
    message_time = Column(UTCDateTime, nullable=False, index=True)
    labelled_by = Column(String(100), nullable=False)
    labelled_at = Column(UTCDateTime, nullable=False, default=utcnow)
