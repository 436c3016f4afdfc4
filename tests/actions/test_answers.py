"""Topic actions against a real SQLite store, with real Tracker and CollectingDispatcher objects."""
import re
from pathlib import Path

import yaml
from rasa.core.nlg.interpolator import interpolate_text

from actions import answers, conversation
from bot.handoff.protocol import ANSWER_METADATA_KEY
from bot.db import make_engine, make_session_factory, migrate
from bot.knowledge.ingest import ingest_file

DOMAIN_FILE = Path(__file__).resolve().parents[2] / "domain.yml"
ARTICLE = Path(__file__).resolve().parents[2] / "data" / "articles" / "leder.txt"
# What one chat bubble holds, source line included.
BUBBLE_CHARS = 450
CHANNELS_WITH_DETAILS = ("telefon (70 20 30 40), e-mail (evejledning@example.dk) "
                         "eller chat (https://www.example.dk/evejledning/chat)")


def only(messages):
    assert len(messages) == 1, messages
    return messages[0]


def test_tasks_lists_all_eight_with_source(run_action):
    message = only(run_action(answers.AnswerTasks(), text="hvad er arbejdsopgaverne", intent="ask_tasks")[0])
    assert message["response"] == "utter_answer_list"
    assert message["items"].count("•") == 8
    assert "Rapporterer til fx bestyrelser eller ledere på højere niveau" in message["items"]
    assert message["source"] == 'UddannelsesGuiden, »Leder« – https://www.ug.dk/job/leder'


def test_job_titles_lists_all_thirteen(run_action):
    message = only(run_action(answers.AnswerJobTitles(), intent="ask_job_titles")[0])
    assert message["items"].count("•") == 13
    assert "Værkfører" in message["items"] and "Gruppeleder" in message["items"]


def test_career_paths_without_a_role_lists_every_role_with_buttons(run_action):
    message = only(run_action(answers.AnswerCareerPaths(), intent="ask_career_paths")[0])
    roles = ["Direktør", "Generalsekretær", "Kontorchef", "Afdelingsleder", "Sekretariatschef", "Områdechef"]
    assert [b["title"] for b in message["buttons"]] == roles
    assert "iværksætter" in message["entrepreneur"]


def test_a_named_role_gets_its_own_description(run_action):
    message = only(run_action(answers.AnswerCareerPaths(), intent="ask_career_paths",
                              entities=[("career_role", "områdechef")])[0])
    assert message["response"] == "utter_answer_career_role"
    assert message["role"] == "Områdechef"
    assert message["description"].startswith("Du har ansvar for en bestemt del af virksomheden")


def test_the_entrepreneur_route(run_action):
    message = only(run_action(answers.AnswerCareerPaths(), intent="ask_career_paths",
                              entities=[("career_role", "iværksætter")])[0])
    assert "bygget en helt ny arbejdsplads op" in message["description"]


def test_an_unknown_role_falls_back_to_the_list(run_action):
    message = only(run_action(answers.AnswerCareerPaths(), intent="ask_career_paths",
                              entities=[("career_role", "astronaut")])[0])
    assert message["response"] == "utter_answer_career_paths"


def test_workplaces_all_nine_and_one_named_sector(run_action):
    message = only(run_action(answers.AnswerWorkplaces(), intent="ask_workplaces")[0])
    assert message["items"].count("•") == 9
    # With their examples: the informative part.
    assert "• Den finansielle sektor, banker og forsikringsselskaber\n" in message["items"]
    assert "• Sundhedssektoren, hospitaler og plejehjem\n" in message["items"]
    message = only(run_action(answers.AnswerWorkplaces(), intent="ask_workplaces",
                              entities=[("sector", "finansielle")])[0])
    assert message["response"] == "utter_answer_sector"
    assert "banker og forsikringsselskaber" in message["sectors"]


