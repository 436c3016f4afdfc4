"""The deletion promise, end to end: contact details given for a callback leave the conversation
record at once, and after the purge they are nowhere in the stack's files (databases, logs)."""
import re
import secrets
import subprocess
from pathlib import Path

from bot.config import REPO_ROOT as REPO

REDACTED = "[kontaktoplysning fjernet]"


def texts(replies):
    return "\n".join(r.get("text", "") for r in replies)


def files_containing(folder: Path, needle: str):
    return sorted(str(path.relative_to(folder)) for path in folder.rglob("*")
                  if path.is_file() and needle.encode() in path.read_bytes())


def request_a_callback(stack, sender, contact, wrong_try, when="hverdage efter kl. 16"):
    assert "slettes senest efter 30 dage" in texts(stack.say(sender, "jeg vil gerne tale med en vejleder"))
    assert "hvilken e-mail" in texts(stack.say(sender, "ja tak"))
    assert "Prøv igen" in texts(stack.say(sender, wrong_try))
    assert "hjælp til" in texts(stack.say(sender, contact))
    assert "Hvornår" in texts(stack.say(sender, "hvilken lederuddannelse passer til mig"))
    return texts(stack.say(sender, when))


def a_phone_number():
    digits = str(20000000 + secrets.randbelow(70000000))
    return " ".join(digits[i:i + 2] for i in range(0, 8, 2))


def test_contact_details_leave_every_store(stack):
    contact = f"privat.{secrets.token_hex(6)}@eksempel.dk"
    wrong_try = f"forkert.{secrets.token_hex(6)}@"  # a wrong first try is the visitor's answer too
    sender = f"privacy-{secrets.token_hex(8)}"
    phone = a_phone_number()  # in the form's last answer: saved by Rasa after the callback action

    confirmation = request_a_callback(stack, sender, contact, wrong_try, f"hverdage efter kl. 16 på {phone}")
    assert "den e-mail, du har givet" in confirmation and contact not in confirmation
    # Stored for the counsellor, and already gone from Rasa's record of the conversation.
    assert files_containing(stack.workdir, contact) == ["bot.db"]
    assert files_containing(stack.workdir, phone) == ["bot.db"]
    assert files_containing(stack.workdir, wrong_try) == []
    lines = [e.get("text") for e in requests_tracker(stack, sender) if e.get("event") == "user"]
    assert lines.count(REDACTED) == 2 and "hvilken lederuddannelse passer til mig" in lines

    purge = subprocess.run([str(REPO / ".venv" / "bin" / "python"), "-m", "bot", "purge", "--older-than", "0m"],
                           cwd=REPO, env=stack.env, capture_output=True, text=True, timeout=120)
    assert purge.returncode == 0, purge.stderr
    assert re.search(r"[1-9]\d* callback request", purge.stdout), purge.stdout
    assert re.search(r"events of [1-9]\d* conversation", purge.stdout), purge.stdout
    assert files_containing(stack.workdir, contact) == []
    assert files_containing(stack.workdir, sender) == [], "no trace of the conversation (logs included)"
    assert stack.say(sender, "hej"), "the bot goes on after the purge"


def requests_tracker(stack, sender):
    import requests

    response = requests.get(f"{stack.rasa_url}/conversations/{sender}/tracker",
                            params={"token": stack.token, "include_events": "ALL"}, timeout=10)
    response.raise_for_status()
    return response.json()["events"]


def test_contact_details_typed_at_the_offer_leave_the_conversation_when_the_callback_is_stored(stack):
    token = secrets.token_hex(6)
    typed = f"Ida.{token}@Eksempel.DK"  # stored as Ida.<token>@eksempel.dk: the typed form differs
    sender = f"offer-{secrets.token_hex(8)}"
    assert "slettes senest efter 30 dage" in texts(stack.say(sender, "jeg vil gerne tale med en vejleder"))
    assert "Må jeg gemme" in texts(stack.say(sender, f"min mail er {typed}"))
    assert "hjælp til" in texts(stack.say(sender, "ja"))
    assert "Hvornår" in texts(stack.say(sender, "hvilken lederuddannelse passer til mig"))
    assert "Om tidspunktet skrev du: »hverdage efter kl. 16«" in texts(stack.say(sender, "hverdage efter kl. 16"))
    # Before any purge: only the callback list (the bot's database) holds the address.
    assert files_containing(stack.workdir, token) == ["bot.db"]
    lines = [e.get("text") for e in requests_tracker(stack, sender) if e.get("event") == "user"]
    assert f"min mail er {REDACTED}" in lines
