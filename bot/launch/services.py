"""PostgreSQL and Redis servers of our own, from Debian's packages, on loopback.

Private, so a test may stop and restart them without touching anyone else's server, and the
tests need no system-wide set-up. PostgreSQL refuses to run as root: as root the
server runs as the `postgres` system user.
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
from typing import Optional

from sqlalchemy import text

from bot.db import make_engine
from bot.launch.process import LOOPBACK, Process, child_environment, free_port


def postgres_bindir() -> Optional[Path]:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def listening(port: int) -> bool:
    try:
        with socket.create_connection((LOOPBACK, port), timeout=1):
            return True
    except OSError:
        return False


class PostgresServer:
    """A PostgreSQL cluster in `datadir` (a fresh temporary one by default) on 127.0.0.1:`port`,
    trust authentication for the `evejleder` role (loopback only)."""

    user = "evejleder"

    def __init__(self, datadir: Optional[Path] = None, port: Optional[int] = None):
        self.bindir = postgres_bindir()
        if self.bindir is None:
            raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql")
        self.temporary = datadir is None
        self.datadir = Path(tempfile.mkdtemp(prefix="evejleder-pg-")) if datadir is None else datadir
        self.port = port or free_port()
        self._as_postgres = os.geteuid() == 0
        if not (self.datadir / "PG_VERSION").exists():
            self.datadir.mkdir(parents=True, exist_ok=True)
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
        return self.url("postgres")

    def url(self, database: str) -> str:
        return f"postgresql://{self.user}@{LOOPBACK}:{self.port}/{database}"

    @property
    def log(self) -> Path:
        return self.datadir / "server.log"

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses={LOOPBACK} -c unix_socket_directories={self.datadir}"
                   " -c max_connections=200")
        if self.temporary:  # a test server: a clean restart keeps everything anyway
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.datadir), "-l", str(self.log), "-o", options, "-w",
                  "-t", "60", "start")

    def stop(self, mode: str = "fast") -> None:
        self._run("pg_ctl", "-D", str(self.datadir), "-m", mode, "-w", "-t", "60", "stop")

    def restart(self) -> None:
        self.stop()
        self.start()

    def create_database(self, name: Optional[str] = None, template: Optional[str] = None) -> str:
        return create_database(self.admin_url, name or f"t_{uuid.uuid4().hex[:12]}", template)

    def ensure_database(self, name: str) -> str:
        """The URL of database `name`, created if it does not exist yet."""
        engine = make_engine(self.admin_url)
        try:
            with engine.connect() as connection:
                exists = connection.execute(text("SELECT 1 FROM pg_database WHERE datname = :name"),
                                            {"name": name}).first()
        finally:
            engine.dispose()
        return self.url(name) if exists else self.create_database(name)

    def destroy(self) -> None:
        """Stop (a temporary cluster at once, and its files removed too)."""
        try:
            self.stop("immediate" if self.temporary else "fast")
        except RuntimeError:
            pass
        if self.temporary:
            shutil.rmtree(self.datadir, ignore_errors=True)


def create_database(admin_url: str, name: str, template: Optional[str] = None) -> str:
    """CREATE DATABASE on the server of `admin_url`; returns the new database's URL."""
    engine = make_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            clause = f' TEMPLATE "{template}"' if template else ""
            connection.execute(text(f'CREATE DATABASE "{name}"{clause}'))
    finally:
        engine.dispose()
    return str(engine.url.set(database=name))


def drop_database(admin_url: str, name: str) -> None:
    engine = make_engine(admin_url, isolation_level="AUTOCOMMIT")
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


class RedisServer:
    """redis-server on 127.0.0.1:`port`, nothing persisted, its log in `workdir`."""

    def __init__(self, workdir: Optional[Path] = None, port: Optional[int] = None):
        self.temporary = workdir is None
        self.workdir = Path(tempfile.mkdtemp(prefix="evejleder-redis-")) if workdir is None else workdir
        self.port = port or free_port()
        self.process: Optional[Process] = None

    @property
    def url(self) -> str:
        return f"redis://{LOOPBACK}:{self.port}/0"

    def start(self) -> None:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.process = Process("redis", [
            shutil.which("redis-server") or "redis-server", "--port", str(self.port),
            "--bind", LOOPBACK, "--save", "", "--appendonly", "no", "--dir", str(self.workdir)],
            child_environment(), self.workdir / "redis.log").start()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and self.process.alive:
            try:
                with socket.create_connection((LOOPBACK, self.port), timeout=1) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"redis-server did not start:\n{self.process.log.read_text()}")

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
        self.process = None

    def destroy(self) -> None:
        self.stop()
        if self.temporary:
            shutil.rmtree(self.workdir, ignore_errors=True)