def test_education_is_the_whole_section_and_offers_each_programme(run_action):
    message = only(run_action(answers.AnswerEducation(), intent="ask_education")[0])
    assert "Alle uddannelsesveje kan føre til arbejde som leder" in message["lead"]
    assert "videregående uddannelse og mindst et par års relevant erhvervserfaring" in message["lead"]
    assert [b["title"] for b in message["buttons"]] == [
        "Diplomuddannelse i ledelse", "Masteruddannelse i offentlig ledelse",
        "Masteruddannelse til Master of Business Administration"]
    # Each quick reply names its programme, and the answer to it tells the entry requirements.
    payload = message["buttons"][2]["payload"]
    assert payload == '/ask_education{"education":"masteruddannelse til Master of Business Administration"}'
    message = only(run_action(answers.AnswerEducation(), text=payload, intent="ask_education",
                              entities=[("education", "masteruddannelse til Master of Business Administration")])[0])
    assert message["response"] == "utter_answer_education_route_requirements"
    assert message["route"] == "masteruddannelse til Master of Business Administration"
    assert "erhvervserfaring" in message["requirements"]


def test_a_named_programme_is_answered_with_what_the_programmes_require(run_action):
    # The passage that lists the programmes matches the words best; the question is what it takes.
    for action, intent in ((answers.AnswerEducation(), "ask_education"),
                           (answers.AnswerFurtherEducation(), "ask_further_education")):
        message = only(run_action(action, text="hvad kræves der for at komme ind på en diplomuddannelse i ledelse",
                                  intent=intent, entities=[("education", "diplomuddannelse i ledelse")])[0])
        assert message["response"] == "utter_answer_education_route_requirements", intent
        assert "videregående uddannelse" in message["requirements"]


def test_salary_points_elsewhere_and_states_no_amount(run_action):
    message = only(run_action(answers.AnswerSalary(), intent="ask_salary")[0])
    assert "Uddannelseszoom (https://www.uddannelseszoom.dk)" in message["body"]
    assert "faglige organisationers hjemmesider" in message["body"]
    assert "ombygning" not in message["body"], "the site's maintenance notice is no answer"
    assert not re.search(r"\d", message["body"])


def test_outlook_has_the_scale_and_its_source_but_no_level(run_action):
    message = only(run_action(answers.AnswerOutlook(), intent="ask_employment_outlook")[0])
    assert message["scale"] == "Rigtig gode / Gode / Mindre gode"
    assert "Styrelsen for arbejdsmarked og rekruttering" in message["outlook_source"]


def test_other_job_and_contact_channels(run_action):
    message = only(run_action(answers.AnswerOtherJob(), intent="ask_other_job")[0])
    # The article's channels with config/opening_hours.yml's contact details.
    assert message["channels"] == CHANNELS_WITH_DETAILS


def test_the_store_being_down_gives_an_apology_not_a_crash(run_action, monkeypatch, tmp_path):
    from actions import services
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.db'}")
    services.reset()
    messages, _ = run_action(answers.AnswerTasks(), intent="ask_tasks")
    assert only(messages)["response"] == "utter_unavailable"


def test_a_reingested_article_is_answered_from_its_new_text(run_action, monkeypatch, tmp_path):
    """The action server keeps the article it read, and its passage index, only while the
    article is unchanged: re-ingesting changed text changes the next answer, without a restart."""
    from actions import services
    url = f"sqlite:///{tmp_path / 'bot.db'}"
    migrate(url)
    engine = make_engine(url)
    session_factory = make_session_factory(engine)
    ingest_file(session_factory, ARTICLE)
    monkeypatch.setenv("DATABASE_URL", url)
    services.reset()

    def ask():
        role = only(run_action(answers.AnswerCareerPaths(), text="hvad laver en kontorchef",
                               intent="ask_career_paths", entities=[("career_role", "kontorchef")])[0])
        tasks = only(run_action(answers.AnswerTasks(), text="/ask_tasks", intent="ask_tasks")[0])
        return role["passage"], tasks["items"]

    role, tasks = ask()
    assert role.startswith("Kontorchef: Du leder arbejdet på et kontor.")
    assert "• Deltager i møder" in tasks
    changed = (ARTICLE.read_text(encoding="utf-8")
               .replace("Du leder arbejdet på et kontor.", "Du leder et kontor med flere afdelinger.")
               .replace("Deltager i møder", "Holder møder med bestyrelsen"))
    (tmp_path / "leder.txt").write_text(changed, encoding="utf-8")
    assert ingest_file(session_factory, tmp_path / "leder.txt").status == "updated"

    role, tasks = ask()
    assert role.startswith("Kontorchef: Du leder et kontor med flere afdelinger.")
    assert "• Holder møder med bestyrelsen" in tasks and "Deltager i møder" not in tasks
    engine.dispose()


