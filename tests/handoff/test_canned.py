"""Canned replies: the store's rules, and the console page that manages them (real database)."""
import pytest

from bot.handoff.canned import CannedReplies, CannedReplyNotFound, InvalidCannedReply
from bot.web import texts
from tests.handoff.test_console import console, csrf_of, login, run, setup_data


def test_placeholders_are_filled_and_unknown_ones_refused(session_factory):
    replies = CannedReplies(session_factory)
    reply = replies.add(" Hilsen ", "Hej, jeg hedder {navn} og ved noget om jobbet som {job}.", "anne")
    assert reply.title == "Hilsen"
    assert reply.filled({"navn": "Mette", "job": "leder"}) == \
        "Hej, jeg hedder Mette og ved noget om jobbet som leder."
    with pytest.raises(InvalidCannedReply) as refused:
        replies.add("Tast", "Hej {nvan}, {job} og {}", "anne")
    assert refused.value.unknown == ("", "nvan")
    for title, text in [("", "tekst"), ("titel", "  "), ("x" * 81, "tekst"), ("titel", "x" * 2001)]:
        with pytest.raises(InvalidCannedReply):
            replies.add(title, text, "anne")
    replies.update(reply.id, "Velkomst", "Hej!", "bo")
    assert [(r.title, r.text, r.updated_by) for r in replies.all()] == [("Velkomst", "Hej!", "bo")]
    replies.delete(reply.id)
    assert replies.all() == []
    with pytest.raises(CannedReplyNotFound):
        replies.delete(reply.id)


def test_counsellors_manage_canned_replies_in_the_console(database_url, session_factory):
    queue, case, _ = setup_data(session_factory)
    queue.claim(case.id, "anne")

    async def scenario():
        async with console(database_url, session_factory) as (client, _):
            await login(client)
            csrf = await csrf_of(client)
            added = await client.post("/console/svar", data={
                "csrf_token": csrf, "title": "<b>Hilsen</b>", "text": "Hej, jeg hedder {navn}. Om {job}?"})
            assert added.status == 200 and texts.CANNED_NOTICES["tilfoejet"] in await added.text()
            page = await added.text()
            assert "&lt;b&gt;Hilsen&lt;/b&gt;" in page and "<b>Hilsen</b>" not in page
            reply = CannedReplies(session_factory).all()[0]

            # Offered on the case, filled in for the counsellor (the article is not ingested here,
            # so {job} falls back to the job's slug).
            case_page = await (await client.get(f"/console/cases/{case.id}")).text()
            assert 'data-text="Hej, jeg hedder anne. Om leder?"' in case_page

            refused = await client.post(f"/console/svar/{reply.id}", data={
                "csrf_token": csrf, "title": "Hilsen", "text": "Hej {kunde}"})
            assert refused.status == 400
            body = await refused.text()
            assert "Ukendt pladsholder: {kunde}. Du kan bruge {navn}, {job}." in body
            assert "Hej {kunde}" in body  # what was typed is kept for correcting
            for data in [{"title": "", "text": "x"}, {"title": "x", "text": "y" * 2001}]:
                response = await client.post("/console/svar", data=dict(data, csrf_token=csrf))
                assert response.status == 400
            no_csrf = await client.post(f"/console/svar/{reply.id}/slet", data={})
            assert no_csrf.status == 403
            for path in ["/console/svar/999", "/console/svar/999/slet"]:
                missing = await client.post(path, data={"csrf_token": csrf, "title": "a", "text": "b"})
                assert missing.status == 404 and texts.NOT_FOUND in await missing.text()

            edited = await client.post(f"/console/svar/{reply.id}", data={
                "csrf_token": csrf, "title": "Hilsen", "text": "Goddag fra {navn}."})
            assert texts.CANNED_NOTICES["gemt"] in await edited.text()
            deleted = await client.post(f"/console/svar/{reply.id}/slet", data={"csrf_token": csrf})
            assert texts.CANNED_NOTICES["slettet"] in await deleted.text()
            assert CannedReplies(session_factory).all() == []
        anonymous = await _anonymous_get(database_url, session_factory)
        assert anonymous == 303

    run(scenario)


async def _anonymous_get(database_url, session_factory):
    async with console(database_url, session_factory) as (client, _):
        return (await client.get("/console/svar", allow_redirects=False)).status

