import secrets

import pytest

from bot.launch.commands import MODEL
from tests.e2e.people import Counsellor
from tests.e2e.stack import DEFAULT_TIMING, prepared_stack
from tests.schedules import ALWAYS_OPEN, open_tomorrow_only


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """The action server, Rasa and the web server, with a counsellor-ready database.

    The opening hours file is re-read on every hand-off request, so tests can close it."""
    if not MODEL.exists():
        pytest.fail(f"{MODEL} is missing: run `make train` (make test does it)")
    running = prepared_stack(tmp_path_factory.mktemp("stack"))
    try:
        running.start_actions()
        running.start_rasa()
        running.start_web()
        yield running
    finally:
        running.stop_all()


@pytest.fixture(scope="session")
def counsellor(stack):
    """A counsellor signed in to the console: someone is online for hand-offs."""
    password = secrets.token_urlsafe(12)
    stack.add_counsellor("anna", password)
    return Counsellor(stack.web_url, "anna", password)


@pytest.fixture
def closed_hours(stack):
    path = stack.workdir / "opening_hours.yml"
    path.write_text(open_tomorrow_only())
    yield
    path.write_text(ALWAYS_OPEN)


@pytest.fixture
def short_waits(stack):
    """A visitor without a connection for 3 s has left; a queue offers a callback after 6 s."""
    path = stack.workdir / "handoff.yml"
    path.write_text("offer_callback_after_minutes: 0.1\nvisitor_gone_after_seconds: 3\n")
    yield
    path.write_text(DEFAULT_TIMING)
