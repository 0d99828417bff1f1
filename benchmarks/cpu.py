"""CPU time of a process tree by role, sampled from /proc (Linux): where a crawl's CPU goes.

A crawl runs in several processes (the crawl process Scrapy runs in, extraction workers, the
database writer, the forkserver the crawl process starts from), and on a small machine they
share the cores, so the question is not only how fast the crawl is but how much CPU each part
costs per page. Processes are
sampled every `interval` seconds while they live (up to that much of each one's CPU time at its
end is missed, and a process shorter than that may be missed altogether).
"""

from __future__ import annotations

import os
import threading
from collections import defaultdict
from pathlib import Path

PROC = Path("/proc")


def _stat(pid: int) -> tuple[int, float] | None:
    """(parent pid, user + system CPU seconds) of a process, or None when it is gone."""
    try:
        fields = (PROC / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _cmdline(pid: int) -> str:
    try:
        return (PROC / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
    except OSError:
        return ""


def _role(pid: int, parents: dict[int, int], commands: dict[int, str]) -> str:
    """What a descendant of the sampling process is, from its command line and its place in the
    tree: the crawl forkserver (its command line names crawler.preload) forks the crawl process,
    which forks its workers (crawler/workers.py), and forked processes keep their parent's
    command line. A worker forkserver (crawler.worker_preload) appears when a worker is replaced."""
    command = commands.get(pid, "")
    if "crawler.worker_preload" in command:
        return "worker processes" if "crawler.worker_preload" in commands.get(parents.get(pid, 0), "") \
            else "forkservers"
    if "crawler.preload" not in command:
        return "other"
    depth, ancestor = 0, parents.get(pid, 0)
    while "crawler.preload" in commands.get(ancestor, ""):
        depth, ancestor = depth + 1, parents.get(ancestor, 0)
    return ("forkservers", "crawl process", "worker processes")[min(depth, 2)]


class TreeCPU:
    """Samples the CPU time of this process's descendants, by role, while in a `with` block."""

    def __init__(self, interval: float = 0.25) -> None:
        self.interval = interval
        self.available = PROC.is_dir()
        self._cpu: dict[int, float] = {}
        self._parents: dict[int, int] = {}
        self._commands: dict[int, str] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> TreeCPU:
        if self.available:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self.available:
            self._thread.join()
            self._sample()

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self._sample()

    def _sample(self) -> None:
        me = os.getpid()
        stats = {}
        for entry in PROC.iterdir():
            if entry.name.isdigit():
                stat = _stat(int(entry.name))
                if stat is not None:
                    stats[int(entry.name)] = stat
        tree, added = {me}, True
        while added:
            added = False
            for pid, (parent, _cpu) in stats.items():
                if parent in tree and pid not in tree:
                    tree.add(pid)
                    added = True
        for pid in tree - {me}:
            parent, cpu = stats[pid]
            self._parents[pid] = parent
            self._cpu[pid] = max(cpu, self._cpu.get(pid, 0.0))
            if pid not in self._commands:
                self._commands[pid] = _cmdline(pid)

    def by_role(self) -> dict[str, float]:
        """CPU seconds per role, over every descendant seen."""
        roles: dict[str, float] = defaultdict(float)
        for pid, cpu in self._cpu.items():
            roles[_role(pid, self._parents, self._commands)] += cpu
        return dict(roles)