def test_the_welcome_is_sent_once_per_session(run_action):
    messages, events = run_action(conversation.ActionSessionStart())
    assert only(messages)["response"] == "utter_welcome"
    assert only(messages)["job_title"] == "leder"
    assert [e["event"] for e in events] == ["session_started", "slot", "slot", "action"]
    assert events[1]["name"] == "job_title" and events[1]["value"] == "leder"
    # The assistant's configured name, never "eVejleder" (the people's title).
    assert only(messages)["assistant_name"] == "UddannelsesGuidens chatassistent"
    assert events[2]["name"] == "assistant_name" and events[2]["value"] == "UddannelsesGuidens chatassistent"


def test_the_assistant_name_is_a_setting(run_action, monkeypatch):
    monkeypatch.setenv("ASSISTANT_NAME", "Jobrobotten")
    messages, events = run_action(conversation.ActionSessionStart())
    assert only(messages)["assistant_name"] == "Jobrobotten"
    assert events[2]["value"] == "Jobrobotten"
    welcomed = [{"event": "action", "name": "action_session_start"}, {"event": "bot", "text": "Hej!"},
                {"event": "session_started"}, {"event": "action", "name": "action_listen"}]
    messages, events = run_action(conversation.ActionSessionStart(), text="/session_start",
                                  intent="session_start", events=welcomed)
    assert messages == []
    assert [e["event"] for e in events] == ["action"] and events[0]["name"] == "action_listen"


def user(intent):
    return {"event": "user", "parse_data": {"intent": {"name": intent}}}


def test_second_misunderstood_message_offers_a_human(run_action):
    messages, events = run_action(conversation.ActionFallback(), intent="out_of_scope",
                                  events=[user("ask_tasks")])
    assert only(messages)["response"] == "utter_out_of_scope"
    messages, events = run_action(conversation.ActionFallback(), intent="nlu_fallback",
                                  events=[user("ask_tasks"), user("out_of_scope")])
    assert only(messages)["response"] == "utter_offer_counsellor"
    assert events == []


def test_an_entity_alone_keeps_the_topic(run_action):
    messages, events = run_action(conversation.ActionFallback(), intent="nlu_fallback",
                                  entities=[("career_role", "kontorchef")])
    assert messages == []
    assert events[0]["name"] == "action_answer_career_paths"


# --- passage answers ---------------------------------------------------------------------------

DOMAIN = {"responses": {"utter_more_career_paths": [{"text": "Se alle karriereveje"}]}}


def test_a_detail_question_gets_the_one_passage_with_a_link_to_its_topic(run_action):
    message = only(run_action(answers.AnswerCareerPaths(), text="hvad er et sekretariat?",
                              intent="ask_career_paths", domain=DOMAIN)[0])
    assert message["response"] == "utter_answer_passage"
    assert message["passage"].startswith("Sekretariatschef: Et sekretariat er en afdeling")
    assert "Direktør" not in message["passage"], "one passage, not the whole section"
    assert message["buttons"] == [{"title": "Se alle karriereveje", "payload": "/ask_career_paths"}]
    assert message["source"].endswith("https://www.ug.dk/job/leder")


def test_a_topic_question_still_gets_the_topic(run_action):
    message = only(run_action(answers.AnswerCareerPaths(), text="hvilke karriereveje er der?",
                              intent="ask_career_paths")[0])
    assert message["response"] == "utter_answer_career_paths"


def test_a_role_in_an_inflected_form_gets_its_description(run_action):
    for text in ("hvad er direktørens ansvar", "hvad laver en direktoer", "direktørerne?"):
        message = only(run_action(answers.AnswerCareerPaths(), text=text, intent="ask_career_paths")[0])
        assert message["passage"].startswith("Direktør: Du har ansvar for alt i virksomheden"), text


