"""Passages, role names and passage answers, on the real article and the synthetic one."""
from pathlib import Path

import pytest

from bot.config import REPO_ROOT
from bot.knowledge.answering import TOPICS_OF_INTENT, Answerer
from bot.knowledge.ingest import parse_article
from bot.knowledge.passages import MAX_PASSAGE_CHARS, passages
from bot.knowledge.roles import RoleFinder
from bot.language.lemmas import LemmaTable

LEDER_TEXT = (REPO_ROOT / "data" / "articles" / "leder.txt").read_text(encoding="utf-8")
GARTNER_TEXT = (Path(__file__).parent / "fixtures" / "gartner.txt").read_text(encoding="utf-8")
PIPELINE = REPO_ROOT / "var" / "spacy_da"


@pytest.fixture(scope="module")
def answerer():
    if not PIPELINE.exists():
        pytest.fail(f"{PIPELINE} is missing: run `make spacy`")
    return Answerer.for_article(parse_article(LEDER_TEXT), LemmaTable.from_pipeline(PIPELINE))


def flat(text):
    return " ".join(text.split())


def test_prose_passages_are_verbatim_short_and_without_site_notices():
    article_text = flat(LEDER_TEXT)
    found = passages(parse_article(LEDER_TEXT))
    prose = [p for p in found if p.kind in ("paragraph", "role")]
    assert len(prose) > 30
    for passage in prose:
        assert passage.text in article_text, passage.text
        assert len(passage.text) <= MAX_PASSAGE_CHARS
    assert not any("ombygning" in p.text for p in found)


@pytest.mark.parametrize("message, role", [
    ("hvad er direktørens ansvar", "Direktør"),
    ("hvad er en afdelingsleders ansvar", "Afdelingsleder"),
    ("ledige afdelingslederstillinger", "Afdelingsleder"),
    ("og en områdechef?", "Områdechef"),
    ("hvad laver en generalsekretaer", "Generalsekretær"),
    ("hvad laver en dirketør", "Direktør"),
    ("kontorcheferne", "Kontorchef"),
    ("hvad er en personalechef", "personalechef"),
])
def test_roles_are_found_in_every_danish_form(message, role):
    assert RoleFinder.from_article(parse_article(LEDER_TEXT)).find(message) == [role]


def test_words_that_only_look_like_roles_are_not_roles():
    finder = RoleFinder.from_article(parse_article(LEDER_TEXT))
    assert finder.find("bestyrelse lederuddannelse chefsekretær leder") == []


def test_the_role_names_come_from_the_article_itself():
    finder = RoleFinder.from_article(parse_article(GARTNER_TEXT))
    assert finder.find("hvad laver planteskolelederen") == ["Planteskoleleder"]
    assert finder.find("hvad laver en direktør") == []


def test_a_detail_gets_its_passage_and_a_topic_question_the_overview(answerer):
    answer = answerer.answer("hvad er et sekretariat", "ask_career_paths")
    assert answer.kind == "passage"
    assert answer.passages[0].text.startswith("Et sekretariat er en afdeling")
    assert answerer.answer("hvilke karriereveje er der?", "ask_career_paths") is None
    assert answerer.answer("/ask_career_paths", "ask_career_paths") is None


def test_question_shapes(answerer):
    route = answerer.answer("hvordan bliver jeg kontorchef", "ask_career_paths")
    assert route.kind == "route" and "uddannelsesveje" in route.passages[0].text
    compare = answerer.answer("forskellen på en mellemleder og en topleder", "ask_job_overview")
    assert compare.kind == "compare"
    assert {p.text.split(",")[0] for p in compare.passages} == {
        "Som leder af fx et team eller en afdeling er det dit ansvar", "Som fx direktør træffer du de største beslutninger"}
    assert answerer.answer("er en værkfører også en leder", "ask_job_titles").kind == "yes"


def test_a_misunderstood_message_is_answered_only_when_a_passage_matches_strongly(answerer):
    assert answerer.answer("hvad er et sekretariat", "nlu_fallback").kind == "soft"
    assert answerer.answer("hvad er hovedstaden i frankrig", "out_of_scope") is None
    assert answerer.answer("", "nlu_fallback") is None
    assert answerer.answer("<b>" * 5000, "nlu_fallback") is None


