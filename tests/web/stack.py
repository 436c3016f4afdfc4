"""The real processes for the browser tests, driven from node over stdin/stdout.

    .venv/bin/python tests/web/stack.py

starts the action server, Rasa (trained model, temp tracker store, token) and
`python -m bot web` on free ports, with a temporary bot database (migrated, article
ingested), two counsellor accounts (same password) and opening hours that are always open. It prints one JSON
line with the URLs, then obeys one command per line on stdin and answers one JSON line:

    restart-rasa     stop Rasa and start it again (same tracker store)
    stop-rasa        stop Rasa only
    start-rasa       start it again
    forget-presence  move every console session's last check-in back past ONLINE_WITHIN, as if
                     that much time had passed: an open console tab checks in again at once,
                     a closed one does not
    quit             stop everything (so does closing stdin)

It starts them with the launcher (bot/launch/), like the Python end-to-end tests.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from bot.launch.commands import MODEL  # noqa: E402
from tests.e2e.stack import prepared_stack  # noqa: E402

COUNSELLOR = "Mette"
COUNSELLOR_PASSWORD = "en-lang-test-adgangskode-42"
# A second account, for handing a case over; visitors see only its display name.
COLLEAGUE, COLLEAGUE_DISPLAY_NAME = "bo", "Bo Hansen"

def forget_presence(database_url: str) -> None:
    from sqlalchemy import select

    from bot.db import make_engine, make_session_factory, transaction
    from bot.handoff.models import ConsoleSession
    from bot.handoff.console_logins import ONLINE_WITHIN

    engine = make_engine(database_url)
    with transaction(make_session_factory(engine)) as session:
        for row in session.execute(select(ConsoleSession)).scalars():
            row.last_seen_at = row.last_seen_at - ONLINE_WITHIN - dt.timedelta(seconds=1)
    engine.dispose()


def reply(**body) -> None:
    print(json.dumps(body), flush=True)


def main() -> int:
    if not MODEL.exists():
        reply(error=f"{MODEL} is missing: run `make train`")
        return 1
    workdir = Path(tempfile.mkdtemp(prefix="evejleder-web-"))
    stack = prepared_stack(workdir)
    try:
        stack.add_counsellor(COUNSELLOR, COUNSELLOR_PASSWORD)
        stack.add_counsellor(COLLEAGUE, COUNSELLOR_PASSWORD, COLLEAGUE_DISPLAY_NAME)
        stack.start_actions()
        stack.start_rasa()
        stack.start_web()
        web_url = stack.web_url
        reply(ready=True, web=web_url, rasa=stack.rasa_url, token=stack.token, workdir=str(workdir),
              counsellor=COUNSELLOR, password=COUNSELLOR_PASSWORD, colleague=COLLEAGUE,
              colleague_display_name=COLLEAGUE_DISPLAY_NAME)
        for line in sys.stdin:
            command = line.strip()
            try:
                if command == "restart-rasa":
                    stack.stop("rasa")
                    stack.start_rasa()
                elif command == "stop-rasa":
                    stack.stop("rasa")
                elif command == "start-rasa":
                    stack.start_rasa()
                elif command == "forget-presence":
                    forget_presence(stack.env["DATABASE_URL"])
                elif command == "quit":
                    break
                else:
                    reply(ok=False, error=f"unknown command {command!r}")
                    continue
            except RuntimeError as exc:
                reply(ok=False, error=str(exc))
                continue
            reply(ok=True, command=command)
    except Exception as exc:  # noqa: BLE001 - reported to the node side, which fails the test
        reply(error=f"{type(exc).__name__}: {exc}")
        return 1
    finally:
        stack.stop_all()
        if not os.environ.get("KEEP_WEB_TEST_DIR"):
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
