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
from bot.knowledge.answering import Answer
from bot.knowledge.passages import is_site_notice
from bot.knowledge.store import KnowledgeStore, UnknownJob

logger = logging.getLogger(__name__)

Message = Dict[str, Any]


def latest_entity(tracker: Tracker, entity: str) -> Optional[str]:
    return next(tracker.get_latest_entity_values(entity), None)


# The intent that shows a whole topic, for the "see all" quick reply under a passage answer.
INTENT_OF_TOPIC = {
    "overview": "ask_job_overview", "tasks": "ask_tasks", "career_paths": "ask_career_paths",
    "workplaces": "ask_workplaces", "education": "ask_education", "skills": "ask_skills",
    "job_titles": "ask_job_titles",
}
# The quick reply that shows a whole topic where its overview shows only a part of it.
ALL_OF_TOPIC = {"tasks": '/ask_tasks{"show_all":"ja"}'}
RESPONSE_OF_KIND = {
    "passage": "utter_answer_passage", "yes": "utter_answer_passage_yes",
    "soft": "utter_answer_passage_soft", "route": "utter_answer_route",
    "compare": "utter_answer_compare", "not_covered": "utter_answer_not_covered",
}


def response_text(domain, name: str) -> Optional[str]:
    variations = ((domain or {}).get("responses") or {}).get(name) or []
    return variations[0].get("text") if variations else None


def passage_answer(tracker: Tracker) -> Optional[Answer]:
    """The passage(s) answering the latest message, or None for the topic's overview."""
    return answerer(job_slug()).answer(
        tracker.latest_message.get("text") or "",
        (tracker.latest_message.get("intent") or {}).get("name") or "",
        latest_entity(tracker, "career_role"),
    )


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
    if answer.kind == "not_covered":
        message["channels"] = contact_channels(store, slug)
        return message
    more = INTENT_OF_TOPIC.get(answer.topic or "")
    title = more and response_text(domain, f"utter_more_{answer.topic}")
    if title:
        message["buttons"] = [{"title": title, "payload": ALL_OF_TOPIC.get(answer.topic, f"/{more}")}]
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
    dispatcher.utter_message(**{"source": source, **message})
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

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain) -> List[Dict]:
        store, slug = knowledge(), job_slug()
        try:
            answer = passage_answer(tracker)
            messages = ([passage_message(answer, store, slug, domain)] if answer
                        else self.messages(store, slug, tracker))
            source = source_line(store.source(slug))
        except (SQLAlchemyError, UnknownJob):
            logger.exception("knowledge store unavailable for %s", self.name())
            dispatcher.utter_message(response="utter_unavailable")
            return []
        for message in messages:
            dispatcher.utter_message(**{"source": source, **message})
        return []


def listing(lead: str, items: List[str]) -> Message:
    return {"response": "utter_answer_list", "lead": lead, "items": bullets(items)}


# An overview's own words from the store (lead and list), so that with its response's words and the
# source line it fits one chat bubble (450 characters); the rest is one quick reply away.
OVERVIEW_CHARS = 340


def fitting(lead: str, items: List[str], limit: int = OVERVIEW_CHARS) -> List[str]:
    """The first items that fit under `lead` in `limit` characters, at least one."""
    shown: List[str] = []
    for item in items:
        if shown and len(lead) + len(bullets(shown + [item])) + 1 > limit:
            break
        shown.append(item)
    return shown


class AnswerOverview(StoreAnswer):
    action_name = "action_answer_overview"

    def messages(self, store, slug, tracker):
        # The article's summary and the opening of "Om jobbet"; the response's quick replies lead
        # to the rest, and its headed parts are one question away.
        opening = [p for s in store.overview(slug) if not s.heading for p in s.paragraphs]
        return [{"response": "utter_answer_overview",
                 "summary": "\n".join([store.job(slug).summary] + opening)}]


class AnswerTasks(StoreAnswer):
    action_name = "action_answer_tasks"

    def messages(self, store, slug, tracker):
        tasks = store.tasks(slug)
        # The sentence that introduces the list is enough of a lead in a chat window.
        lead = tasks.lead[-1] if tasks.lead else ""
        shown = tasks.items if latest_entity(tracker, "show_all") else fitting(lead, tasks.items)
        if len(shown) == len(tasks.items):
            return [listing(lead, shown)]
        return [{**listing(lead, shown), "response": "utter_answer_tasks_first"}]


class AnswerSkills(StoreAnswer):
    action_name = "action_answer_skills"

    def messages(self, store, slug, tracker):
        skills = store.skills(slug)
        return [listing("\n".join(skills.lead), skills.items)]


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
        # The sentence that introduces the list is lead enough; the rest is one question away.
        lead = [p for p in careers.lead if p.endswith(":")] or careers.lead[:1]
        return [{
            "response": "utter_answer_career_paths",
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
                names = [f"{s.name} ({s.examples})" if s.examples else s.name for s in sectors]
                return [{"response": "utter_answer_sector", "sectors": enumerate_da(names)}]
        workplaces = store.workplaces(slug)
        # The sectors' names; their examples are one question away ("arbejder ledere i banker?").
        return [listing("\n".join(workplaces.lead), [s.name for s in workplaces.items])]


class AnswerEducation(StoreAnswer):
    action_name = "action_answer_education"

    def messages(self, store, slug, tracker):
        education = store.education(slug)
        query = latest_entity(tracker, "education")
        routes = store.find_education(slug, query) if query else []
        if routes:
            return [{"response": "utter_answer_education_route", "routes": enumerate_da(routes),
                     "requirements": education.entry_requirements or ""}]
        # The passage the section's heading points at, and a quick reply per route that tells its
        # entry requirements.
        lead = answerer(slug).topic_lead("education")
        buttons = [{"title": route[:1].upper() + route[1:],
                    "payload": f'/ask_education{{"education":"{route}"}}'} for route in education.routes]
        return [{"response": "utter_answer_education", "lead": lead.text if lead else "",
                 "buttons": buttons}]


class AnswerFurtherEducation(StoreAnswer):
    action_name = "action_answer_further_education"

    def messages(self, store, slug, tracker):
        return [{"response": "utter_answer_text", "body": "\n".join(store.further_education(slug))}]


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


class AnswerOtherJob(StoreAnswer):
    action_name = "action_answer_other_job"

    def messages(self, store, slug, tracker):
        return [{"response": "utter_other_job",
                 "channels": contact_channels(store, slug)}]


def first_sentence(paragraphs: List[str]) -> str:
    text = paragraphs[0] if paragraphs else ""
    end = text.find(". ")
    return text if end < 0 else text[: end + 1]
