"""Review labels: kept apart from training and held-out data, and purged with their conversation."""
import datetime as dt
import re

from rasa.shared.constants import DEFAULT_DATA_PATH
from rasa.shared.nlu.training_data.loading import load_data

from bot.config import REPO_ROOT
from bot.insight.figures import ReviewItem
from bot.insight.review import EXPORT_PATH, ReviewLabels, export

NOW = dt.datetime(2026, 11, 30, 12, 0, tzinfo=dt.timezone.utc)
HELD_OUT = [REPO_ROOT / "tests" / "nlu_holdout.yml", REPO_ROOT / "tests" / "nlu_out_of_scope_holdout.yml"]


def item(event_id, text, days_ago):
    return ReviewItem(id=event_id, conversation_id="a" * 32, text=text,
                      time=NOW - dt.timedelta(days=days_ago), predicted_intent="nlu_fallback",
                      confidence=0.2, reasons=("fallback",), comment=None)


def normalised(text):
    return " ".join(re.sub(r"[^\wæøå ]", " ", text.lower()).split())


def test_the_export_is_outside_what_rasa_trains_on():
    # `rasa train` without --data reads every training file under DEFAULT_DATA_PATH ("data"),
    # and the Makefile trains that way.
    assert not EXPORT_PATH.is_relative_to(REPO_ROOT / DEFAULT_DATA_PATH)
    assert "--data" not in (REPO_ROOT / "Makefile").read_text().split("train:")[1].split("\n\n")[0]


def test_reviewed_messages_are_never_held_out_messages():
    reviewed = set()
    if EXPORT_PATH.exists():
        reviewed = {normalised(e.get("text")) for e in load_data(str(EXPORT_PATH)).intent_examples}
    held_out = {normalised(e.get("text")) for path in HELD_OUT for e in load_data(str(path)).intent_examples}
    assert held_out and not reviewed & held_out


def test_labels_are_masked_relabelled_and_exported(session_factory, tmp_path):
    labels = ReviewLabels(session_factory, clock=lambda: NOW)
    labels.label(item(1, "ring til mig på 12345678 om løn", 1), "ask_tasks", "anna")
    labels.label(item(1, "ring til mig på 12345678 om løn", 1), "ask_salary", "bo")
    labels.label(item(2, "min hund", 1), "irrelevant", "anna")
    assert labels.labels() == {1: "ask_salary", 2: "irrelevant"}
    out = tmp_path / "reviewed.yml"
    assert export(labels, out) == 1
    examples = load_data(str(out)).intent_examples
    assert [(e.get("intent"), e.get("text")) for e in examples] == [
        ("ask_salary", "ring til mig på [telefonnummer] om løn")]


def test_purge_deletes_labels_with_their_conversation(session_factory):
    labels = ReviewLabels(session_factory, clock=lambda: NOW)
    labels.label(item(1, "gammel", 40), "ask_salary", "anna")
    labels.label(item(2, "ny", 2), "ask_tasks", "anna")
    assert labels.purge(dt.timedelta(days=30)) == 1
    assert labels.labels() == {2: "ask_tasks"}
