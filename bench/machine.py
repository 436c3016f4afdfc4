"""What the figures were measured on: CPU, cores, memory, versions, load, process sizes."""
from __future__ import annotations

import os
import platform
from importlib.metadata import version
from pathlib import Path
from typing import Dict, List


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def memory_gib() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def load_average() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def describe() -> Dict[str, str]:
    packages = ("rasa", "rasa-sdk", "tensorflow", "spacy", "python-socketio")
    return {
        "CPU": f"{cpu_model()}, {os.cpu_count()} logical cores",
        "RAM": f"{memory_gib():.1f} GiB",
        "OS": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "Python": platform.python_version(),
        "Versions": ", ".join(f"{name} {version(name)}" for name in packages),
    }


def _children(pid: int) -> List[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            child = int(stat.parent.name)
            found += [child, *_children(child)]
    return found


def memory_mib(pid: int) -> Dict[str, float]:
    """Resident memory now (VmRSS) and at its peak (VmHWM) of a process and its children."""
    totals = {"VmRSS": 0.0, "VmHWM": 0.0}
    for each in [pid, *_children(pid)]:
        try:
            lines = Path(f"/proc/{each}/status").read_text().splitlines()
        except OSError:
            continue
        for line in lines:
            key = line.split(":", 1)[0]
            if key in totals:
                totals[key] += int(line.split()[1]) / 1024
    return {"rss": totals["VmRSS"], "peak": totals["VmHWM"]}
