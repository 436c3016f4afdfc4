"""Security headers on every route of the web server, and the console's login rate limit."""
import asyncio
import re

from bot.handoff.counsellors import Counsellors
from bot.web import texts
from bot.web.login_limit import PER_ADDRESS, PER_NAME
from tests.handoff.support import FAST_HASHER, web_app

PASSWORD = "en lang adgangskode"
CSRF_INPUT = re.compile(r'name="csrf_token" value="([^"]+)"')


def run(scenario):
    asyncio.run(scenario())


def check_headers(response, where):
    headers = response.headers
    csp = headers.get("Content-Security-Policy", "")
    directives = dict((part.strip().split(" ", 1) + [""])[:2] for part in csp.split(";") if part.strip())
    assert directives.get("default-src") == "'self'", (where, csp)
    script_src = directives.get("script-src", directives["default-src"])
    assert "'unsafe-inline'" not in script_src and "'unsafe-eval'" not in script_src, (where, csp)
    assert "unsafe-inline" not in csp, (where, csp)
    assert directives.get("frame-ancestors") == "'none'", (where, csp)
    assert directives.get("object-src") == "'none'" and directives.get("base-uri") == "'none'", where
    assert headers.get("X-Content-Type-Options") == "nosniff", where
    assert headers.get("X-Frame-Options") == "DENY", where
    assert headers.get("Referrer-Policy") == "no-referrer", where


async def login(client, name="anne", password=PASSWORD, **headers):
    page = await client.get("/console/login")
    token = CSRF_INPUT.search(await page.text()).group(1)
    return await client.post("/console/login", allow_redirects=False, headers=headers,
                             data={"csrf_token": token, "name": name, "password": password})


def concrete(path):
    return re.sub(r"\{id[^}]*\}", "1", path)


def test_every_route_and_error_page_has_the_security_headers(database_url, session_factory):
    Counsellors(session_factory, FAST_HASHER).add("anne", PASSWORD)

    async def scenario():
        async with web_app(database_url, session_factory) as (client, _, _):
            app = client.server.app
            routes = []
            for route in app.router.routes():
                info = route.resource.get_info()
                path = info.get("path") or info.get("formatter") or info.get("prefix")
                if route.method == "HEAD" or path is None:
                    continue
                if "prefix" in info and "path" not in info and "formatter" not in info:
                    path = path.rstrip("/") + "/"  # static: the directory, then a file below
                routes.append((route.method, concrete(path)))
            assert len(routes) >= 15  # the test must really walk the app
            extra = [("GET", "/static/widget/widget.js"), ("GET", "/static/console/console.js"),
                     ("GET", "/static/widget/findes-ikke.js"), ("GET", "/findes-ikke"),
                     ("DELETE", "/console/login"), ("GET", "/console/cases/99999999999")]
            for signed_in in (False, True):
                if signed_in:
                    assert (await login(client)).status == 303
                for method, path in routes + extra:
                    response = await client.request(method, path, allow_redirects=False)
                    check_headers(response, f"{method} {path} signed_in={signed_in} "
                                            f"-> {response.status}")

    run(scenario)


def test_the_article_page_loads_scripts_only_from_files(database_url, session_factory):
    async def scenario():
        async with web_app(database_url, session_factory) as (client, _, rasa_url):
            response = await client.get("/")
            html = await response.text()
            check_headers(response, "/")
            assert re.findall(r"<script\b[^>]*>", html)
            assert all("src=" in tag for tag in re.findall(r"<script\b[^>]*>", html))
            assert not re.search(r"\son[a-z]+\s*=", html)
            assert not re.search(r"javascript:", html, re.I)
            assert rasa_url.split("//")[1] in response.headers["Content-Security-Policy"]

    run(scenario)


def test_successful_logins_do_not_count_against_the_name(database_url, session_factory):
    Counsellors(session_factory, FAST_HASHER).add("anne", PASSWORD)

    async def scenario():
        async with web_app(database_url, session_factory) as (client, _, _):
            statuses = []
            for _ in range(PER_NAME.amount * 3):
                statuses.append((await login(client)).status)
                client.session.cookie_jar.clear()  # signed out again
            assert statuses == [303] * (PER_NAME.amount * 3)
            assert [(await login(client, password="forkert")).status
                    for _ in range(PER_NAME.amount)] == [401] * PER_NAME.amount

    run(scenario)