def test_a_subject_the_article_does_not_cover_is_said_plainly(run_action):
    message = only(run_action(answers.AnswerUncovered(), text="hvor mange timer om ugen arbejder en leder",
                              intent="ask_uncovered")[0])
    assert message["response"] == "utter_answer_not_covered"
    assert message["channels"] == CHANNELS_WITH_DETAILS
    # {job_title} comes from the slot the session start sets, not from the action.
    assert "job_title" not in message


def test_the_article_is_called_silent_only_when_the_model_is_sure(run_action):
    sure = run_action(answers.AnswerUncovered(), text="hvor lang ferie har en direktør", intent="ask_uncovered",
                      ranking=[("ask_uncovered", 0.9), ("ask_tasks", 0.05)])[0]
    assert [m["response"] for m in sure] == ["utter_answer_not_covered"]
    # Unsure: the likeliest topic answers, and an eVejleder is offered, never the claim.
    unsure = run_action(answers.AnswerUncovered(), text="hvad laver man som chef",
                        intent="ask_uncovered", ranking=[("ask_uncovered", 0.5), ("greet", 0.2), ("ask_tasks", 0.2)])[0]
    assert [m["response"] for m in unsure] == ["utter_answer_list", "utter_offer_evejleder"]
    assert unsure[0]["items"].count("•") == 8
    # A topic answer to a message that may be about what the article lacks offers one too.
    offered = run_action(answers.AnswerSalary(), text="hvad med pension", intent="ask_salary",
                         ranking=[("ask_salary", 0.6), ("ask_uncovered", 0.35)])[0]
    assert [m["response"] for m in offered] == ["utter_answer_salary", "utter_offer_evejleder"]
    plain = run_action(answers.AnswerSalary(), text="hvad tjener en leder", intent="ask_salary",
                       ranking=[("ask_salary", 0.9), ("ask_uncovered", 0.05)])[0]
    assert [m["response"] for m in plain] == ["utter_answer_salary"]



def test_answers_are_flagged_for_the_widgets_rating_and_nothing_else_is(run_action):
    offered = run_action(answers.AnswerSalary(), text="hvad med pension", intent="ask_salary",
                         ranking=[("ask_salary", 0.6), ("ask_uncovered", 0.35)])[0]
    assert [(m["response"], m.get(ANSWER_METADATA_KEY)) for m in offered] == [
        ("utter_answer_salary", True), ("utter_offer_evejleder", None)]
    soft = only(run_action(conversation.ActionFallback(), text="hvad er et sekretariat", intent="nlu_fallback")[0])
    assert soft[ANSWER_METADATA_KEY] is True
    off_topic = only(run_action(conversation.ActionFallback(), text="hvad er hovedstaden i frankrig",
                                intent="out_of_scope")[0])
    assert ANSWER_METADATA_KEY not in off_topic

def test_a_topic_question_in_other_words_gets_the_topic_never_a_claim(run_action):
    for action, intent, text in [(answers.AnswerJobTitles(), "ask_job_titles", "andre ord for leder"),
                                 (answers.AnswerSkills(), "ask_skills", "hvilke kompetencer skal en god leder have"),
                                 (answers.AnswerTasks(), "ask_tasks", "hvad er en chefs opgaver")]:
        message = only(run_action(action, text=text, intent=intent)[0])
        assert message["response"] in ("utter_answer_list", "utter_answer_job_titles", "utter_answer_text",
                                       "utter_answer_passage"), text
        assert any(s in str(message) for s in ("Du er god til at samarbejde", "•", "Værkfører")), message


def test_a_comparison_gets_both_passages(run_action):
    message = only(run_action(answers.AnswerCareerPaths(), text="forskellen på en kontorchef og en områdechef",
                              intent="ask_career_paths")[0])
    assert message["response"] == "utter_answer_compare"
    assert "Du leder arbejdet på et kontor" in message["passage"]
    assert "Du har ansvar for en bestemt del af virksomheden" in message["passage"]


