"""Topic answers: each action reads one part of the article from the knowledge store.

The Danish framing lives in domain.yml responses; the facts come from the store.
"""
from __future__ import annotations

import logging
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.exc import SQLAlchemyError

from actions.formatting import bullets, continued, source_line, with_links
from actions.services import answerer, contact_channels, job_slug, knowledge
from bot.danish import enumerate_da
from bot.handoff.protocol import ANSWER_METADATA_KEY
from bot.knowledge.answering import Answer, claims_silence, maybe_uncovered
from bot.language.e5 import TEXT_VECTOR, unpack
from bot.knowledge.passages import is_site_notice
from bot.knowledge.store import KnowledgeStore, UnknownJob

logger = logging.getLogger(__name__)

Message = Dict[str, Any]


def utter_answer(dispatcher: CollectingDispatcher, source: str, message: Message) -> None:
    """Say one message of an answer from the article. The flag rides in the bot event's metadata
    to the widget, which asks "Hjalp svaret?" under answers only (not under offers or chitchat)."""
    dispatcher.utter_message(**{"source": source, **message, ANSWER_METADATA_KEY: True})


def latest_entity(tracker: Tracker, entity: str) -> Optional[str]:
    return next(tracker.get_latest_entity_values(entity), None)


# The intent that shows a whole topic, for the "see all" quick reply under a passage answer.
INTENT_OF_TOPIC = {
    "overview": "ask_job_overview", "tasks": "ask_tasks", "career_paths": "ask_career_paths",
    "workplaces": "ask_workplaces", "education": "ask_education", "skills": "ask_skills",
    "job_titles": "ask_job_titles",
}
RESPONSE_OF_KIND = {
    "passage": "utter_answer_passage", "yes": "utter_answer_passage_yes",
    "soft": "utter_answer_passage_soft", "route": "utter_answer_route",
    "compare": "utter_answer_compare",
}


def response_text(domain, name: str) -> Optional[str]:
    variations = ((domain or {}).get("responses") or {}).get(name) or []
    return variations[0].get("text") if variations else None


def intent_of(tracker: Tracker) -> str:
    return (tracker.latest_message.get("intent") or {}).get("name") or ""


def passage_answer(tracker: Tracker, intent: Optional[str] = None) -> Optional[Answer]:
    """The passage(s) answering the latest message (as a question of `intent`, by default the
    message's own), or None for the topic's overview."""
    return answerer(job_slug()).answer(
        tracker.latest_message.get("text") or "",
        intent or intent_of(tracker),
        latest_entity(tracker, "career_role"),
        # The message's meaning as Rasa's intent classifier read it (bot/nlu/intent.py).
        unpack(tracker.latest_message.get(TEXT_VECTOR)),
    )


def likeliest_topic(tracker: Tracker) -> Optional[str]:
    """The topic intent an unsure message most likely asks about: its confidence and its passages."""
    message = tracker.latest_message
    ranking = [r for r in message.get("intent_ranking") or [] if r.get("name") in TOPIC_ACTIONS]
    return answerer(job_slug()).likeliest_topic(message.get("text") or "", ranking, unpack(message.get(TEXT_VECTOR)))


def passage_text(answer: Answer) -> str:
    if answer.kind == "compare":
        # Side by side, each under its heading or role, so the visitor sees which is which.
        return "\n".join(p.titled() for p in answer.passages)
    text = "\n".join(p.quoted() for p in answer.passages)
    # "Ja – alle uddannelsesveje kan føre til ...": the passage continues the response's "Ja –".
    return continued(text) if answer.kind == "yes" else text


def passage_message(answer: Answer, store: KnowledgeStore, slug: str, domain) -> Message:
    message: Message = {
        "response": RESPONSE_OF_KIND[answer.kind],
        "passage": with_links(passage_text(answer), store.links(slug)),
    }
    more = INTENT_OF_TOPIC.get(answer.topic or "")
    title = more and response_text(domain, f"utter_more_{answer.topic}")
    if title:
        message["buttons"] = [{"title": title, "payload": f"/{more}"}]
    return message


