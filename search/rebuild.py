"""A full rebuild of the search index, spread over processes.

The articles are split into contiguous id ranges, one per process. Each process reads its range
from the database in pages and writes its own segments with a `BulkWriter` (search/bulk.py) into
the new index folder; the parent indexes the first range itself, then commits every segment in
one table of contents. Whoosh searches several segments as one index; there is no merge step.

Why processes: analysing and writing postings is pure Python, so one process uses one core.
Below `PARALLEL_MIN` articles, starting a process (importing the project, ~0.5 s) costs more
than it saves. The processes are started as `python -m search.rebuild` (not with
multiprocessing), so a script calling `SearchIndex.sync` needs no `if __name__ == "__main__"`
guard and threads of the caller (a progress bar) are never forked.
"""

from __future__ import annotations

import json
import os
import pickle
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from sqlalchemy import select

from archive.db import Database
from archive.models import Article, Source
from newsarchive.errors import UserError
from search.bulk import BulkWriter
from search.documents import DOCUMENT_COLUMNS, article_document

PAGE = 1000  # articles read per database session
PARALLEL_MIN = 5_000
MAX_PROCESSES = 4
#: Set to a number to choose the processes of a rebuild (1: no extra process).
PROCESSES_ENV = "NEWSARCHIVE_INDEX_PROCESSES"

class RebuildError(UserError, RuntimeError):
    """A rebuild process failed; the message carries its last line of error output."""