def test_a_misunderstood_message_with_a_strong_passage_gets_a_soft_answer(run_action):
    message = only(run_action(conversation.ActionFallback(), text="hvad er et sekretariat",
                              intent="nlu_fallback")[0])
    assert message["response"] == "utter_answer_passage_soft"
    assert "administrative opgaver" in message["passage"]


def test_an_off_topic_message_still_gets_the_fallback(run_action):
    message = only(run_action(conversation.ActionFallback(), text="hvad er hovedstaden i frankrig",
                              intent="out_of_scope")[0])
    assert message["response"] == "utter_out_of_scope"


def test_a_yes_no_question_gets_the_yes_first_only_where_the_passage_says_it(run_action):
    message = only(run_action(answers.AnswerWorkplaces(), text="kan man være leder på et hospital",
                              intent="ask_workplaces")[0])
    assert message["response"] == "utter_answer_passage_yes"
    # The response reads "Ja – {passage}": the passage continues the sentence.
    assert message["passage"].startswith("ledere findes på alle mulige")
    # The article says every route can lead there, not that none is needed.
    message = only(run_action(answers.AnswerEducation(), text="kan man blive leder uden uddannelse",
                              intent="ask_education")[0])
    assert message["response"] == "utter_answer_route"
    assert message["passage"].startswith("Alle uddannelsesveje kan føre til arbejde som leder")


def test_a_typed_route_question_gets_the_route_not_the_description(run_action):
    message = only(run_action(answers.AnswerCareerPaths(), text="hvordna bliver man dierktoer",
                              intent="ask_career_paths")[0])
    assert message["response"] == "utter_answer_route"
    assert "højere niveauer af ledelse" in message["passage"]
    assert "Du har ansvar for alt i virksomheden" not in message["passage"]


def test_a_comparison_says_which_is_which(run_action):
    message = only(run_action(answers.AnswerOverview(), text="forskellen på mellemleder og topleder",
                              intent="ask_job_overview")[0])
    assert message["response"] == "utter_answer_compare"
    middle, top = message["passage"].split("\n")
    assert middle.startswith("Ledelse på mellemniveau") and "ført ud i livet" in middle
    assert top.startswith("Ledelse på øverste niveau") and "største beslutninger" in top


def test_a_misunderstood_question_the_article_answers_gets_the_softer_lead(run_action):
    message = only(run_action(conversation.ActionFallback(), text="skal en leder også tænke på miljøet",
                              intent="nlu_fallback")[0])
    assert message["response"] == "utter_answer_passage_soft"
    assert "passer godt på miljøet" in message["passage"]


def test_the_overview_when_nothing_wins_is_the_whole_section(run_action):
    for text in ("hvordan er det at være chef", "info om leder jobbet tak"):
        message = only(run_action(answers.AnswerOverview(), text=text, intent="ask_job_overview")[0])
        assert message["response"] == "utter_answer_overview", text
        assert message["summary"].startswith("Som leder kan du arbejde med alt fra daglig drift")
        assert "• Ledelse på øverste niveau – mål og strategi: Som fx direktør træffer du de største" \
               " beslutninger" in message["summary"]
        assert "strategien bliver ført ud i livet" in message["summary"]
        # Every headed part whole, not only its first sentence.
        for said in ("høj grad af medbestemmelse", "anerkender deres indsats", "overholder loven"):
            assert said in message["summary"], said


def test_the_task_list_comes_with_its_whole_lead(run_action):
    message = only(run_action(answers.AnswerTasks(), text="hvad er arbejdsopgaverne", intent="ask_tasks")[0])
    assert message["lead"].startswith("Dine specifikke arbejdsopgaver afhænger af, hvilket niveau")
    assert message["lead"].endswith("Som leder er dine typiske arbejdsopgaver, at du:")