def utter_passage_answer(dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> bool:
    """Answer a message that was not understood from a passage, if one matches it strongly."""
    store, slug = knowledge(), job_slug()
    try:
        answer = passage_answer(tracker)
        if answer is None:
            return False
        message = passage_message(answer, store, slug, domain)
        source = source_line(store.source(slug))
    except (SQLAlchemyError, UnknownJob):
        logger.exception("knowledge store unavailable for a passage answer")
        return False
    utter_answer(dispatcher, source, message)
    return True


class StoreAnswer(Action):
    """Base for actions that answer from the store; a store failure becomes a polite apology.

    A passage that clearly answers the message comes first; `messages` gives the topic overview.
    """

    action_name: Text = ""

    def name(self) -> Text:
        return self.action_name

    def messages(self, store: KnowledgeStore, slug: str, tracker: Tracker) -> List[Message]:
        raise NotImplementedError

    def named(self, store: KnowledgeStore, slug: str, tracker: Tracker) -> List[Message]:
        """The answer about a thing of the store the message names, before any passage; [] if none."""
        return []

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> List[Dict]:
        self.respond(dispatcher, tracker, domain, intent_of(tracker))
        return []

    def respond(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain, intent: str) -> None:
        """Answer the latest message as a question of `intent`."""
        store, slug = knowledge(), job_slug()
        try:
            named = self.named(store, slug, tracker)
            answer = None if named else passage_answer(tracker, intent)
            messages = named or ([passage_message(answer, store, slug, domain)] if answer
                                 else self.messages(store, slug, tracker))
            source = source_line(store.source(slug))
        except (SQLAlchemyError, UnknownJob):
            logger.exception("knowledge store unavailable for %s", self.name())
            dispatcher.utter_message(response="utter_unavailable")
            return
        for message in messages:
            utter_answer(dispatcher, source, message)
        if maybe_uncovered(tracker.latest_message.get("intent_ranking")):
            # Perhaps about something the article does not treat: an eVejleder may know.
            dispatcher.utter_message(response="utter_offer_evejleder")


def listing(lead: str, items: List[str]) -> Message:
    return {"response": "utter_answer_list", "lead": lead, "items": bullets(items)}


class AnswerOverview(StoreAnswer):
    action_name = "action_answer_overview"

    def messages(self, store, slug, tracker):
        # The article's summary and the whole of "Om jobbet": its opening, and each headed part (the
        # levels of management, well-being) under its heading. A question about the job in general
        # is answered by all of what the article says of it; the quick replies lead on.
        sections = store.overview(slug)
        opening = [p for s in sections if not s.heading for p in s.paragraphs]
        parts = [f"• {s.heading}: {' '.join(s.paragraphs)}" for s in sections if s.heading and s.paragraphs]
        return [{"response": "utter_answer_overview",
                 "summary": "\n".join([store.job(slug).summary] + opening + parts)}]


class AnswerTasks(StoreAnswer):
    action_name = "action_answer_tasks"

    def messages(self, store, slug, tracker):
        tasks = store.tasks(slug)
        # The whole list with its lead: the tasks depend on the level and the workplace.
        return [listing("\n".join(tasks.lead), tasks.items)]


class AnswerSkills(StoreAnswer):
    action_name = "action_answer_skills"

    def messages(self, store, slug, tracker):
        skills = store.skills(slug)
        lead = "\n".join(skills.lead)
        # The article's skills are its lead's own words: the lead alone says them once.
        if all(item.lower() in lead.lower() for item in skills.items):
            return [{"response": "utter_answer_text", "body": lead}]
        return [listing(lead, skills.items)]


class AnswerJobTitles(StoreAnswer):
    action_name = "action_answer_job_titles"

    def messages(self, store, slug, tracker):
        return [{"response": "utter_answer_job_titles", "items": bullets(store.job_titles(slug))}]


class AnswerCareerPaths(StoreAnswer):
    action_name = "action_answer_career_paths"

    def messages(self, store, slug, tracker):
        role = latest_entity(tracker, "career_role")
        if role:
            path = store.career_path(slug, role)
            if path:
                return [{"response": "utter_answer_career_role", "role": path.role,
                         "description": path.description}]
        careers = store.career_paths(slug)
        buttons = [
            {"title": p.role, "payload": f'/ask_career_paths{{"career_role":"{p.role.lower()}"}}'}
            for p in careers.paths
        ]
        entrepreneur = first_sentence([careers.entrepreneur.description]) if careers.entrepreneur else ""
        # The whole lead (where a career can go, and what it depends on) and the roles by name;
        # each role's description is one quick reply away.
        lead = careers.lead
        return [{
            "response": "utter_answer_career_paths" if entrepreneur
                        else "utter_answer_career_paths_without_entrepreneur",
            "lead": "\n".join(lead),
            "items": bullets(p.role for p in careers.paths),
            "entrepreneur": entrepreneur,
            "buttons": buttons,
        }]


class AnswerWorkplaces(StoreAnswer):
    action_name = "action_answer_workplaces"

    def messages(self, store, slug, tracker):
        query = latest_entity(tracker, "sector")
        if query:
            sectors = store.find_sectors(slug, query)
            if sectors:
                return [{"response": "utter_answer_sector",
                         "sectors": enumerate_da(sector_in_sentence(s) for s in sectors)}]
        workplaces = store.workplaces(slug)
        # The sectors with their examples ("skoler, kommuner og myndigheder"): the informative part.
        return [listing("\n".join(workplaces.lead),
                        [f"{s.name}, {s.examples}" if s.examples else s.name for s in workplaces.items])]


def sector_in_sentence(sector) -> str:
    """A sector as it continues "i …": "den finansielle sektor (banker og forsikringsselskaber)";
    examples that are a clause of their own ("som er …") or follow a name already in brackets
    come after a comma, not in a second pair of brackets."""
    name = continued(sector.name)
    if not sector.examples:
        return name
    if "(" in name or sector.examples.startswith("som "):
        return f"{name}, {sector.examples}"
    return f"{name} ({sector.examples})"


def education_route(store: KnowledgeStore, slug: str, tracker: Tracker) -> Optional[Message]:
    """The programme the message names ("MBA", "diplomuddannelse") with its entry requirements."""
    query = latest_entity(tracker, "education")
    routes = store.find_education(slug, query) if query else []
    if not routes:
        return None
    requirements = store.education(slug).entry_requirements or ""
    response = "utter_answer_education_route" if len(routes) == 1 else "utter_answer_education_routes"
    return {"response": response + ("_requirements" if requirements else ""),
            "route": routes[0], "routes": bullets(routes), "requirements": requirements}


class ProgrammeAnswer(StoreAnswer):
    def named(self, store, slug, tracker):
        # "hvad kræver en masteruddannelse", "kan jeg tage en MBA": the programme the article names,
        # with what it says the programmes require.
        route = education_route(store, slug, tracker)
        return [route] if route else []


class AnswerEducation(ProgrammeAnswer):
    action_name = "action_answer_education"

    def messages(self, store, slug, tracker):
        education = store.education(slug)
        # The whole section (routes into the job, the programmes and what they require), and a
        # quick reply per programme.
        buttons = [{"title": route[:1].upper() + route[1:],
                    "payload": f'/ask_education{{"education":"{route}"}}'} for route in education.routes]
        return [{"response": "utter_answer_education",
                 "lead": "\n".join(p for p in education.paragraphs if not is_site_notice(p)),
                 "buttons": buttons}]


class AnswerFurtherEducation(ProgrammeAnswer):
    action_name = "action_answer_further_education"

    def messages(self, store, slug, tracker):
        # The section itself points elsewhere; the programmes for leaders are in the education section.
        education = store.education(slug)
        programmes = [p for p in education.paragraphs
                      if any(r.lower() in p.lower() for r in education.routes)
                      or (education.entry_requirements and education.entry_requirements in p)]
        return [{"response": "utter_answer_text", "body": "\n".join(store.further_education(slug) + programmes)}]


class AnswerSalary(StoreAnswer):
    action_name = "action_answer_salary"

    def messages(self, store, slug, tracker):
        salary = store.salary(slug)
        body = "\n".join(p for p in salary.paragraphs if not is_site_notice(p))
        return [{"response": "utter_answer_salary", "body": with_links(body, store.links(slug))}]


class AnswerOutlook(StoreAnswer):
    action_name = "action_answer_outlook"

    def messages(self, store, slug, tracker):
        outlook = store.employment_outlook(slug)
        return [{"response": "utter_answer_outlook", "scale": " / ".join(outlook.scale),
                 "outlook_source": outlook.source}]


class AnswerUncovered(StoreAnswer):
    """A subject of the job the article does not treat (the intent ask_uncovered): said plainly,
    with the eVejledere's channels, when the model is sure (`answering.claims_silence`); otherwise
    the likeliest topic answers, with the offer of an eVejleder."""

    action_name = "action_answer_uncovered"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> List[Dict]:
        ranking = tracker.latest_message.get("intent_ranking") or [tracker.latest_message.get("intent") or {}]
        if claims_silence(ranking):
            return await super().run(dispatcher, tracker, domain)
        topic = likeliest_topic(tracker)
        if topic:
            TOPIC_ACTIONS[topic]().respond(dispatcher, tracker, domain, topic)
        else:
            dispatcher.utter_message(response="utter_offer_evejleder")
        return []

    def messages(self, store, slug, tracker):
        return [{"response": "utter_answer_not_covered", "channels": contact_channels(store, slug)}]


class AnswerOtherJob(StoreAnswer):
    action_name = "action_answer_other_job"

    def messages(self, store, slug, tracker):
        return [{"response": "utter_other_job",
                 "channels": contact_channels(store, slug)}]


def first_sentence(paragraphs: List[str]) -> str:
    text = paragraphs[0] if paragraphs else ""
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]


# The action of each topic intent, for a message whose likeliest topic answers in another's place.
TOPIC_ACTIONS = {
    "ask_job_overview": AnswerOverview, "ask_tasks": AnswerTasks, "ask_skills": AnswerSkills,
    "ask_career_paths": AnswerCareerPaths, "ask_workplaces": AnswerWorkplaces,
    "ask_education": AnswerEducation, "ask_further_education": AnswerFurtherEducation,
    "ask_job_titles": AnswerJobTitles, "ask_salary": AnswerSalary,
    "ask_employment_outlook": AnswerOutlook,
}
