"""Private PostgreSQL and Redis servers for tests, from Debian's packages, on free local ports.

Private, so a test may stop and restart them without touching anyone else's server. PostgreSQL
refuses to run as root: as root the server runs as the `postgres` system user.
"""
from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from pathlib import Path
from typing import List, Optional

from sqlalchemy import create_engine, text

# Set by .ci/run: there PostgreSQL must be tested, so a missing server fails instead of skipping.
POSTGRES_URL_VARIABLE = "EVEJLEDER_TEST_POSTGRES_URL"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def postgres_bindir() -> Optional[Path]:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def services_required() -> bool:
    return bool(os.environ.get(POSTGRES_URL_VARIABLE))


def missing_binaries() -> List[str]:
    missing = [] if postgres_bindir() else ["postgresql"]
    missing += [name for name, path in (("redis-server", "redis-server"), ("nginx-light", "nginx"))
                if not (shutil.which(path) or Path("/usr/sbin", path).exists())]
    return missing


class PrivatePostgres:
    """initdb in a temporary directory, a server on 127.0.0.1:<free port>, trust auth for `evejleder`."""

    user = "evejleder"

    def __init__(self):
        self.bindir = postgres_bindir()
        if self.bindir is None:
            raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql")
        self.port = free_port()
        self.datadir = Path(tempfile.mkdtemp(prefix="evejleder-pg-"))
        self._as_postgres = os.geteuid() == 0
        if self._as_postgres:
            account = pwd.getpwnam("postgres")
            os.chown(self.datadir, account.pw_uid, account.pw_gid)
        self._run("initdb", "-D", str(self.datadir), "-U", self.user, "--auth=trust",
                  "--encoding=UTF8", "--locale=C.UTF-8")

    def _run(self, tool: str, *args: str) -> None:
        command = [str(self.bindir / tool), *args]
        if self._as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        result = subprocess.run(command, capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{tool} failed:\n{result.stdout}\n{result.stderr}")

    @property
    def admin_url(self) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/postgres"

    def url(self, database: str) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        # fsync off: a test server, a clean restart keeps everything anyway.
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={self.datadir}"
                   " -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._run("pg_ctl", "-D", str(self.datadir), "-l", str(self.datadir / "server.log"),
                  "-o", options, "-w", "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.datadir), "-m", mode, "-w", "-t", "60", "stop")

    def restart(self) -> None:
        self.stop()
        self.start()

    def create_database(self, name: Optional[str] = None, template: Optional[str] = None) -> str:
        name = name or f"t_{uuid.uuid4().hex[:12]}"
        return create_database(self.admin_url, name, template)

    def destroy(self) -> None:
        try:
            self.stop("immediate")
        except RuntimeError:
            pass
        shutil.rmtree(self.datadir, ignore_errors=True)


def create_database(admin_url: str, name: str, template: Optional[str] = None) -> str:
    """CREATE DATABASE on the server of `admin_url`; returns the new database's URL."""
    engine = create_engine(admin_url, future=True, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            clause = f' TEMPLATE "{template}"' if template else ""
            connection.execute(text(f'CREATE DATABASE "{name}"{clause}'))
    finally:
        engine.dispose()
    return str(engine.url.set(database=name))


def drop_database(admin_url: str, name: str) -> None:
    engine = create_engine(admin_url, future=True, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            # Only our own sessions: an autovacuum worker on the database is a superuser process
            # that a non-superuser may not terminate; DROP DATABASE stops it by itself.
            connection.execute(text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = :name AND usename = current_user AND pid <> pg_backend_pid()"),
                {"name": name})
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
    finally:
        engine.dispose()


class PrivateRedis:
    """redis-server on 127.0.0.1:<free port>, nothing persisted."""

    def __init__(self):
        self.port = free_port()
        self.workdir = Path(tempfile.mkdtemp(prefix="evejleder-redis-"))
        self.process: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        log = open(self.workdir / "redis.log", "ab")
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"redis-server did not start:\n{(self.workdir / 'redis.log').read_text()}")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(20)
        self.process = None

    def destroy(self) -> None:
        self.stop()
        shutil.rmtree(self.workdir, ignore_errors=True)
