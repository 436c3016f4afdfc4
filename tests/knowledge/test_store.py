"""What the bot can read about the "Leder" article, checked value by value against the text."""
from __future__ import annotations

import dataclasses
import re

import pytest

from bot.config import REPO_ROOT
from bot.knowledge.ingest import ingest_file
from bot.knowledge.article import CareerPath, Listing, Section, Sector
from bot.knowledge.store import KnowledgeStore, UnknownJob

SLUG = "leder"


ARTICLE = REPO_ROOT / "data" / "articles" / "leder.txt"


@pytest.fixture
def store(session_factory):
    ingest_file(session_factory, ARTICLE, slug=SLUG)
    return KnowledgeStore(session_factory)


def test_job_and_source(store):
    job = store.job(SLUG)
    assert (job.slug, job.title) == ("leder", "Leder")
    assert job.summary == (
        "Som leder kan du arbejde med alt fra daglig drift i små teams til strategisk ledelse i store "
        "virksomheder. Du styrer og motiverer dine ansatte til at nå deres mål.")
    assert len(job.intro) == 3
    assert job.intro[0].startswith("Du kan specialisere dig i bestemte former for ledelsesansvar")
    source = store.source(SLUG)
    assert (source.publisher, source.title) == ("UddannelsesGuiden", "Leder")


def test_results_are_frozen_dataclasses_not_orm_rows(store):
    for value in (store.job(SLUG), store.source(SLUG), store.tasks(SLUG), store.career_paths(SLUG),
                  store.workplaces(SLUG), store.education(SLUG), store.salary(SLUG),
                  store.employment_outlook(SLUG), *store.overview(SLUG)):
        assert dataclasses.is_dataclass(value)
        with pytest.raises(dataclasses.FrozenInstanceError):
            value.__setattr__(dataclasses.fields(value)[0].name, "x")


def test_unknown_slug_raises(store):
    for query in (store.job, store.source, store.tasks, store.overview, store.job_titles,
                  store.contact_channels, store.employment_outlook):
        with pytest.raises(UnknownJob, match="bager"):
            query("bager")
    with pytest.raises(UnknownJob):
        store.find_sectors("bager", "ngo")
    with pytest.raises(LookupError):
        store.career_path("bager", "direktør")


def test_one_store_answers_from_the_article_as_last_ingested(store, session_factory, tmp_path):
    version = store.version(SLUG)
    assert store.tasks(SLUG).items[0] == "Deltager i møder"
    changed = tmp_path / "leder.txt"
    changed.write_text(ARTICLE.read_text(encoding="utf-8").replace("Deltager i møder", "Holder møder"),
                       encoding="utf-8")
    ingest_file(session_factory, changed, slug=SLUG)
    assert store.version(SLUG) != version
    assert store.tasks(SLUG).items[0] == "Holder møder"
    assert store.article(SLUG).tasks.items[0] == "Holder møder"


def test_job_titles(store):
    assert store.job_titles(SLUG) == [
        "Direktør", "Virksomhedsleder", "Institutionsleder", "Mellemleder", "Arbejdsleder", "Chef",
        "Manager", "Forstander", "Afdelingsleder", "Salgsleder", "Bestyrer", "Værkfører", "Gruppeleder",
    ]


def test_overview(store):
    sections = store.overview(SLUG)
    assert sections[0] == Section(None, [
        "En leder står i spidsen for medarbejderne i en virksomhed eller organisation."])
    assert sections[3].heading == "Trivsel, dialog og udvikling"
    assert sections[3].paragraphs[0].startswith("En moderne leder behandler sine medarbejdere ligeværdigt")
    assert sections[3].paragraphs[1].endswith("så den passer godt på miljøet.")


