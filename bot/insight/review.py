"""The review queue's labels, and their export as Rasa NLU data for a developer to read.

The export goes to review/reviewed.yml, outside data/: `rasa train` reads every training file
under data/, and a labelled message must never be trained on without a developer's decision."""
from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Callable, Dict, List, Set

from sqlalchemy import delete, select

from bot.config import REPO_ROOT
from bot.db import transaction, zero_freed_content
from bot.handoff.models import utcnow
from bot.insight.figures import ReviewItem
from bot.privacy.masking import mask
from bot.privacy.requests import SESSION, Subject
from bot.insight.models import IRRELEVANT, ReviewLabel

EXPORT_PATH = REPO_ROOT / "review" / "reviewed.yml"


class ReviewLabels:
    def __init__(self, session_factory: Callable, clock: Callable[[], dt.datetime] = utcnow):
        self._session_factory = session_factory
        self._clock = clock

    def label(self, item: ReviewItem, label: str, counsellor: str) -> None:
        """Label (or relabel) one message of the review queue."""
        with transaction(self._session_factory) as session:
            row = session.execute(select(ReviewLabel).where(ReviewLabel.event_id == item.id)).scalar()
            if row is None:
                row = ReviewLabel(event_id=item.id, conversation_id=item.conversation_id,
                                  message_time=item.time)
                session.add(row)
            row.text = mask(item.text)
            row.label = label
            row.labelled_by = counsellor
            row.labelled_at = self._clock()

    def labels(self) -> Dict[int, str]:
        """Event id -> label."""
        with transaction(self._session_factory) as session:
            return dict(session.execute(select(ReviewLabel.event_id, ReviewLabel.label)).all())

    def examples(self) -> Dict[str, List[str]]:
        """Intent -> the distinct masked texts labelled with it ("irrelevant" left out)."""
        with transaction(self._session_factory) as session:
            rows = session.execute(select(ReviewLabel.label, ReviewLabel.text)
                                   .where(ReviewLabel.label != IRRELEVANT)
                                   .order_by(ReviewLabel.label, ReviewLabel.id)).all()
        result: Dict[str, List[str]] = {}
        for label, text in rows:
            texts = result.setdefault(label, [])
            if text not in texts:
                texts.append(text)
        return result

    def purge(self, older_than: dt.timedelta) -> int:
        """Retention rule: a label goes with its conversation's messages, by the same age."""
        cutoff = self._clock() - older_than
        with transaction(self._session_factory) as session:
            return session.execute(delete(ReviewLabel).where(ReviewLabel.message_time < cutoff)
                                   .execution_options(synchronize_session=False)).rowcount


def nlu_yaml(examples: Dict[str, List[str]]) -> str:
    """Rasa 3 NLU training data, written with Rasa's own writer."""
    from rasa.shared.nlu.training_data.formats.rasa_yaml import RasaYAMLWriter
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    messages = [Message.build(text=text, intent=intent)
                for intent, texts in sorted(examples.items()) for text in texts]
    header = ("# Messages labelled in the console's review queue (make export-reviewed).\n"
              "# Read them, then copy the good ones into data/nlu/ by hand: never trained on as is.\n")
    return header + RasaYAMLWriter().dumps(TrainingData(messages))


def export(labels: ReviewLabels, path: Path = EXPORT_PATH) -> int:
    examples = labels.examples()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(nlu_yaml(examples), encoding="utf-8")
    return sum(len(texts) for texts in examples.values())


class ReviewLabelData:
    """The review queue's part of a data request (bot/privacy/requests.py). The labels' texts are
    masked, so a label is found through its conversation, never by a contact detail."""

    name = "Gennemsete beskeder (Indsigt)"

    def __init__(self, session_factory: Callable):
        self._session_factory = session_factory

    def find(self, subject: Subject) -> Set[str]:
        if subject.kind != SESSION:
            return set()
        with transaction(self._session_factory) as session:
            return set(session.execute(select(ReviewLabel.conversation_id)
                                       .where(ReviewLabel.conversation_id == subject.value)).scalars())

    def export(self, subject: Subject, conversations: Set[str]) -> List[Dict[str, Any]]:
        with transaction(self._session_factory) as session:
            rows = session.execute(select(ReviewLabel)
                                   .where(ReviewLabel.conversation_id.in_(sorted(conversations)))
                                   .order_by(ReviewLabel.id)).scalars().all()
            return [{"samtale": row.conversation_id, "tekst": row.text, "mærke": row.label,
                     "tid": row.message_time.isoformat(timespec="seconds"), "mærket af": row.labelled_by}
                    for row in rows]

    def delete(self, subject: Subject, conversations: Set[str]) -> int:
        with transaction(self._session_factory) as session:
            zero_freed_content(session.connection())
            return session.execute(delete(ReviewLabel)
                                   .where(ReviewLabel.conversation_id.in_(sorted(conversations)))
                                   .execution_options(synchronize_session=False)).rowcount or 0
