"""The console's cookies and CSRF checks (the sessions themselves: bot.handoff.console_logins)."""
from __future__ import annotations

import hmac
from typing import Optional

SESSION_COOKIE = "evejleder_console"
LOGIN_CSRF_COOKIE = "evejleder_login_csrf"
CSRF_FIELD = "csrf_token"


def tokens_match(expected: Optional[str], given: Optional[str]) -> bool:
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), given.encode("utf-8"))
