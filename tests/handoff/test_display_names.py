"""Display names: `counsellors add NAME --display-name "Mette"`; visitors see "Mette", never the
login name, in the claim status, in the counsellor's messages and in the widget's history."""
import io

import pytest

from bot.handoff import protocol
from bot.handoff.protocol import COUNSELLOR_METADATA_KEY
from bot.handoff.queue import HandoffQueue
from bot.session_secret import session_secret
from tests.handoff.test_console import PASSWORD, console, csrf_of, login, run

SESSION = "a" * 32  # a session id the visitor API accepts


def test_the_cli_adds_a_display_name_and_lists_it(counsellors, database_url, monkeypatch, capsys):
    from bot.__main__ import main

    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))
    assert main(["counsellors", "add", "mette", "--display-name", " Mette ", "--password-stdin"]) == 0
    counsellors.add("bo", PASSWORD)
    assert counsellors.display_names() == {"mette": "Mette", "bo": "bo"}
    capsys.readouterr()
    assert main(["counsellors", "list"]) == 0
    assert capsys.readouterr().out.splitlines() == ["bo", "mette (Mette)"]
    for bad in ["", " ", "x" * 101, "Met\nte"]:
        with pytest.raises(ValueError):
            counsellors.add(f"ny-{len(bad)}", PASSWORD, bad)


def test_visitors_see_the_display_name_never_the_login_name(database_url, session_factory, counsellors):
    counsellors.add("mette", PASSWORD, "Mette Sørensen")
    queue = HandoffQueue(session_factory)
    case = queue.open_case(SESSION, ["ask_salary"])

    async def scenario():
        async with console(database_url, session_factory) as (client, peer):
            await login(client, "mette")
            assert "besøgende ser dig som <strong>Mette Sørensen</strong>" in await (await client.get("/console")).text()
            csrf = await csrf_of(client)
            await client.post(f"/console/cases/{case.id}/claim", data={"csrf_token": csrf})
            assert peer.posts[-1][2][-1] == protocol.status_event("joined", counsellor="Mette Sørensen")
            await client.post(f"/console/api/cases/{case.id}/messages", data={"csrf_token": csrf, "text": "Hej"})
            assert peer.posts[-1][2][0]["metadata"] == {COUNSELLOR_METADATA_KEY: "Mette Sørensen"}
            history = await (await client.get(f"/api/visitor/{SESSION}/history",
                                                headers={protocol.SESSION_SECRET_HEADER: session_secret(SESSION)})).json()
            assert history["handoff"] == {"status": "joined", "counsellor": "Mette Sørensen"}
            assert history["messages"][-1]["counsellor"] == "Mette Sørensen"
            assert "mette" not in str(peer.posts)
        assert queue.get(case.id).claimed_by == "mette"  # the record keeps the login name

    run(scenario)