def test_words_the_article_does_not_use_never_make_a_topic_question_unanswered(answerer):
    # Paraphrase is not absence: these get the topic's own answer (None) or a passage of the topic.
    for text, intent in [("hvilke titler har ledere", "ask_job_titles"), ("andre ord for leder", "ask_job_titles"),
                         ("hvilke kompetencer skal en god leder have", "ask_skills"),
                         ("hvad laver en leder egentlig i løbet af en dag", "ask_tasks"),
                         ("hvor er der brug for ledere", "ask_workplaces"),
                         ("fortæl mig om lederjobbet", "ask_job_overview")]:
        answer = answerer.answer(text, intent)
        assert answer is None or answer.passages[0].topic in TOPICS_OF_INTENT[intent], text
    # Whether the article is silent is the intent's to say (ask_uncovered), not the ranking's.
    assert answerer.answer("hvor mange timer arbejder en leder", "ask_uncovered") is None


def test_a_title_without_a_passage_of_its_own_names_the_job(answerer):
    # "chef" in "sekretariatschef" is another title: a chef's tasks are the job's tasks.
    assert answerer.answer("hvad er en chefs opgaver", "ask_tasks") is None
    for intent in ("ask_job_overview", "ask_other_job"):
        answer = answerer.answer("hvad laver en værkfører", intent)
        assert [p.kind for p in answer.passages] == ["titles", "paragraph"], intent
        assert "Værkfører" in answer.passages[0].text
    # A role followed by a word for a job is that role.
    answer = answerer.answer("hvad indebærer en afdelingslederstilling", "ask_career_paths")
    assert answer.passages[0].context == "Afdelingsleder"


def test_can_one_become_is_a_route_only_when_it_asks_how(answerer):
    # The article says every route can lead there; it does not say yes to "without".
    answer = answerer.answer("kan man blive leder uden uddannelse", "ask_education")
    assert answer.kind == "route" and answer.passages[0].text.startswith("Alle uddannelsesveje")
    answer = answerer.answer("kan man blive leder på en tv-station", "ask_workplaces")
    assert answer.kind == "yes" and "tv-stationer" in answer.passages[0].text
    # "blive bedre til at lede" is no job to become: no route (the education section answers).
    answer = answerer.answer("kan man blive bedre til at lede ved at tage en uddannelse", "ask_education")
    assert answer is None or answer.kind != "route"
    assert answerer.answer("kan man blive direktør uden en uddannelse", "ask_education").kind == "route"


def test_a_clear_winner_outside_the_intents_topic_answers(answerer):
    # The intent says "skills"; the article answers it among the tasks.
    answer = answerer.answer("skal en leder kunne træffe svære beslutninger", "ask_skills")
    assert answer.kind == "yes" and answer.passages[0].text.startswith("Træffer vigtige og evt. svære")


def test_a_synonym_applies_to_every_form_of_its_word(answerer):
    # config/passage_synonyms.yml names "mellemleder" once; its forms are found by lemma.
    for text in ("mellemleder", "mellemlederne", "mellemlederens"):
        assert "mellemniveau" in answerer.index.query_terms(text), text


def test_a_suspended_compound_names_its_whole_word(answerer):
    # "master- og diplomuddannelser": the requirement passage is about master programmes too.
    assert "masteruddannelse" in answerer.index.query_terms("fx master- og diplomuddannelser")
    answer = answerer.answer("hvad kræver en masteruddannelse", "ask_education")
    assert "erhvervserfaring" in answer.passages[0].text


def test_a_role_asked_of_in_another_topic_gets_that_topics_passage_naming_it(answerer):
    # A question of the job in general names the direktør: the top level of management says who
    # decides, the role's own description follows. Asked as a career question, the role alone.
    answer = answerer.answer("hvem bestemmer mest i et firma, er det direktøren?", "ask_job_overview")
    assert [p.topic for p in answer.passages] == ["overview", "career_paths"]
    assert "de største beslutninger" in answer.passages[0].text
    assert answer.passages[1].context == "Direktør"
    answer = answerer.answer("hvad laver en direktør", "ask_career_paths")
    assert [p.context for p in answer.passages] == ["Direktør"]


def test_an_unsure_topic_is_chosen_by_its_passages_as_well_as_its_confidence(answerer):
    # The classifier leans to the outlook; the article treats the subject in "Om jobbet".
    ranking = [{"name": "ask_employment_outlook", "confidence": 0.14},
               {"name": "ask_job_overview", "confidence": 0.13}]
    assert answerer.likeliest_topic("har ledere noget med klima og grøn omstilling at gøre", ranking) \
        == "ask_job_overview"
    # Without a word the passages know, the classifier's order stands.
    assert answerer.likeliest_topic("hmm", ranking) == "ask_employment_outlook"