def rebuild_processes(total: int) -> int:
    """Processes for a rebuild of `total` articles: one per core, at most MAX_PROCESSES."""
    chosen = os.environ.get(PROCESSES_ENV, "").strip()
    if chosen.isdigit() and int(chosen) > 0:
        return int(chosen)
    if total < PARALLEL_MIN:
        return 1
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    return max(1, min(cores, MAX_PROCESSES, total // (PARALLEL_MIN // 2)))


def id_ranges(ids: list[int], parts: int) -> list[tuple[int, int]]:
    """`parts` ranges (exclusive low, inclusive high) of about as many of the sorted `ids` each."""
    if not ids:
        return [(0, 0)]
    parts = max(1, min(parts, len(ids)))
    ranges, low = [], ids[0] - 1
    for k in range(1, parts + 1):
        high = ids[len(ids) * k // parts - 1]
        ranges.append((low, high))
        low = high
    return ranges


def article_documents(db: Database, low: int, high: int, versions: dict[int, int]) -> Iterator[dict[str, Any]]:
    """Index documents of the articles with low < id <= high, in id order; records each
    article's version in `versions`. Pages of PAGE articles, each in its own session: memory
    stays flat however large the archive."""
    sources: dict[int, str] = {}
    last = low
    while last < high:
        with db.session() as s:
            # rows of the columns a document needs, not ORM objects: a third of the reading time
            page = list(s.execute(select(*DOCUMENT_COLUMNS)
                                  .where(Article.id > last, Article.id <= high)
                                  .order_by(Article.id).limit(PAGE)))
            if not page:
                return
            for article in page:
                if article.source_id not in sources:
                    sources.update(s.execute(select(Source.id, Source.name)).all())
                versions[article.id] = article.version
                yield article_document(article, sources[article.source_id])
            last = page[-1].id


def index_range(db_url: str, index_dir: str, indexname: str, low: int, high: int,
                progress: Path | None = None, parent: int | None = None) -> tuple[list[Any], dict[int, int]]:
    """Write the articles of (low, high] as segments of the index at `index_dir`; returns the
    segments (not committed) and the indexed versions. Writes its count to `progress` now and
    then, and stops when process `parent` is gone (a killed rebuild leaves no busy orphans)."""
    from whoosh.filedb.filestore import FileStorage

    db = Database(db_url, migrate=False)
    versions: dict[int, int] = {}
    try:
        ix = FileStorage(index_dir).open_index(indexname)
        writer = BulkWriter(ix, _lk=False)  # the parent holds the index's write lock
        try:
            for count, doc in enumerate(article_documents(db, low, high, versions), 1):
                writer.add_document(**doc)
                if count % 200 == 0:
                    if parent is not None and os.getppid() != parent:
                        raise SystemExit(f"the rebuild (process {parent}) is gone; stopping")
                    if progress is not None:
                        progress.write_text(str(count))
            segments = writer.segments_written()
        finally:
            writer.close_uncommitted()
    finally:
        db.engine.dispose()
    return segments, versions


class _Part:
    """One `python -m search.rebuild` process indexing one id range."""

    def __init__(self, number: int, db_url: str, index_dir: Path, indexname: str, low: int, high: int) -> None:
        self.work = index_dir / f"rebuild-{number}"
        self.work.mkdir(exist_ok=True)
        self.progress = self.work / "count"
        self.result = self.work / "result.pickle"
        self.stderr = (self.work / "stderr").open("w+b")
        package_root = str(Path(__file__).resolve().parents[1])
        env = dict(os.environ, PYTHONPATH=os.pathsep.join(
            p for p in (package_root, os.environ.get("PYTHONPATH", "")) if p))
        self.process = subprocess.Popen([sys.executable, "-m", "search.rebuild"], stdin=subprocess.PIPE,
                                        stdout=subprocess.DEVNULL, stderr=self.stderr, env=env)
        job = dict(db_url=db_url, index_dir=str(index_dir), indexname=indexname, low=low, high=high,
                   progress=str(self.progress), result=str(self.result), parent=os.getpid())
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(job).encode())
        self.process.stdin.close()

    def count(self) -> int:
        try:
            return int(self.progress.read_text() or 0)
        except (FileNotFoundError, ValueError):
            return 0

    def check(self) -> bool:
        """True when the process has finished; raises if it failed."""
        code = self.process.poll()
        if code is None:
            return False
        if code != 0:
            self.stderr.seek(0)
            lines = [line for line in self.stderr.read().decode("utf-8", "replace").splitlines() if line.strip()]
            raise RebuildError(f"a rebuild process failed (exit {code}): {lines[-1] if lines else 'no message'}; "
                               "the live index is unchanged: fix that and run `newsarchive index --rebuild` again")
        return True

    def outcome(self) -> tuple[list[Any], dict[int, int]]:
        with self.result.open("rb") as f:
            return pickle.load(f)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def close(self) -> None:
        self.stderr.close()
        shutil.rmtree(self.work, ignore_errors=True)


def rebuild(db: Database, writer: BulkWriter, index_dir: Path, ids: list[int], processes: int,
            advance: Callable[[int], None]) -> dict[int, int]:
    """Index every article into `writer`'s (empty) index with `processes` processes in all, and
    commit. Returns {article id: version indexed}."""
    ranges = id_ranges(ids, processes)
    versions: dict[int, int] = {}
    if len(ranges) == 1 or db.url.startswith("sqlite") and ":memory:" in db.url:
        count = 0
        for count, doc in enumerate(article_documents(db, ranges[0][0], ranges[-1][1], versions), 1):
            writer.add_document(**doc)
            if count % 500 == 0:
                advance(500)
        advance(count % 500)
        writer.commit()
        return versions

    parts = [_Part(k, db.url, index_dir, writer.indexname, low, high) for k, (low, high) in enumerate(ranges[1:], 1)]
    shown = 0

    def show(own: int) -> None:
        nonlocal shown
        now = own + sum(part.count() for part in parts)
        advance(now - shown)
        shown = now

    try:
        own = 0
        for doc in article_documents(db, *ranges[0], versions):
            if own % 200 == 0:
                for part in parts:
                    part.check()
                show(own)
            writer.add_document(**doc)
            own += 1
        # Write this process's postings while the others still work: finishing it after
        # waiting for them would add the parent's whole flush (~40% of its time) to the end.
        writer.segments_written()
        while not all(part.check() for part in parts):
            show(own)
            time.sleep(0.2)
        more = []
        for part in parts:
            segments, theirs = part.outcome()
            more.extend(segments)
            versions.update(theirs)
    except BaseException:
        for part in parts:
            part.stop()
        raise
    finally:
        for part in parts:
            part.close()
    writer.commit(more_segments=more)
    show(own)
    return versions


def _main() -> None:
    """`python -m search.rebuild`: one rebuild process; the job arrives as JSON on stdin."""
    job = json.loads(sys.stdin.read())
    outcome = index_range(job["db_url"], job["index_dir"], job["indexname"], job["low"], job["high"],
                          Path(job["progress"]), job["parent"])
    partial = Path(job["result"] + ".part")
    with partial.open("wb") as f:
        pickle.dump(outcome, f, protocol=pickle.HIGHEST_PROTOCOL)
    os.replace(partial, job["result"])


if __name__ == "__main__":
    _main()