def test_a_message_between_two_topics_gets_the_likelier_one_as_a_guess(run_action):
    messages, _ = run_action(conversation.ActionFallback(), text="hvad skal en topleder tage sig af",
                             intent="nlu_fallback",
                             ranking=[("ask_job_overview", 0.3), ("ask_tasks", 0.27), ("nlu_fallback", 0.2)])
    # The guessed topic's own answer: here its passage on the top level.
    assert [m["response"] for m in messages] == ["utter_guess_topic", "utter_answer_passage"]
    assert "de største beslutninger" in messages[1]["passage"]


def test_a_guess_needs_a_topic_in_the_lead(run_action):
    for ranking in ([("greet", 0.3), ("ask_tasks", 0.28)], [("ask_tasks", 0.15), ("ask_skills", 0.14)]):
        message = only(run_action(conversation.ActionFallback(), text="øhm tja", intent="nlu_fallback",
                                  ranking=ranking + [("nlu_fallback", 0.2)])[0])
        assert message["response"] == "utter_ask_rephrase", ranking


# A vague question per topic: nothing in it wins, so the topic's answer (or its one passage) comes.
# Whole lists and sections are longer than one bubble: a question for a topic gets all of it.
WHOLE = ("ask_tasks", "ask_workplaces", "ask_education", "ask_further_education", "ask_career_paths",
         "ask_job_overview")
VAGUE_QUESTIONS = [
    (answers.AnswerOverview(), "ask_job_overview", "fortæl mig om jobbet"),
    (answers.AnswerCareerPaths(), "ask_career_paths", "hvilke karriereveje er der"),
    (answers.AnswerEducation(), "ask_education", "hvilke uddannelser er der"),
    (answers.AnswerEducation(), "ask_education", "hvad skal man læse"),
    (answers.AnswerFurtherEducation(), "ask_further_education", "hvilken efteruddannelse kan man tage"),
    (answers.AnswerWorkplaces(), "ask_workplaces", "hvor kan man arbejde"),
    (answers.AnswerJobTitles(), "ask_job_titles", "hvilke stillingsbetegnelser er der"),
    (answers.AnswerSkills(), "ask_skills", "hvad skal man være god til"),
    (answers.AnswerTasks(), "ask_tasks", "hvad er arbejdsopgaverne"),
    (answers.AnswerOutlook(), "ask_employment_outlook", "hvordan er jobmulighederne"),
    (answers.AnswerSalary(), "ask_salary", "hvad tjener man"),
]


def rendered(message, domain):
    """The reply as Rasa renders it: the action's variables and the session's job title in the
    domain.yml response."""
    template = answers.response_text(domain, message["response"])
    return interpolate_text(template, {**message, "job_title": "leder"})


def test_every_topic_answer_is_whole_and_cites_the_article(run_action):
    domain = yaml.safe_load(DOMAIN_FILE.read_text(encoding="utf-8"))
    for action, intent, text in VAGUE_QUESTIONS:
        message = only(run_action(action, text=text, intent=intent, domain=domain)[0])
        reply = rendered(message, domain)
        assert "{" not in reply, reply
        assert intent in WHOLE or len(reply) <= BUBBLE_CHARS, f"{text!r}: {len(reply)} characters\n{reply}"
        assert reply.endswith("https://www.ug.dk/job/leder"), reply


def test_the_skills_are_said_once(run_action):
    message = only(run_action(answers.AnswerSkills(), text="hvad skal man vaere god til som leder",
                              intent="ask_skills")[0])
    assert message["response"] == "utter_answer_text"
    assert message["body"].count("træffe beslutninger") == 1


def test_a_task_passage_offers_all_the_tasks(run_action):
    domain = {"responses": {"utter_more_tasks": [{"text": "Se alle arbejdsopgaver"}]}}
    message = only(run_action(answers.AnswerTasks(), text="skal en leder deltage i møder",
                              intent="ask_tasks", domain=domain)[0])
    assert message["buttons"] == [{"title": "Se alle arbejdsopgaver", "payload": "/ask_tasks"}]


def test_a_question_naming_only_the_job_titles_gets_the_list(run_action):
    message = only(run_action(answers.AnswerJobTitles(), text="hvilke stillingsbetegnelser er der",
                              intent="ask_job_titles")[0])
    assert message["response"] == "utter_answer_job_titles"
    assert message["items"].count("•") == 13
