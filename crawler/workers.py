"""The crawl's worker processes: the extraction pool and the database writer.

`newsarchive crawl` forks them from the crawl process itself before Scrapy starts (`fork_workers`),
while that process is still single-threaded: they inherit everything crawler.preload imported
(trafilatura, numpy, SQLAlchemy, the language model), so they are ready at once and no second
interpreter imports the same modules (a forkserver of their own cost ≈ 1.4 s of CPU per crawl,
≈ 0.5 ms per page of a 2,000-page crawl, and the wait for it held up the first extraction).
Forking later would copy a process whose other threads may hold locks; so processes started
once the crawl runs — a replacement for a worker that died, or every worker when Scrapy itself
runs the spider (`scrapy crawl news`, Scrapyd) — come from a forkserver (`worker_context`).
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from crawler.forkserver import start_forkserver_ignoring_ctrl_c
from crawler.writer import writer_init

_FORKED: Workers | None = None  # what fork_workers started in this process


def worker_context() -> Any:
    """The multiprocessing context for worker processes started once the crawl runs: a
    forkserver that loads trafilatura, numpy, SQLAlchemy and the language model once."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["crawler.worker_preload"])
    start_forkserver_ignoring_ctrl_c()
    return context


class Workers:
    """An extraction pool of `extract_workers` processes and a one-process database writer."""

    def __init__(self, extract_workers: int, database_url: str, context: Any) -> None:
        self.extract_workers = extract_workers or os.cpu_count() or 1  # 0: one per CPU
        self.database_url = database_url
        self.pool = self._new("pool", context)
        self.writer = self._new("writer", context)

    def _new(self, which: str, context: Any) -> ProcessPoolExecutor:
        if which == "pool":
            return ProcessPoolExecutor(max_workers=self.extract_workers, mp_context=context)
        return ProcessPoolExecutor(max_workers=1, mp_context=context, initializer=writer_init,
                                   initargs=(self.database_url,))

    def replace_broken(self, which: str, broken: ProcessPoolExecutor) -> bool:
        """A worker process died (out of memory, a crash in a C extension, a kill): every job in
        flight on that pool failed. Start a fresh pool once per breakage (True); concurrent jobs
        that saw the same broken pool then retry on the new one (False)."""
        if getattr(self, which) is not broken:
            return False  # another job replaced it already
        setattr(self, which, self._new(which, worker_context()))
        broken.shutdown(wait=False, cancel_futures=True)
        return True

    def shutdown(self) -> None:
        for pool in (self.pool, self.writer):
            pool.shutdown(wait=True, cancel_futures=True)


def fork_workers(extract_workers: int, database_url: str) -> Workers | None:
    """Start the crawl's workers now by forking this process, for every spider it will run
    (`forked()`); None when this process already runs other threads (then each pipeline starts
    its own from a forkserver). Ctrl-C is left to this process: its workers ignore it, as the
    forkserver's do, so that the pages in flight still get extracted and stored."""
    global _FORKED
    # With "fork", a pool forks its processes at its first submit, just before it starts the
    # thread that manages them; a second pool would then fork a process running that thread.
    # So both fork first, through CPython's `ProcessPoolExecutor._launch_processes` (there since
    # 3.9; were it gone, the forkserver serves instead).
    if (threading.active_count() > 1 or not hasattr(os, "fork")
            or not hasattr(ProcessPoolExecutor, "_launch_processes")):
        return None
    workers = Workers(extract_workers, database_url, multiprocessing.get_context("fork"))
    saved = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        for pool in (workers.pool, workers.writer):
            pool._launch_processes()  # type: ignore[attr-defined]
    except BaseException:  # e.g. out of memory: no idle worker may outlive (and hang) this process
        for pool in (workers.pool, workers.writer):
            for process in list(getattr(pool, "_processes", {}).values()):
                process.kill()
                process.join()
        raise
    finally:
        signal.signal(signal.SIGINT, saved)
    for pool in (workers.pool, workers.writer):  # now their managing threads (shutdown needs them)
        pool.submit(int)
    _FORKED = workers
    return workers


def forked() -> Workers | None:
    """The workers `fork_workers` started in this process, if any."""
    return _FORKED


def stop_forked() -> None:
    global _FORKED
    if _FORKED is not None:
        _FORKED.shutdown()
        _FORKED = None