def test_tasks(store):
    assert store.tasks(SLUG) == Listing(
        lead=[
            "Dine specifikke arbejdsopgaver afhænger af, hvilket niveau af ledelse du arbejder med, "
            "og i hvilken type virksomhed eller organisation du arbejder.",
            "Som leder er dine typiske arbejdsopgaver, at du:",
        ],
        items=[
            "Deltager i møder",
            "Fastlægger mål og udarbejder planer for at nå dem",
            "Træffer vigtige og evt. svære beslutninger",
            "Håndterer udfordringer",
            "Motiverer dine medarbejdere og skaber et godt arbejdsmiljø, hvor de trives",
            "Støtter dine medarbejderes faglige og personlige udvikling",
            "Samarbejder bredt med andre ledere, partnere og kunder",
            "Rapporterer til fx bestyrelser eller ledere på højere niveau",
        ],
    )


def test_skills(store):
    assert store.skills(SLUG) == Listing(
        lead=["Du har faglig viden og evner inden for ledelse. "
              "Du er god til at samarbejde, træffe beslutninger og skabe resultater."],
        items=["faglig viden og evner inden for ledelse", "samarbejde", "træffe beslutninger",
               "skabe resultater"],
    )


EXPECTED_PATHS = [
    CareerPath("Direktør", "Du har ansvar for alt i virksomheden, bl.a. produktion, økonomi og medarbejdere. "
                           "Du træffer store beslutninger og styrer hele organisationen."),
    CareerPath("Generalsekretær", "Du er den øverste daglige leder og frontfigur af fx en international "
                                  "organisation eller et politisk parti."),
    CareerPath("Kontorchef", "Du leder arbejdet på et kontor. Du sørger for et godt arbejdsmiljø med "
                             "samarbejde på tværs af teams, faglige områder og andre kontorer."),
    CareerPath("Afdelingsleder", "Du har bl.a. ansvar for, at arbejdet forløber effektivt og er af høj "
                                 "kvalitet. Du samarbejder også med den øvrige ledelse."),
    CareerPath("Sekretariatschef", "Et sekretariat er en afdeling, der håndterer administrative opgaver i "
                                   "en organisation. Du sørger for effektiv og sammenhængende drift med god økonomi."),
    CareerPath("Områdechef", "Du har ansvar for en bestemt del af virksomheden. Det kan fx være produktionen "
                             "i en fabrik, kundeservice i en bank eller et bestemt geografisk område."),
]
ENTREPRENEUR = CareerPath(
    "iværksætter",
    "Du kan også blive leder i en virksomhed, du har startet som iværksætter. Det vil sige, at du selv "
    "har bygget en helt ny arbejdsplads op fra bunden af, typisk med dig som direktør.",
)


def test_career_paths(store):
    careers = store.career_paths(SLUG)
    assert careers.paths == EXPECTED_PATHS
    assert careers.entrepreneur == ENTREPRENEUR
    assert careers.lead[0].startswith("Job som leder findes i alle brancher")
    assert careers.lead[1] == "Eksempler på karriereveje, du kan have som leder:"


@pytest.mark.parametrize("role", [
    "direktør", "generalsekretær", "kontorchef", "afdelingsleder", "sekretariatschef", "områdechef",
])
def test_career_path_by_role_is_case_insensitive(store, role):
    expected = next(p for p in EXPECTED_PATHS if p.role.lower() == role)
    assert store.career_path(SLUG, role) == expected
    assert store.career_path(SLUG, role.upper()) == expected


def test_entrepreneur_route_by_role(store):
    assert store.career_path(SLUG, "iværksætter") == ENTREPRENEUR
    assert store.career_path(SLUG, "Iværksætter ") == ENTREPRENEUR
    assert store.career_path(SLUG, "astronaut") is None


EXPECTED_SECTORS = [
    Sector("Offentlige institutioner", "skoler, kommuner og myndigheder"),
    Sector("Industrielle virksomheder", "fabrikker og produktionsvirksomheder"),
    Sector("Den finansielle sektor", "banker og forsikringsselskaber"),
    Sector("Teknologisektoren", "it- og softwarevirksomheder"),
    Sector("Detailhandlen", "supermarkeder og butikker"),
    Sector("Sundhedssektoren", "hospitaler og plejehjem"),
    Sector("Mediebranchen", "tv-stationer og reklamebureauer"),
    Sector("NGO'er (Non-Governmental Organizations)",
           "som er ikke-statslige organisationer, der indsamler penge til velgørenhed, fx nødhjælp, "
           "eller beskyttelse af dyr og miljø"),
    Sector("Håndværksbranchen", "små og mellemstore virksomheder inden for byggeri eller design"),
]


