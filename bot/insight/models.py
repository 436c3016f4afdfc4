"""Review labels: a counsellor's verdict on a visitor message the bot misunderstood."""
from __future__ import annotations

from sqlalchemy import Column, Integer, String, Text, UniqueConstraint

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


class AnswerRating(Base):
    """A rating, or the comment after a thumbs down, claimed for one answer. The rating itself
    lives in the conversation's tracker; this row's unique key lets only one request claim it."""

    __tablename__ = "insight_answer_ratings"
    __table_args__ = (UniqueConstraint("conversation_id", "ref", "kind"),)

    id = Column(Integer, primary_key=True)
    conversation_id = Column(String(255), nullable=False)
    ref = Column(String(64), nullable=False)  # the ref the widget sent with the rated message
    kind = Column(String(16), nullable=False)  # RATING or COMMENT
    rated_at = Column(UTCDateTime, nullable=False, default=utcnow, index=True)


RATING = "rating"
COMMENT = "comment"
