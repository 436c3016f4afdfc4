"""Danish texts the console's Python code produces (pages keep theirs in templates/)."""

# Shown to the visitor in the chat window.
VISITOR_CLAIMED = "En eVejleder har taget din samtale og skriver til dig om et øjeblik."
VISITOR_RESUMED = (
    "eVejlederen har afsluttet samtalen. Nu er det igen den automatiske assistent, "
    "der svarer dig. Skriv gerne, hvis du har flere spørgsmål."
)

# Shown to the counsellor.
LOGIN_FAILED = "Forkert navn eller adgangskode."
LOGIN_EXPIRED = "Siden var for gammel. Prøv at logge ind igen."
CSRF_FAILED = "Formularen kunne ikke godkendes. Gå tilbage, genindlæs siden og prøv igen."
NOT_FOUND = "Siden eller sagen findes ikke."
NOT_ALLOWED = "Den handling er ikke mulig på denne adresse."
BAD_FORM = "Formularen kunne ikke læses."
FORM_TOO_LARGE = "Formularen er for stor."
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
SERVER_ERROR = "Der skete en uventet fejl. Prøv igen, og kontakt en administrator, hvis det bliver ved."

STATUS_NAMES = {
    "waiting": "venter på en eVejleder",
    "active": "i gang",
    "closed": "afsluttet",
    "cancelled": "annulleret af den besøgende",
}
WHO_NAMES = {
    "visitor": "Besøgende",
    "bot": "Assistenten",
    "counsellor": "eVejleder",
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
    "out_of_scope": "uden for emnet",
    "nlu_fallback": "ikke forstået",
}


def topic_names(topics) -> str:
    return ", ".join(TOPIC_NAMES.get(topic, topic) for topic in topics)
LOGIN_THROTTLED = "For mange loginforsøg. Vent et minut, og prøv så igen."
