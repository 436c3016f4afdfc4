"""Danish texts the website's Python code produces: the console, the visitor API, and what the
console sends into the chat window. Pages keep theirs in templates/, the widget in widget.js."""
from __future__ import annotations

import datetime as dt
from typing import Iterable, Optional
from zoneinfo import ZoneInfo

from bot.chat import texts as chat_texts

LOCAL_TZ = ZoneInfo("Europe/Copenhagen")

# The "error" of the visitor API's refusals, shown by the widget.
VISITOR_BAD_SESSION = chat_texts.BAD_SESSION  # the chat channel refuses the same id in the same words
VISITOR_NOT_YOURS = ("Samtalen kan ikke åbnes i dette vindue. "
                     "Vælg »Start forfra« for at begynde en ny samtale.")
VISITOR_NO_OPEN_CASE = "Du står ikke i kø hos en eVejleder."
VISITOR_NO_COUNSELLOR = "Ingen eVejleder har din samtale lige nu."
VISITOR_ALREADY_CLAIMED = "En eVejleder er allerede gået i gang med din samtale."
VISITOR_RASA_DOWN = "Assistenten svarer ikke lige nu. Prøv igen om lidt."
FEEDBACK_BAD = "Din vurdering kunne ikke læses. Prøv igen."
FEEDBACK_UNKNOWN = "Svaret, du vil vurdere, findes ikke i samtalen."
FEEDBACK_TWICE = "Du har allerede vurderet dette svar."
VISITOR_COLLEAGUE_NOT_AVAILABLE = (
    "Kollegaen er ikke ledig lige nu (ingen åben konsol, eller på pause). Vælg en anden, eller "
    "behold samtalen."
)
TRANSFERRED = "Samtalen er overdraget. Den besøgende har fået besked om, hvem der svarer nu."
SEARCH_TOO_LONG = "Søgeteksten er for lang (højst {limit} tegn), så den blev ikke brugt."
SEARCH_BAD_DATE = "En dato kunne ikke læses (skriv den som 2026-12-01), så den blev ikke brugt."
# A visitor can do nothing about a fault but wait: no administrator to call.
VISITOR_SERVER_ERROR = "Der skete en uventet fejl. Prøv igen om lidt."
VISITOR_TOO_MANY = "Der kom for mange forespørgsler på én gang. Vent et øjeblik, og prøv igen."

# Shown to the counsellor.
LOGIN_FAILED = "Forkert navn eller adgangskode."
LOGIN_EXPIRED = "Siden var for gammel. Prøv at logge ind igen."
LOGIN_THROTTLED = "For mange loginforsøg. Vent et minut, og prøv så igen."
NOT_SIGNED_IN = "Du er ikke logget ind."
CSRF_FAILED = "Formularen kunne ikke godkendes. Gå tilbage, genindlæs siden og prøv igen."
NOT_FOUND = "Siden eller sagen findes ikke."
# A number in the address written with other digits than 0-9 ("²", "٣").
BAD_NUMBER = "Et tal i adressen kunne ikke læses. Skriv det med cifrene 0-9."
NOT_ALLOWED = "Den handling er ikke mulig på denne adresse."
BAD_FORM = "Formularen kunne ikke læses."
FORM_TOO_LARGE = "Formularen er for stor."
COMPRESSED_BODY = "Siden kan ikke læse komprimerede data. Send dem ukomprimeret."
MULTIPART_BODY = "Siden tager kun imod almindelige formularer, ikke filer."
BAD_REQUEST = "Forespørgslen kunne ikke læses."
MESSAGE_EMPTY = "Skriv en besked, før du sender."
MESSAGE_TOO_LONG = "Beskeden er for lang (højst {limit} tegn)."
NOTE_TOO_LONG = "Noten er for lang (højst {limit} tegn)."
CASE_CLAIMED_BY_OTHER = "Sagen er allerede taget af en anden eVejleder."
CASE_FINISHED = "Sagen er allerede afsluttet."
CASE_NOT_CLAIMED = "Du skal tage sagen, før du kan skrive til den besøgende."
RASA_DOWN = (
    "Assistenten (Rasa) svarer ikke lige nu, så handlingen blev ikke gennemført. "
    "Prøv igen om lidt."
)
TRANSCRIPT_UNAVAILABLE = "Samtalen kan ikke hentes fra assistenten lige nu."
CLAIM_NOT_ANNOUNCED = (
    "Du har taget sagen, men den besøgende kunne ikke få besked, fordi assistenten ikke svarer."
)
COLLEAGUE_NOT_AVAILABLE = (
    "Kollegaen er ikke ledig lige nu (ingen åben konsol, eller på pause). Vælg en anden, eller "
    "behold samtalen."
)
SEARCH_CONTACT = ("Søgeteksten indeholder et telefonnummer eller en e-mailadresse, så den blev ikke brugt. "
                  "Søg efter et ord i stedet.")
CONSOLE_SERVER_ERROR = "Der skete en uventet fejl. Prøv igen, og kontakt en administrator, hvis det bliver ved."