def test_the_login_counts_keep_a_hash_of_the_typed_name_never_the_text():
    from bot.ratelimit import SharedLimits
    from bot.web.login_limit import LoginLimit

    shared = SharedLimits()
    limit = LoginLimit(shared)
    assert asyncio.run(limit.allows("127.0.0.1", "203.0.113.5", "Mit Hemmelige Kodeord"))
    keys = " ".join(shared.storage.events)
    assert "203.0.113.5" in keys and "login-name" in keys  # the test looks in the right place
    assert "hemmelige" not in keys.casefold()


def test_a_right_password_clears_the_names_count_and_the_address_keeps_every_attempt(monkeypatch):
    from types import SimpleNamespace

    import limits.storage.memory

    from bot.ratelimit import SharedLimits
    from bot.web.login_limit import LoginLimit

    now = SimpleNamespace(value=1000.0)  # the memory storage's clock, moved by hand
    monkeypatch.setattr(limits.storage.memory, "time", SimpleNamespace(time=lambda: now.value))
    limit = LoginLimit(SharedLimits())
    who = ("127.0.0.1", "203.0.113.5")

    async def scenario():
        assert all([await limit.allows(*who, "anne") for _ in range(PER_NAME.amount)])
        assert not await limit.allows(*who, "anne")  # refused by the name: not counted on the address
        await limit.succeeded(*who, "anne")
        assert await limit.allows(*who, "anne")
        left = PER_ADDRESS.amount - PER_NAME.amount - 1
        assert all([await limit.allows(*who, f"navn{i}") for i in range(left)])
        assert not await limit.allows(*who, "bo")
        now.value += PER_ADDRESS.get_expiry() + 1  # the window has moved past every attempt
        assert await limit.allows(*who, "bo")

    asyncio.run(scenario())


def test_failed_logins_from_elsewhere_do_not_lock_a_counsellor_out(database_url, session_factory):
    Counsellors(session_factory, FAST_HASHER).add("anne", PASSWORD)

    async def scenario():
        async with web_app(database_url, session_factory) as (client, _, _):
            attacker = {"X-Forwarded-For": "203.0.113.66"}
            for _ in range(PER_NAME.amount):
                await login(client, password="forkert", **attacker)
            assert (await login(client, **attacker)).status == 429
            assert (await login(client, **{"X-Forwarded-For": "203.0.113.7"})).status == 303

    run(scenario)


def test_console_login_is_limited_per_name_in_danish(database_url, session_factory):
    Counsellors(session_factory, FAST_HASHER).add("anne", PASSWORD)

    async def scenario():
        async with web_app(database_url, session_factory) as (client, _, _):
            statuses = [(await login(client, password="forkert")).status for _ in range(PER_NAME.amount)]
            assert statuses == [401] * PER_NAME.amount
            throttled = await login(client)  # even the right password waits now
            assert throttled.status == 429
            assert texts.LOGIN_THROTTLED in await throttled.text()
            check_headers(throttled, "429")
            assert (await login(client, name="  ANNE ")).status == 429  # same name, other spelling
            assert (await login(client, name="bo", password="forkert")).status == 401

    run(scenario)


def test_guesses_on_one_name_from_many_addresses_wait_longer_but_never_lock_out(
        database_url, session_factory, monkeypatch):
    from bot.web import login_limit

    Counsellors(session_factory, FAST_HASHER).add("anne", PASSWORD)
    waits = []

    async def recorded_sleep(seconds):
        waits.append(seconds)

    monkeypatch.setattr(login_limit, "sleep", recorded_sleep)

    async def scenario():
        async with web_app(database_url, session_factory) as (client, _, _):
            guesses = 8
            for i in range(guesses):  # each from its own address: no per-address limit applies
                response = await login(client, password=f"gæt{i}", **{"X-Forwarded-For": f"198.51.100.{i}"})
                assert response.status == 401
            assert len(waits) == guesses - login_limit.FREE_FAILURES
            assert waits == sorted(waits) and waits[0] < waits[-1]
            # The counsellor herself waits too, but is let in: a delay, never a lock-out.
            assert (await login(client, **{"X-Forwarded-For": "192.0.2.7"})).status == 303
            assert waits[-1] >= waits[-2]
            count = len(waits)
            client.session.cookie_jar.clear()  # signed out again
            # Signing in ends the run of failures: the next attempt does not wait.
            assert (await login(client, password="forkert", **{"X-Forwarded-For": "198.51.100.99"})).status == 401
            assert len(waits) == count
            # Another name is not slowed down by guesses on "anne".
            assert (await login(client, name="bo", password="x", **{"X-Forwarded-For": "198.51.100.98"})).status == 401
            assert len(waits) == count

    run(scenario)


