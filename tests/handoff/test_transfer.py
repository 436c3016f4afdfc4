"""Handing a case to a colleague who is available (real database, RasaPeer for Rasa)."""
import pytest

from bot.handoff import protocol
from bot.handoff.counsellors import Counsellors
from bot.handoff.queue import CaseClaimedByOther, CaseNotClaimed
from bot.handoff.console_logins import ConsoleSessions
from bot.web import texts
from tests.handoff.support import FAST_HASHER
from tests.handoff.test_console import PASSWORD, console, csrf_of, login, run, setup_data


def test_only_the_counsellor_who_has_the_case_can_give_it_away(queue):
    case = queue.open_case("conv-1")
    with pytest.raises(CaseNotClaimed):
        queue.transfer(case.id, "anne", "bo")
    queue.claim(case.id, "anne")
    with pytest.raises(CaseClaimedByOther):
        queue.transfer(case.id, "carl", "bo")
    with pytest.raises(ValueError):
        queue.transfer(case.id, "anne", "anne")
    moved = queue.transfer(case.id, "anne", "bo")
    assert moved.claimed_by == "bo" and moved.status == "active"
    assert [(e.kind, e.sender, e.text) for e in queue.events(case.id)][-1] == ("transferred", "anne", "bo")
    with pytest.raises(CaseClaimedByOther):
        queue.transfer(case.id, "anne", "bo")  # twice: it is bo's now


def test_a_case_goes_to_an_available_colleague_and_the_visitor_is_told(database_url, session_factory):
    queue, case, _ = setup_data(session_factory)
    carl = Counsellors(session_factory, FAST_HASHER).add("carl", PASSWORD, "Carl Holm")
    queue.claim(case.id, "anne")
    sessions = ConsoleSessions(session_factory)

    async def scenario():
        async with console(database_url, session_factory) as (client, peer):
            await login(client)
            csrf = await csrf_of(client)
            transfer = f"/console/cases/{case.id}/transfer"
            page = await (await client.get(f"/console/cases/{case.id}")).text()
            assert '<p id="ingen-kolleger" >Ingen kolleger er ledige lige nu.</p>' in page
            for colleague in ["carl", "anne", "ukendt", "<b>x</b>" * 1000]:  # none available
                refused = await client.post(transfer, data={"csrf_token": csrf, "colleague": colleague})
                assert refused.status == 409 and texts.COLLEAGUE_NOT_AVAILABLE in await refused.text()
            sessions.create(carl)  # Carl opens his console
            page = await (await client.get(f"/console/cases/{case.id}")).text()
            assert '<option value="carl">Carl Holm (carl)</option>' in page
            assert '<p id="ingen-kolleger" hidden>' in page  # console.js shows it if Carl leaves
            missing = await client.post("/console/cases/999/transfer", data={"csrf_token": csrf, "colleague": "carl"})
            assert missing.status == 404
            assert (await client.post(transfer, data={"colleague": "carl"})).status == 403  # no CSRF token

            moved = await client.post(transfer, data={"csrf_token": csrf, "colleague": "carl"},
                                      allow_redirects=False)
            assert moved.status == 303
            assert moved.headers["Location"] == f"/console/cases/{case.id}?besked=overdraget"
            assert peer.posts[-1][2] == [{"event": "pause"},
                                         protocol.status_event("joined", counsellor="Carl Holm")]
            page = await (await client.get(moved.headers["Location"])).text()
            assert texts.TRANSFERRED in page and "Send besked" not in page
            again = await client.post(transfer, data={"csrf_token": csrf, "colleague": "carl"})
            assert again.status == 409
        assert queue.get(case.id).claimed_by == "carl"

    run(scenario)


def test_rasa_down_keeps_the_case_with_its_counsellor(database_url, session_factory):
    queue, case, _ = setup_data(session_factory)
    queue.claim(case.id, "anne")
    bo = Counsellors(session_factory, FAST_HASHER).verify("bo", PASSWORD)
    ConsoleSessions(session_factory).create(bo)  # bo is there

    async def scenario():
        async with console(database_url, session_factory, rasa_up=False) as (client, _):
            await login(client)
            csrf = await csrf_of(client)
            response = await client.post(f"/console/cases/{case.id}/transfer",
                                         data={"csrf_token": csrf, "colleague": "bo"})
            assert response.status == 503 and texts.RASA_DOWN in await response.text()
        assert queue.get(case.id).claimed_by == "anne"

    run(scenario)