STATUS_NAMES = {
    "waiting": "venter på en eVejleder",
    "active": "i gang",
    "closed": "afsluttet",
    "cancelled": "den besøgende har forladt samtalen",
}
def who_names(assistant_name: str) -> dict:
    """Who said a transcript line; the assistant by its configured name (Settings.assistant_name)."""
    return {
        "visitor": "Besøgende",
        "bot": assistant_name[:1].upper() + assistant_name[1:],
        "counsellor": "eVejleder",
        "status": "Status",
    }
# A hand-off status shown as a line of the conversation (bot.handoff.rasa_api.STATUSES_SHOWN).
STATUS_LINES = {
    "cancelled": "Den besøgende har forladt samtalen.",
}
CONTACT_KIND_NAMES = {"phone": "Telefon", "email": "E-mail"}

# The topics a visitor asked about before the hand-off, by intent (cases store intent names).
TOPIC_NAMES = {
    "ask_job_overview": "om jobbet",
    "ask_tasks": "arbejdsopgaver",
    "ask_skills": "kompetencer",
    "ask_career_paths": "karriereveje",
    "ask_salary": "løn",
    "ask_education": "uddannelse",
    "ask_further_education": "efteruddannelse",
    "ask_workplaces": "arbejdssteder",
    "ask_job_titles": "stillingsbetegnelser",
    "ask_employment_outlook": "jobmuligheder",
    "ask_other_job": "et andet job",
    "ask_uncovered": "noget, artiklen ikke handler om",
    "out_of_scope": "uden for emnet",
    "nlu_fallback": "ikke forstået",
}


NO_TOPICS = "ingen emner"
NO_QUESTION = "(intet spørgsmål)"
CANNED_EMPTY = "Et standardsvar skal have både en titel og en tekst."
CANNED_TOO_LONG = "Titlen må højst have {title} tegn og teksten højst {text} tegn."
CANNED_UNKNOWN_PLACEHOLDER = "Ukendt pladsholder: {unknown}. Du kan bruge {known}."
CANNED_NOTICES = {
    "tilfoejet": "Standardsvaret er tilføjet.",
    "gemt": "Standardsvaret er gemt.",
    "slettet": "Standardsvaret er slettet.",
}
MESSAGE_SENT = "Beskeden er sendt."
MESSAGE_SENT_VISITOR_AWAY = (
    "Den besøgende er ikke forbundet lige nu; beskeden vises, hvis den besøgende kommer tilbage."
)
VISITOR_LEFT = "Den besøgende har forladt samtalen."
VISITOR_AWAY_CLAIM = "Den besøgende har forladt samtalen, så du kan ikke tage den."


def visitor_away(seconds_left: int) -> str:
    """The visitor's chat window is gone but the grace period for a reload still runs."""
    if seconds_left <= 0:
        return "Den besøgende har ikke forbindelse. Samtalen afsluttes nu."
    unit = "sekund" if seconds_left == 1 else "sekunder"
    return (f"Den besøgende har ikke forbindelse lige nu. Samtalen afsluttes om {seconds_left} "
            f"{unit}, hvis den besøgende ikke kommer tilbage.")


def claim_label(case_id: int) -> str:
    return f"Tag samtale nr. {case_id}"


def read_label(case_id: int) -> str:
    return f"Læs samtale nr. {case_id}"


def case_label(case_id: int) -> str:
    return f"Samtale nr. {case_id}"


def claimed_text(case) -> str:
    """What follows a case's link in "Dine samtaler": when it was taken, and its topics."""
    topics = topic_names(case.topics)
    return f", taget {local_time(case.claimed_at)}" + (f" ({topics})" if topics else "")


def waiting_count(count: int) -> str:
    return "1 venter i køen." if count == 1 else f"{count} venter i køen."


def topic_names(topics: Iterable[str]) -> str:
    return ", ".join(TOPIC_NAMES.get(topic, topic) for topic in topics)


def local_time(value: Optional[dt.datetime]) -> str:
    """"kl. 14.05" today, else "3.12.2026 kl. 14.05", in Danish time and Danish style."""
    if value is None:
        return ""
    local = value.astimezone(LOCAL_TZ)
    if local.date() == dt.datetime.now(LOCAL_TZ).date():
        return f"kl. {local.hour}.{local:%M}"
    return f"{local.day}.{local.month}.{local.year} kl. {local.hour}.{local:%M}"


def waiting_text(delta: dt.timedelta) -> str:
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "under 1 min."
    if minutes < 60:
        return f"{minutes} min."
    return f"{minutes // 60} t. {minutes % 60} min."


def minutes_text(seconds: float) -> str:
    """"2,5 min.": minutes to one decimal, with the Danish decimal comma."""
    return f"{seconds / 60:.1f}".replace(".", ",") + " min."


def line_text(line) -> str:
    """A transcript line's text as the console shows it: a status line worded in Danish."""
    return STATUS_LINES.get(line.text, line.text) if line.who == "status" else line.text
