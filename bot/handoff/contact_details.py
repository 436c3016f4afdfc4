"""How visitors reach the human eVejledning outside this chat: phone, e-mail and a chat link.

They sit in the opening-hours file (section `contact`), so one file holds everything about the
service that changes without a code change.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, List, Optional, Union

from bot.config import read_config_file


@dataclass(frozen=True)
class ContactDetails:
    phone: Optional[str] = None
    email: Optional[str] = None
    chat_url: Optional[str] = None

    @classmethod
    def from_file(cls, path: Union[str, Path]) -> "ContactDetails":
        data = read_config_file(path)
        section = data.get("contact") if isinstance(data, dict) else None
        if not isinstance(section, dict):
            return cls()
        return cls(**{key: str(section[key]).strip() or None
                      for key in ("phone", "email", "chat_url") if section.get(key)})

    def label(self, channel: str) -> str:
        """The article's channel name with its detail: 'telefon (70 20 30 40)'; bare when unknown.
        The article's "mail" is written "e-mail", the word every other text uses."""
        detail = {"telefon": self.phone, "mail": self.email, "e-mail": self.email,
                  "chat": self.chat_url}.get(channel.lower())
        name = "e-mail" if channel.lower() == "mail" else channel
        return f"{name} ({detail})" if detail else name

    def labels(self, channels: Iterable[str]) -> List[str]:
        return [self.label(channel) for channel in channels]
