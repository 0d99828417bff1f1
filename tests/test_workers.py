"""The crawl's worker processes forked from the crawl process (crawler/workers.py), each case in a
fresh interpreter: forking depends on which threads the process runs."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(code: str) -> str:
    done = subprocess.run([sys.executable, "-c", textwrap.dedent(code)], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_workers_fork_from_this_process_warm_and_leave_with_it(tmp_path: Path) -> None:
    out = run(f"""
        import multiprocessing, os
        import archive.extract  # what the crawl forkserver preloads: the workers must not import it again
        from crawler import workers

        started = workers.fork_workers(2, "sqlite:///{tmp_path}/a.db")
        assert started is workers.forked() is not None
        children = multiprocessing.active_children()
        print(len(children), all(p._parent_pid == os.getpid() for p in children))
        nap = "__import__('time').sleep(0.5) or __import__('os').getpid()"  # both busy at once
        pids = {{f.result() for f in [started.pool.submit(eval, nap) for _ in range(2)]}}
        print(len(pids), started.pool.submit(eval, "'archive.extract' in __import__('sys').modules").result())
        workers.stop_forked()
        print(len(multiprocessing.active_children()), workers.forked())
    """)
    assert out.splitlines() == ["3 True", "2 True", "0 None"]  # two extraction workers + the writer


def test_no_fork_while_another_thread_runs() -> None:
    out = run("""
        import threading
        from crawler import workers

        stop = threading.Event()
        threading.Thread(target=stop.wait).start()
        print(workers.fork_workers(2, "sqlite:///unused.db"))
        stop.set()
    """)
    assert out == "None"


def test_a_failed_fork_leaves_no_worker_behind() -> None:
    """Out of memory while forking the writer: the extraction workers already forked must not
    outlive the crawl process (idle, they would hang its exit forever)."""
    out = run("""
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor
        from crawler import workers

        launch, calls = ProcessPoolExecutor._launch_processes, []
        def failing_second(pool):
            calls.append(pool)
            if len(calls) == 2:
                raise OSError(12, "Cannot allocate memory")
            launch(pool)
        ProcessPoolExecutor._launch_processes = failing_second
        try:
            workers.fork_workers(2, "sqlite:///unused.db")
        except OSError as exc:
            print(exc.strerror, len(multiprocessing.active_children()), workers.forked())
    """)
    assert out == "Cannot allocate memory 0 None"
