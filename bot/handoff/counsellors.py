"""Counsellor accounts: names and argon2id password hashes."""
from __future__ import annotations

from typing import Callable, Dict, List, Optional

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.db import transaction
from bot.handoff.models import ConsoleSession, Counsellor

MIN_PASSWORD_LENGTH = 10
MAX_NAME_LENGTH = 100

# A disabled account keeps its hash behind this mark (as a locked account in /etc/shadow): no
# password matches it, and nothing else about the account changes.
DISABLED = "!"

# argon2id with argon2-cffi's defaults (RFC 9106 low-memory profile: t=3, 64 MiB, p=4).
DEFAULT_HASHER = PasswordHasher()


class CounsellorExists(ValueError):
    pass


class Counsellors:
    def __init__(self, session_factory: Callable[[], Session],
                 hasher: Optional[PasswordHasher] = None):
        self._session_factory = session_factory
        self._hasher = hasher or DEFAULT_HASHER
        self._dummy_hash: Optional[str] = None

    def _dummy(self) -> str:
        # Verified against when the name is unknown, so a wrong name costs as much time
        # as a wrong password and response times do not reveal which names exist.
        if self._dummy_hash is None:
            self._dummy_hash = self._hasher.hash("not a real password, only here to spend time")
        return self._dummy_hash

    def add(self, name: str, password: str, display_name: Optional[str] = None) -> int:
        """Create an account; returns its id. Raises ValueError on a bad name, display name or
        password. Visitors see `display_name` (default: the login name)."""
        name = validate_name(name)
        display_name = validate_name(display_name) if display_name is not None else None
        if len(password or "") < MIN_PASSWORD_LENGTH:
            raise ValueError(f"Password must have at least {MIN_PASSWORD_LENGTH} characters")
        try:
            with transaction(self._session_factory) as session:
                if session.execute(select(Counsellor.id).where(Counsellor.name == name)).first():
                    raise CounsellorExists(f"Counsellor {name!r} already exists")
                row = Counsellor(name=name, display_name=display_name,
                                 password_hash=self._hasher.hash(password))
                session.add(row)
                session.flush()
                return row.id
        except IntegrityError as exc:
            raise CounsellorExists(f"Counsellor {name!r} already exists") from exc

    def verify(self, name: str, password: str) -> Optional[int]:
        """The counsellor's id when name and password match, else None."""
        with transaction(self._session_factory) as session:
            row = session.execute(
                select(Counsellor).where(Counsellor.name == (name or "").strip())
            ).scalars().first()
            stored = row.password_hash if row and not row.password_hash.startswith(DISABLED) \
                else self._dummy()
            try:
                self._hasher.verify(stored, password or "")
            except (VerifyMismatchError, VerificationError, InvalidHashError):
                return None
            if row is None or row.password_hash.startswith(DISABLED):
                return None
            if self._hasher.check_needs_rehash(stored):
                row.password_hash = self._hasher.hash(password)
            return row.id

    def disable(self, name: str) -> bool:
        """Lock the account and end its console sessions at once; False when there is no such
        account. Cases it has claimed stay as they are, for the record."""
        with transaction(self._session_factory) as session:
            row = session.execute(
                select(Counsellor).where(Counsellor.name == (name or "").strip())
            ).scalars().first()
            if row is None:
                return False
            if not row.password_hash.startswith(DISABLED):
                row.password_hash = DISABLED + row.password_hash
            session.execute(delete(ConsoleSession).where(ConsoleSession.counsellor_id == row.id))
            return True

    def names(self) -> List[str]:
        with transaction(self._session_factory) as session:
            return list(session.execute(select(Counsellor.name).order_by(Counsellor.name)).scalars())

    def display_names(self) -> Dict[str, str]:
        """Login name -> the name visitors see."""
        with transaction(self._session_factory) as session:
            rows = session.execute(select(Counsellor.name, Counsellor.display_name)).all()
            return {name: display or name for name, display in rows}

    def display_name(self, name: str) -> str:
        """The name visitors see for the login `name` (the login name itself when unknown)."""
        return self.display_names().get(name, name)


def validate_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > MAX_NAME_LENGTH:
        raise ValueError(f"Name must have 1 to {MAX_NAME_LENGTH} characters")
    if any(not ch.isprintable() for ch in name):
        raise ValueError("Name must not contain control characters")
    return name
