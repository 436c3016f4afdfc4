"""Numbers in the console's addresses written with other digits than 0-9: a 400, never a 500.

`str.isdigit()` and the routes' `\\d` accept any script's digits; `int()` refuses "²" and reads
"٣" (Arabic-Indic three) as 3."""
from bot.web import texts
from tests.handoff.test_console import console, login, run, setup_data


def test_unicode_digits_in_ids_and_parameters_are_a_bad_request(database_url, session_factory):
    setup_data(session_factory)

    async def scenario():
        async with console(database_url, session_factory) as (client, _):
            await login(client)
            for digits in ("²", "٣", "1²"):
                response = await client.get(f"/console/api/events?sag={digits}")
                assert response.status == 400, digits
                assert (await response.json())["error"] == texts.BAD_NUMBER
                response = await client.get(f"/console/afsluttede?side={digits}")
                assert response.status == 400, digits
                assert texts.BAD_NUMBER in await response.text()
            # The routes' ids match ASCII digits only (aiohttp matches the encoded path): no such page.
            for path in ("/console/cases/٣", "/console/cases/²", "/console/api/cases/١/transcript"):
                response = await client.get(path)
                assert response.status == 404, path
            assert (await client.get("/console/afsluttede?side=1")).status == 200

    run(scenario)
