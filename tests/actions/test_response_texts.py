"""Every response of domain.yml, filled as the actions fill it for the real article (leder) and the
synthetic one (gartner), reads as whole Danish sentences: no unfilled or empty variable, no doubled
space, no brackets inside brackets, no capital after "i", no sentence starting in lower case, no
straight quotes."""
import re
from pathlib import Path

import pytest
import yaml
from rasa.core.nlg.interpolator import interpolate_text

from actions import answers, services
from bot.config import REPO_ROOT, Settings
from bot.launch.stack import fresh_stack

DOMAIN = yaml.safe_load((REPO_ROOT / "domain.yml").read_text(encoding="utf-8"))
GARTNER = Path(__file__).parent.parent / "knowledge" / "fixtures" / "gartner.txt"

# What the visitor may ask by entity, per article: one and several matches where the article has them.
ENTITY_QUESTIONS = {
    "leder": [("ask_workplaces", "sector", "finansielle sektor"),
              ("ask_workplaces", "sector", "offentlige"),
              ("ask_workplaces", "sector", "ngo"),
              ("ask_education", "education", "diplomuddannelse"),
              ("ask_education", "education", "uddannelse i ledelse"),
              ("ask_education", "education", "mba")],
    "gartner": [("ask_workplaces", "sector", "planteskoler"),
                ("ask_education", "education", "anlægsgartner")],
}

# Values the handoff actions and Rasa's slots give; the knowledge actions' values come from the store.
FIXED = {
    "position": "2", "next_opening": "mandag kl. 9.00", "callback_contact": "12 34 56 78",
    "phone_example": "12 34 56 78", "email_example": "navn@eksempel.dk", "time": "ligegyldigt",
    "channels": "telefon, chat og e-mail", "assistant_name": Settings.assistant_name, "passage": "Lederen har ansvar for medarbejderne.",
    "summary": "Lederen leder en afdeling.", "body": "Lederen har ansvar.",
}

SENTENCE_START = re.compile(r"(?:^|[.!?]\s)([a-zæøå])", re.MULTILINE)
ABBREVIATIONS = re.compile(r"\b(?:evt|fx|bl\.a|kl|nr|ca|dvs|osv|min)\.")
# Names the article writes with a capital after "i" on their own account.
PROPER_NAMES = ("Uddannelseszoom", "Danmark")


@pytest.fixture(scope="module")
def both_articles_db(tmp_path_factory):
    stack = fresh_stack(tmp_path_factory.mktemp("texts-db"))
    stack.run_cli("ingest", str(GARTNER))
    return stack.env["DATABASE_URL"]


def action_values(run_action, monkeypatch, slug):
    """response name -> the variables its actions give it, for each way it is filled."""
    monkeypatch.setenv("JOB_SLUG", slug)
    services.reset()
    filled = {}
    asked = [(intent, None, None) for intent in answers.TOPIC_ACTIONS]
    for intent, entity, value in asked + ENTITY_QUESTIONS[slug]:
        messages, _ = run_action(answers.TOPIC_ACTIONS[intent](), text="spørgsmål", intent=intent,
                                 entities=[(entity, value)] if entity else (), domain=DOMAIN)
        for message in messages:
            extra = {k: v for k, v in message.items()
                     if k not in ("text", "buttons", "elements", "custom", "template", "response",
                                  "image", "attachment")}
            filled.setdefault(message["response"], []).append(extra)
    return filled


def problems(text):
    found = []
    if re.search(r"\{\w*\}", text):
        found.append("unfilled variable")
    if "  " in text or " \n" in text or "\n " in text or "\n\n" in text or " ." in text or " ," in text:
        found.append("empty variable or doubled space")
    if re.search(r"\([^)]*\(", text):
        found.append("brackets inside brackets")
    if '"' in text:
        found.append("straight quotes where Danish uses »…«")
    after_i = re.search(r"\bi ([A-ZÆØÅ][a-zæøå]\w*)", text)
    if after_i and after_i.group(1) not in PROPER_NAMES:
        found.append("capital after 'i'")
    start = SENTENCE_START.search(ABBREVIATIONS.sub("ABBR", text))
    if start:
        found.append("sentence starting in lower case: " + start.group(0))
    return found


@pytest.mark.parametrize("slug", ["leder", "gartner"])
def test_every_response_reads_as_whole_sentences(slug, both_articles_db, run_action, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", both_articles_db)
    filled = action_values(run_action, monkeypatch, slug)
    title = services.knowledge().job(slug).title.lower()
    assert "utter_answer_sector" in filled
    assert any(name.startswith("utter_answer_education_route") for name in filled)
    wrong = []
    for name, variations in DOMAIN["responses"].items():
        for ways in filled.get(name) or [{}]:
            values = {"job_title": title, "source": "UddannelsesGuiden, »Leder« – https://ug.dk",
                      "lead": "Lederen har ansvar.", "items": "• Et punkt", "entrepreneur": "Du kan starte selv.",
                      "role": "Direktør", "description": "Direktøren leder.", "requirements": "De kræver erfaring.",
                      "routes": "• diplomuddannelse i ledelse\n• masteruddannelse", "route": "masteruddannelse", "sectors": "skoler",
                      "scale": "lille / stor", "outlook_source": "STAR", **FIXED, **ways}
            for variation in variations:
                shown = [interpolate_text(variation["text"], values)]
                shown += [b["title"] for b in variation.get("buttons") or []]
                for text in shown:
                    for problem in problems(interpolate_text(text, values)):
                        wrong.append((name, problem, text))
    assert wrong == [], "\n".join(map(repr, wrong))
