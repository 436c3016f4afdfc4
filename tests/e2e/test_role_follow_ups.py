"""Roles named in any Danish form, and follow-ups naming only the next role, through the REST
channel of the real Rasa and action server: each reply is that role's description from the article."""
import pytest

from bot.config import REPO_ROOT
from bot.knowledge.ingest import parse_article

LEDER = parse_article((REPO_ROOT / "data" / "articles" / "leder.txt").read_text(encoding="utf-8"))


def opening(role):
    """The first words of the role's description in the article."""
    path = next(p for p in LEDER.career_paths.paths if p.role.lower() == role)
    return " ".join(path.description.split()[:6])


def texts(replies):
    return "\n".join(r.get("text", "") for r in replies)


@pytest.mark.parametrize("sender, conversation", [
    ("visitor-roles-follow-up", [("hvad laver en direktør", "direktør"),
                                 ("og en områdechef?", "områdechef"),
                                 ("og en omraadechef?", "områdechef")]),
    ("visitor-roles-forms", [("hvad er direktørens ansvar", "direktør"),
                             ("hvad er en afdelingsleders ansvar", "afdelingsleder"),
                             ("hvad laver en generalsekretaer", "generalsekretær")]),
])
def test_each_role_question_gets_that_role_s_description(stack, sender, conversation):
    for message, role in conversation:
        answer = texts(stack.say(sender, message))
        assert opening(role) in answer, (message, answer)
        others = [p.role.lower() for p in LEDER.career_paths.paths if p.role.lower() != role]
        assert not any(opening(other) in answer for other in others), (message, answer)
