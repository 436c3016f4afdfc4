"""POST /api/visitor/{id}/feedback: a rating becomes a `feedback` slot event in the tracker
(RasaPeer keeps the events like Rasa's API), once per answer, one comment after a thumbs down."""
import asyncio

from bot.handoff.protocol import SESSION_SECRET_HEADER
from bot.session_secret import session_secret
from tests.handoff.support import web_app

SESSION = "0123456789abcdef0123456789abcdef"
OWNER = {SESSION_SECRET_HEADER: session_secret(SESSION)}
URL = f"/api/visitor/{SESSION}/feedback"


def run(database_url, session_factory, scenario, rasa_up=True):
    async def main():
        async with web_app(database_url, session_factory, rasa_up, OWNER) as (client, peer, _url):
            peer.events[SESSION] = [{"event": "user", "text": "hvad tjener en leder",
                                     "metadata": {"evejleder_ref": "aa11bb22cc33dd44"}}]
            await scenario(client, peer)
    asyncio.run(main())


def feedback_events(peer):
    return [e["value"] for e in peer.events[SESSION] if e.get("event") == "slot"]


def test_a_rating_and_a_comment_reach_the_tracker_once(database_url, session_factory):
    async def scenario(client, peer):
        response = await client.post(URL, data='{"ref": "aa11bb22cc33dd44", "rating": "down"}')
        assert response.status == 200
        assert peer.posts[-1][1].get("execute_side_effects") is None  # nothing shown to the visitor
        again = await client.post(URL, data='{"ref": "aa11bb22cc33dd44", "rating": "up"}')
        assert again.status == 409 and "allerede" in (await again.json())["error"]
        comment = await client.post(URL, data='{"ref": "aa11bb22cc33dd44", "rating": "down", "comment": "for kort"}')
        assert comment.status == 200
        second = await client.post(URL, data='{"ref": "aa11bb22cc33dd44", "rating": "down", "comment": "igen"}')
        assert second.status == 409
        assert feedback_events(peer) == [{"ref": "aa11bb22cc33dd44", "rating": "down"},
                                         {"ref": "aa11bb22cc33dd44", "rating": "down", "comment": "for kort"}]
    run(database_url, session_factory, scenario)


def test_bad_feedback_gets_a_danish_refusal(database_url, session_factory):
    async def scenario(client, peer):
        cases = [
            (URL, "{not json", 400), (URL, '["up"]', 400), (URL, '{"ref": "aa11bb22cc33dd44", "rating": "meh"}', 400),
            (URL, '{"ref": "<b>", "rating": "up"}', 400),
            (URL, '{"ref": "aa11bb22cc33dd44", "rating": "down", "comment": "' + "x" * 600 + '"}', 400),
            (URL, "x" * 10000, 413), (URL, b"\xff\xfe", 400),
            (URL, '{"ref": "ffffffffffffffff", "rating": "up"}', 404),
            ("/api/visitor/not-a-session/feedback", '{"ref": "aa11bb22cc33dd44", "rating": "up"}', 400),
        ]
        for url, body, status in cases:
            response = await client.post(url, data=body)
            assert response.status == status, body[:40]
            assert (await response.json())["error"]
        assert feedback_events(peer) == []
    run(database_url, session_factory, scenario)


def test_feedback_while_rasa_is_down_is_a_polite_503(database_url, session_factory):
    async def scenario(client, peer):
        response = await client.post(URL, data='{"ref": "aa11bb22cc33dd44", "rating": "up"}')
        assert response.status == 503 and (await response.json())["error"]
    run(database_url, session_factory, scenario, rasa_up=False)


def test_parallel_ratings_of_one_answer_store_one(database_url, session_factory):
    """Requests that read the tracker at the same time: only one rating (and one comment) is kept."""
    async def scenario(client, peer):
        ratings = await asyncio.gather(*[
            client.post(URL, data='{"ref": "aa11bb22cc33dd44", "rating": "%s"}' % rating)
            for rating in ("up", "down", "up", "down", "down")])
        assert sorted(response.status for response in ratings) == [200, 409, 409, 409, 409]
        assert len(feedback_events(peer)) == 1
        if feedback_events(peer)[0]["rating"] == "down":
            comments = await asyncio.gather(*[
                client.post(URL, data='{"ref": "aa11bb22cc33dd44", "rating": "down", "comment": "%s"}' % text)
                for text in ("for kort", "uklart", "forkert")])
            assert sorted(response.status for response in comments) == [200, 409, 409]
            assert len(feedback_events(peer)) == 2
    run(database_url, session_factory, scenario)


def test_parallel_comments_after_a_thumbs_down_store_one(database_url, session_factory):
    async def scenario(client, peer):
        assert (await client.post(URL, data='{"ref": "aa11bb22cc33dd44", "rating": "down"}')).status == 200
        comments = await asyncio.gather(*[
            client.post(URL, data='{"ref": "aa11bb22cc33dd44", "rating": "down", "comment": "%s"}' % text)
            for text in ("for kort", "uklart", "forkert")])
        assert sorted(response.status for response in comments) == [200, 409, 409]
        assert [event.get("comment") is not None for event in feedback_events(peer)] == [False, True]
    run(database_url, session_factory, scenario)


def test_rating_claims_go_with_the_retention_purge(database_url, session_factory):
    import datetime as dt

    from bot.insight.models import COMMENT, RATING
    from bot.insight.ratings import AnswerRatings

    ratings = AnswerRatings(session_factory)
    assert ratings.claim(SESSION, "aa11bb22cc33dd44", [RATING, COMMENT])
    assert not ratings.claim(SESSION, "aa11bb22cc33dd44", [RATING])
    assert ratings.purge(dt.timedelta(days=30)) == 0
    assert ratings.purge(dt.timedelta(0)) == 2
    assert ratings.claim(SESSION, "aa11bb22cc33dd44", [RATING])


def test_feedback_is_rate_limited_per_address_in_danish(database_url, session_factory):
    from bot.web.rate_limits import FEEDBACK
    from bot.web.texts import VISITOR_TOO_MANY

    async def scenario(client, peer):
        flood = {"X-Forwarded-For": "203.0.113.9"}
        statuses = [(await client.post(URL, data='{"ref": "aa11bb22cc33dd44", "rating": "up"}', headers=flood)).status
                    for _ in range(FEEDBACK.amount)]
        assert statuses == [200] + [409] * (FEEDBACK.amount - 1)
        refused = await client.post(URL, data='{"ref": "aa11bb22cc33dd44", "rating": "up"}', headers=flood)
        assert refused.status == 429 and (await refused.json())["error"] == VISITOR_TOO_MANY
        other = await client.post(URL, data='{"ref": "aa11bb22cc33dd44", "rating": "up"}',
                                  headers={"X-Forwarded-For": "203.0.113.10"})
        assert other.status == 409  # another address is not limited (the answer is rated already)
    run(database_url, session_factory, scenario)
