"""Which system services the tests need, and whether they must run here (CI) or may be skipped."""
from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import List

from bot.launch.services import postgres_bindir

# Set by .ci/run: there PostgreSQL must be tested, so a missing server fails instead of skipping.
POSTGRES_URL_VARIABLE = "EVEJLEDER_TEST_POSTGRES_URL"


def services_required() -> bool:
    return bool(os.environ.get(POSTGRES_URL_VARIABLE))


def missing_binaries() -> List[str]:
    missing = [] if postgres_bindir() else ["postgresql"]
    missing += [name for name, path in (("redis-server", "redis-server"), ("nginx-light", "nginx"))
                if not (shutil.which(path) or Path("/usr/sbin", path).exists())]
    return missing
