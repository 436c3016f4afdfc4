"""The article's names of roles, sectors and education routes, found in every Danish form."""
from pathlib import Path

import pytest

from bot.config import REPO_ROOT
from bot.knowledge.ingest import parse_article
from bot.knowledge.vocabulary import EDUCATION, ROLE, SECTOR, Vocabulary, career_roles, noun_forms
from bot.language.lemmas import LemmaTable

LEDER = parse_article((REPO_ROOT / "data" / "articles" / "leder.txt").read_text(encoding="utf-8"))
GARTNER = parse_article((Path(__file__).parent / "fixtures" / "gartner.txt").read_text(encoding="utf-8"))
PIPELINE = REPO_ROOT / "var" / "spacy_da"

# Every role the article names, in the forms visitors write them: definite, genitive, plural,
# plural definite, in a compound, without æ/ø/å, with one typo. Written by hand, not generated.
FORMS = {
    "direktør": ["direktøren", "direktørens", "direktører", "direktørerne", "direktørstilling",
                 "direktoer", "dierktør"],
    "generalsekretær": ["generalsekretæren", "generalsekretærs", "generalsekretærer",
                        "generalsekretærerne", "generalsekretærjob", "generalsekretaer", "generalsekertær"],
    "kontorchef": ["kontorchefen", "kontorchefens", "kontorchefer", "kontorcheferne",
                   "kontorchefstilling", "kontorchef", "kontrochef"],
    "afdelingsleder": ["afdelingslederen", "afdelingsleders", "afdelingsledere", "afdelingslederne",
                       "afdelingslederstilling", "afdelingsleder", "afdelingsledr"],
    "sekretariatschef": ["sekretariatschefen", "sekretariatschefs", "sekretariatschefer",
                         "sekretariatscheferne", "sekretariatschefjob", "sekretariatschef",
                         "sekretariatshcef"],
    "områdechef": ["områdechefen", "områdechefens", "områdechefer", "områdecheferne",
                   "områdechefstilling", "omraadechef", "områdechfe"],
    "personalechef": ["personalechefen", "personalechefs", "personalechefer", "personalecheferne",
                      "personalechefstilling", "personalechef", "personalchef"],
    "iværksætter": ["iværksætteren", "iværksætters", "iværksættere", "iværksætterne",
                    "iværksætterliv", "ivaerksaetter", "iværksæter"],
}


@pytest.fixture(scope="module")
def lemma():
    """The spaCy pipeline's lemma table, as the NLU component uses it at training time."""
    if not PIPELINE.exists():
        pytest.fail(f"{PIPELINE} is missing: run `make spacy`")
    return LemmaTable.from_pipeline(PIPELINE).lemma


@pytest.fixture(scope="module")
def vocabulary(lemma):
    return Vocabulary.from_article(LEDER, lemma)


def found(vocabulary, text):
    return [(term.entity, term.value) for term in vocabulary.find(text)]


def test_the_table_covers_every_role_of_the_article():
    assert sorted(FORMS) == sorted(name.lower() for name in career_roles(LEDER))


@pytest.mark.parametrize("role, form", [(role, form) for role, forms in FORMS.items() for form in forms])
def test_every_role_is_found_in_every_danish_form(vocabulary, role, form):
    assert found(vocabulary, f"hvad laver en {form}?") == [(ROLE, role)]


@pytest.mark.parametrize("text, expected", [
    ("arbejder ledere i bankerne", [(SECTOR, "finansielle")]),
    ("kan man være leder på et hospital", [(SECTOR, "sundhedssektoren")]),
    ("i det offentlige", [(SECTOR, "offentlige")]),
    ("i den finansielle sektor", [(SECTOR, "finansielle")]),
    ("ngo'erne", [(SECTOR, "ngo")]),
    ("hvad er en diplomuddannelse", [(EDUCATION, "diplomuddannelse")]),
    ("en master i offentlig ledelse", [(EDUCATION, "offentlig ledelse")]),
    ("masteruddannelsen til master of business administration", [(EDUCATION, "master of business administration")]),
    ("område chef", [(ROLE, "områdechef")]),
    ("kontor-chef", [(ROLE, "kontorchef")]),
])
def test_sectors_and_education_are_found_by_the_store_s_values(vocabulary, text, expected):
    assert found(vocabulary, text) == expected


@pytest.mark.parametrize("text", [
    "hvad laver en leder", "bestyrelse lederuddannelse chefsekretær", "hvad tjener man",
    "hvilken uddannelse skal jeg have", "", "a" * 3000,
])
def test_ordinary_words_are_no_names(vocabulary, text):
    assert found(vocabulary, text) == []


def test_the_names_come_from_the_article_itself(lemma):
    gartner = Vocabulary.from_article(GARTNER, lemma)
    assert found(gartner, "hvad laver planteskolelederen") == [(ROLE, "planteskoleleder")]
    assert found(gartner, "og en formand?") == [(ROLE, "formand")]
    assert found(gartner, "arbejder gartnere på planteskolerne") == [(SECTOR, "planteskoler")]
    assert found(gartner, "hvad laver en direktør i en bank") == []


def test_the_lemma_table_adds_the_forms_the_rules_do_not_know(vocabulary):
    """The article writes "banker" and "hospitaler"; the lemma table knows "bank" and "hospital"."""
    assert found(Vocabulary.from_article(LEDER), "en bank") == []
    assert found(vocabulary, "en bank") == [(SECTOR, "finansielle")]


def test_noun_forms_follow_the_danish_endings():
    assert {"lederen", "lederens", "ledere", "lederne", "leders"} <= set(noun_forms("leder"))
    assert {"skolen", "skoler", "skolerne", "skolens"} <= set(noun_forms("skole"))
    assert noun_forms("it") == ["it"]