def test_workplaces(store):
    workplaces = store.workplaces(SLUG)
    assert workplaces.items == EXPECTED_SECTORS
    assert workplaces.lead == ["Ledere findes på alle mulige forskellige arbejdspladser, fx:"]
    assert workplaces.summary == "Offentlige og private virksomheder samt organisationer"


# The canonical `sector` entity values of the NLU contract, in article order.
@pytest.mark.parametrize("query, index", [
    ("offentlige", 0), ("industrielle", 1), ("finansielle", 2), ("teknologisektoren", 3),
    ("detailhandlen", 4), ("sundhedssektoren", 5), ("mediebranchen", 6), ("ngo", 7),
    ("håndværksbranchen", 8),
    # words from the examples, and case
    ("Banker", 2), ("hospital", 5), ("IT", 3), ("butik", 4), ("tv", 6), ("nødhjælp", 7), ("byggeri", 8),
])
def test_find_sectors_finds_exactly_one(store, query, index):
    assert store.find_sectors(SLUG, query) == [EXPECTED_SECTORS[index]]


def test_find_sectors_misses(store):
    assert store.find_sectors(SLUG, "rumfart") == []
    assert store.find_sectors(SLUG, "  ") == []


def test_education(store):
    education = store.education(SLUG)
    assert education.routes == [
        "diplomuddannelse i ledelse",
        "masteruddannelse i offentlig ledelse",
        "masteruddannelse til Master of Business Administration",
    ]
    assert education.entry_requirements == (
        "De kræver typisk, at du har en videregående uddannelse og mindst et par års relevant erhvervserfaring.")
    assert education.paragraphs[0].startswith("Leder er en meget bred stillingsbetegnelse")
    assert len(education.paragraphs) == 4


@pytest.mark.parametrize("query, route", [
    ("diplomuddannelse", "diplomuddannelse i ledelse"),
    ("offentlig ledelse", "masteruddannelse i offentlig ledelse"),
    ("master of business administration", "masteruddannelse til Master of Business Administration"),
    ("Diplomuddannelse", "diplomuddannelse i ledelse"),
])
def test_find_education_matches_one_route(store, query, route):
    assert store.find_education(SLUG, query) == [route]


def test_find_education_misses(store):
    assert store.find_education(SLUG, "kokkeuddannelse") == []


def test_further_education(store):
    assert store.further_education(SLUG) == [
        "Når du er leder, har du mange muligheder for at læse videre. Mange organisationer og "
        "uddannelsesinstitutioner tilbyder efteruddannelse for ledere.",
        "Læs om dine muligheder for mere uddannelse i artiklerne om de enkelte uddannelser.",
    ]


def test_salary_has_pointers_and_no_figures(store):
    salary = store.salary(SLUG)
    assert salary.pointers == ["Uddannelseszoom", "faglige organisationers hjemmesider"]
    assert len(salary.paragraphs) == 3
    assert salary.paragraphs[0] == "UG er under ombygning. Vi viser ikke indkomstdata på denne artikel længere."
    for text in salary.paragraphs + salary.pointers:
        assert not re.search(r"\d", text), text
        assert "kr." not in text


def test_employment_outlook_is_a_scale_with_source(store):
    outlook = store.employment_outlook(SLUG)
    assert outlook.scale == ["Rigtig gode", "Gode", "Mindre gode"]
    assert outlook.source == "Styrelsen for arbejdsmarked og rekruttering"
    assert outlook.paragraphs == []


def test_contact(store):
    assert store.contact_channels(SLUG) == ["telefon", "mail", "chat"]
    assert store.contact(SLUG) == ["Tag fat i vores eVejledere og få hjælp via telefon, mail eller chat."]