def test_console_login_is_limited_per_address_behind_the_local_proxy(database_url, session_factory):
    Counsellors(session_factory, FAST_HASHER).add("anne", PASSWORD)

    async def scenario():
        async with web_app(database_url, session_factory) as (client, _, _):
            proxy = {"X-Forwarded-For": "203.0.113.50"}
            statuses = [(await login(client, name=f"gæt{i}", password="x", **proxy)).status
                        for i in range(PER_ADDRESS.amount)]
            assert statuses == [401] * PER_ADDRESS.amount
            assert (await login(client, **proxy)).status == 429
            # Another visitor's address (as nginx reports it) is not affected.
            assert (await login(client, **{"X-Forwarded-For": "203.0.113.51"})).status == 303

    run(scenario)


def test_password_checks_run_off_the_event_loop(database_url, session_factory, monkeypatch):
    """argon2 costs ~150 ms of CPU: on the event loop it would stall every other request."""
    import threading

    from bot.handoff.counsellors import Counsellors as Accounts

    Counsellors(session_factory, FAST_HASHER).add("anne", PASSWORD)
    threads = []
    verify = Accounts.verify

    def recording_verify(self, name, password):
        threads.append(threading.current_thread())
        return verify(self, name, password)

    monkeypatch.setattr(Accounts, "verify", recording_verify)

    async def scenario():
        async with web_app(database_url, session_factory) as (client, _, _):
            assert (await login(client)).status == 303
            assert threads and threading.current_thread() not in threads

    run(scenario)


QUERIED_PATHS = [
    "/console/api/events?sag=1",
    "/console/api/events?sag=999999",
    "/console/afsluttede?q=leder&fra=2026-01-01&til=2026-12-31&side=2",
    "/console/indsigt?dage=7&besked=ukendt-emne",
    "/console/api/insight?days=7",
    "/console/indsigt.csv?dage=30",
    "/console?besked=x",
    "/console/svar?besked=gemt",
]


def test_no_route_touches_the_database_on_the_event_loop(database_url, session_factory):
    """A slow query on the event loop would stall every other request: each route, signed in,
    does its database work in a worker thread."""
    import threading

    from bot.handoff.queue import HandoffQueue

    Counsellors(session_factory, FAST_HASHER).add("anne", PASSWORD)
    queue = HandoffQueue(session_factory)
    queue.open_case("0123456789abcdef0123456789abcdef", ["ask_salary"])
    queue.add_callback(conversation_id=None, contact="+45 23 45 67 89", kind="phone",
                       question="Hvad tjener en leder?", preferred_time=None, consent=True)
    on_the_loop = []

    def recording_factory():
        if threading.current_thread() is threading.main_thread():  # asyncio.run's loop runs here
            on_the_loop.append(threading.current_thread())
        return session_factory()

    async def scenario():
        async with web_app(database_url, recording_factory) as (client, _, _):
            assert (await login(client)).status == 303
            csrf = CSRF_INPUT.search(await (await client.get("/console")).text()).group(1)
            routes = sorted({(route.method, concrete(route.resource.canonical))
                             for route in client.server.app.router.routes()
                             if route.method in ("GET", "POST") and "{" not in concrete(route.resource.canonical)},
                            key=lambda route: route[1] == "/console/logout")  # signing out comes last
            assert len(routes) >= 15
            form = {"csrf_token": csrf, "text": "Hej", "note": "", "paused": "0", "label": "ask_salary", "id": "1"}
            failed = []
            # Routes that read their query string take other paths through their code.
            queried = [("GET", path) for path in QUERIED_PATHS]
            for method, path in queried + routes:
                response = await client.request(method, path, data=form if method == "POST" else None,
                                                allow_redirects=False)
                if response.headers.get("Content-Type", "").startswith("text/event-stream"):
                    await response.content.readuntil(b"\n\n")  # the first look has been made
                if response.status >= 500:
                    failed.append((method, path, response.status))
                response.close()
            assert failed == []
            assert on_the_loop == [], "a route ran database work on the event loop"

    run(scenario)
