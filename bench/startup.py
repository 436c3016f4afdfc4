"""Cold start to the first answer."""
from __future__ import annotations

import time
from dataclasses import dataclass

from bot.launch.stack import Stack


@dataclass
class ColdStart:
    actions: float
    rasa: float
    first_answer: float

    @property
    def total(self) -> float:
        return self.actions + self.rasa + self.first_answer


def cold_start(stack: Stack, question: str) -> ColdStart:
    """Start the action server, then Rasa (as `make run` does), then ask the first question."""
    started = time.monotonic()
    stack.start_actions()
    actions = time.monotonic() - started
    stack.start_rasa()
    rasa = time.monotonic() - started - actions
    asked = time.monotonic()
    if not stack.say("cold-start", question):
        raise RuntimeError("no answer to the first question")
    return ColdStart(actions, rasa, time.monotonic() - asked)
