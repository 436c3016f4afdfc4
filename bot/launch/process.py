"""Child processes: free loopback ports, spawning with a log file, waiting until ready, stopping."""
from __future__ import annotations

import os
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Optional, Sequence, Tuple

import requests

from bot.config import REPO_ROOT

LOOPBACK = "127.0.0.1"
STOP_GRACE_SECONDS = 20


def free_port() -> int:
    """A TCP port free on loopback right now (the OS picks it)."""
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def log_tail(log: Optional[Path], chars: int = 3000) -> str:
    return log.read_text(errors="replace")[-chars:] if log and log.exists() else ""


def wait_until(check: Callable[[], bool], seconds: float, what: str,
               process: Optional["Process"] = None) -> None:
    """Poll `check` until it is true; fail with the log's tail when the time is up or the process died."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and not process.alive:
            break
        try:
            if check():
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    state = "exited" if process is not None and not process.alive else f"not ready in {seconds:.0f} s"
    raise RuntimeError(f"{what}: {state}\n{log_tail(process.log if process else None)}")


class Process:
    """One server: its command line, its extra environment, and its output appended to `log`."""

    def __init__(self, name: str, args: Sequence[str], env: Dict[str, str], log: Path):
        self.name, self.args, self.env, self.log = name, list(args), env, log
        self.popen: Optional[subprocess.Popen] = None

    def start(self) -> "Process":
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with open(self.log, "ab") as out:
            self.popen = subprocess.Popen(self.args, cwd=REPO_ROOT, env=self.env, stdout=out,
                                          stderr=subprocess.STDOUT)
        return self

    @property
    def pid(self) -> int:
        assert self.popen is not None, f"{self.name} was never started"
        return self.popen.pid

    @property
    def alive(self) -> bool:
        return self.popen is not None and self.popen.poll() is None

    def stop(self) -> None:
        """Terminate politely, then kill after STOP_GRACE_SECONDS."""
        if self.alive:
            self.popen.terminate()
            try:
                self.popen.wait(STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                self.kill()
        if self.popen is not None:
            self.popen.wait()

    def kill(self) -> None:
        """Gone at once, as in a crash."""
        if self.alive:
            self.popen.kill()
        if self.popen is not None:
            self.popen.wait()


@dataclass(frozen=True)
class Command:
    """What to run, the environment it needs on top of the launcher's, and how to see it is ready."""

    args: Tuple[str, ...]
    env: Dict[str, str] = field(default_factory=dict)
    ready_path: str = "/"
    ready_seconds: float = 60


class ProcessGroup:
    """Named servers started together, logging to `workdir`/NAME.log, stopped in reverse order."""

    def __init__(self, workdir: Path, env: Dict[str, str]):
        self.workdir, self.env = workdir, env
        self.processes: Dict[str, Process] = {}
        self._ready: Dict[str, Command] = {}
        self._urls: Dict[str, str] = {}

    def spawn(self, name: str, command: Command, base_url: str, wait: bool = True) -> Process:
        process = Process(name, command.args, {**self.env, **command.env},
                          self.workdir / f"{name}.log").start()
        self.processes[name] = process
        self._ready[name], self._urls[name] = command, base_url + command.ready_path
        if wait:
            self.wait(name)
        return process

    def wait(self, name: str) -> None:
        command, url = self._ready[name], self._urls[name]
        wait_until(lambda: requests.get(url, timeout=2).status_code < 400,
                   command.ready_seconds, name, self.processes[name])

    def stop(self, name: str) -> None:
        process = self.processes.pop(name, None)
        if process is not None:
            process.stop()

    def kill(self, name: str) -> None:
        """Gone at once, as in a crash."""
        process = self.processes.pop(name, None)
        if process is not None:
            process.kill()

    def stop_all(self) -> None:
        for name in reversed(list(self.processes)):
            self.stop(name)

    def first_exit(self, poll_seconds: float = 1) -> Process:
        """Block until one of the processes exits; returns it."""
        while True:
            for process in self.processes.values():
                if not process.alive:
                    return process
            time.sleep(poll_seconds)


def child_environment(**extra: str) -> Dict[str, str]:
    """This process's environment plus `extra`, with TensorFlow's start-up chatter quiet."""
    env = dict(os.environ)
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    env.update(extra)
    return env
