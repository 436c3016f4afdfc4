"""The console's page for a visitor's rights, through the real app, database and a tracker store
written by Rasa's own SQLTrackerStore: find by phone, export JSON, delete, and the access log."""
import json

from sqlalchemy import text

from bot.handoff.queue import HandoffQueue
from bot.privacy.access_log import AccessLog
from tests.handoff.test_console import console, csrf_of, login, run, setup_data
from tests.privacy.test_data_requests import tracker, tracker_url  # noqa: F401 (fixtures)


def senders(tracker):  # noqa: F811
    with tracker.connect() as connection:
        return set(connection.execute(text("SELECT DISTINCT sender_id FROM events")).scalars())


def test_a_counsellor_finds_exports_and_deletes_a_visitors_data(database_url, session_factory,
                                                                tracker_url, tracker, monkeypatch):  # noqa: F811
    monkeypatch.setenv("TRACKER_DATABASE_URL", tracker_url)
    setup_data(session_factory)
    queue = HandoffQueue(session_factory)
    case = queue.open_case("ida-session", ["løn"])
    queue.add_callback("ida-session", "+45 20 30 40 50", "phone", "Ring om lønnen", None, True)

    async def scenario():
        async with console(database_url, session_factory) as (client, _):
            refused = await client.get("/console/personoplysninger", allow_redirects=False)
            assert refused.status == 303, "signed-in counsellors only"
            await login(client)
            assert (await client.get(f"/console/cases/{case.id}")).status == 200

            page = await client.get("/console/personoplysninger", params={"hvem": "20 30 40 50"})
            body = await page.text()
            assert page.status == 200 and "<code>ida-session</code>" in body
            assert "Slet alt om telefonnummer +45 20 30 40 50" in body

            export = await client.get("/console/personoplysninger.json", params={"hvem": "20304050"})
            assert export.status == 200 and "attachment" in export.headers["Content-Disposition"]
            data = json.loads(await export.text())
            assert data["samtaler"] == ["ida-session"] and data["fejl"] == []
            assert "ring til mig på 20 30 40 50 om lønnen" in json.dumps(data, ensure_ascii=False)

            for bad in ["   ", "<script>alert(1)</script>", "x" * 300]:
                response = await client.get("/console/personoplysninger", params={"hvem": bad})
                assert response.status == 400 and 'id="fejl"' in await response.text()
                assert "<script>alert(1)</script>" not in await response.text()
            unknown = await client.get("/console/personoplysninger", params={"hvem": "no-such-id"})
            assert "Ingen samtaler" in await unknown.text()

            csrf = await csrf_of(client)
            no_csrf = await client.post("/console/personoplysninger/slet", data={"hvem": "20304050"})
            assert no_csrf.status == 403 and "ida-session" in senders(tracker)
            deleted = await client.post("/console/personoplysninger/slet",
                                        data={"csrf_token": csrf, "hvem": "20304050"})
            body = await deleted.text()
            assert deleted.status == 200 and "Alt er slettet." in body
            empty = await client.post("/console/personoplysninger/slet", data={"csrf_token": csrf, "hvem": ""})
            assert empty.status == 400

    run(scenario)
    assert senders(tracker) == {"other-session"}, "gone from Rasa's tracker store"
    assert queue.case_for_conversation("ida-session") is None
    assert [c.conversation_id for c in queue.list_callbacks()] == ["conv-2"]
    log = [(row.actor, row.action, row.subject) for row in AccessLog(session_factory).recent()]
    assert ("anne", "view", f"case:{case.id}") in log
    assert ("anne", "export", "phone:+45 20 30 40 50") in log
    assert ("anne", "delete", "phone:+45 20 30 40 50") in log
