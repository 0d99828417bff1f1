"""Worker processes that leave Ctrl-C to their parent (light: no Scrapy import)."""

from __future__ import annotations

import signal
import threading


def start_forkserver_ignoring_ctrl_c() -> None:
    """Start this process's multiprocessing forkserver with SIGINT ignored.

    The forkserver and every worker it forks inherit that, so the Ctrl-C a terminal sends to
    the whole process group reaches only the crawl process: Scrapy finishes the items in
    flight, and their extraction and storage complete in workers that are still alive.
    (Otherwise a worker dies with a KeyboardInterrupt traceback and the pages in flight are
    lost to "extraction crashed".) SIGTERM keeps its default: concurrent.futures terminates
    the surviving workers of a broken pool with it and then joins them. No-op once the server
    runs.
    """
    from multiprocessing import forkserver

    if threading.current_thread() is not threading.main_thread():
        forkserver.ensure_running()
        return
    saved = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        forkserver.ensure_running()
    finally:
        signal.signal(signal.SIGINT, saved)
