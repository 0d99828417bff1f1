"""The per-source crawl lock: exclusive across processes, and freed when its holder is killed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from newsarchive.locks import LockedError, SourceLock

HOLDER = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from newsarchive.locks import SourceLock
    lock = SourceLock(sys.argv[1], Path(sys.argv[2]), "crawl-news", timeout=10)
    assert lock.acquire()
    print("held", flush=True)
    sys.stdin.readline()   # hold until told to go, or until killed
    lock.release()
    print("released", flush=True)
""")


def start_holder(url: str, lock_dir: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen([sys.executable, "-c", HOLDER, url, str(lock_dir)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, text=True, cwd=Path(__file__).parent.parent)
    assert proc.stdout is not None
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_second_process_is_refused_until_the_first_releases(db_url: str, tmp_path: Path) -> None:
    holder = start_holder(db_url, tmp_path)
    try:
        mine = SourceLock(db_url, tmp_path, "crawl-news")
        assert not mine.acquire()
        with pytest.raises(LockedError, match="being crawled by another process"), mine:
            pass
        # Another source is not affected.
        with SourceLock(db_url, tmp_path, "crawl-other") as other:
            assert other.held
        assert holder.stdin is not None and holder.stdout is not None
        holder.stdin.write("go\n")
        holder.stdin.flush()
        assert holder.stdout.readline().strip() == "released"
        assert holder.wait(timeout=30) == 0
        with SourceLock(db_url, tmp_path, "crawl-news") as lock:
            assert lock.held
        assert not lock.held
    finally:
        holder.kill()
        holder.wait()


def test_killed_holder_does_not_leave_the_source_locked(db_url: str, tmp_path: Path) -> None:
    holder = start_holder(db_url, tmp_path)
    mine = SourceLock(db_url, tmp_path, "crawl-news")
    assert not mine.acquire()
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=30)
    # The OS (flock) or the PostgreSQL server (session lock) frees it; wait at most a few seconds.
    waiting = SourceLock(db_url, tmp_path, "crawl-news", timeout=15)
    assert waiting.acquire()
    waiting.release()


def test_waiting_acquire_gets_the_lock_when_it_is_released(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    holder = start_holder(url, tmp_path)
    assert holder.stdin is not None
    holder.stdin.write("go\n")
    holder.stdin.flush()
    with SourceLock(url, tmp_path, "crawl-news", timeout=30) as lock:
        assert lock.held
    holder.wait(timeout=30)
