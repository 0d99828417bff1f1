"""Faults and concurrency with real processes: two writers storing the same articles create no
duplicates; SIGKILL in the middle of a crawl leaves no half-written article; a lost database
connection is retried; a database that stays unavailable ends in one line."""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import OperationalError

from archive.db import Database, DatabaseError, retrying
from archive.extract import Extraction
from archive.models import Alias, Article, Revision
from archive.repository import Capture, Repository
from archive.warc import WarcPointer, WarcStore, read_capture

ARTICLES = 30
# fork: the children start at once with everything imported. They leave with os._exit so that
# connections inherited from the parent (pytest's fixtures) are never closed from the child.
CTX = multiprocessing.get_context("fork")


def article(n: int) -> tuple[str, Extraction]:
    text = f"Story number {n} about the harbor. " + " ".join(f"detail{n}x{i}" for i in range(60))
    return (f"https://gazette.example/2025/story-{n}",
            Extraction(ok=True, title=f"Story {n}", text=text, html=f"<p>{text}</p>", word_count=len(text.split())))


def store_all(db_url: str, warc_dir: str, start: object, results: object, tag: str, count: int = ARTICLES) -> None:
    """A crawl in miniature: WARC record first (flushed), then the article in one transaction."""
    db = Database(db_url)
    repo = Repository(db)
    warc = WarcStore(Path(warc_dir), prefix=tag)
    source_id = repo.ensure_source("gazette")
    if start is not None:
        start.wait(30)
    for n in range(count):
        url, ex = article(n)
        fetched = f"{url}?utm_source={tag}" if n % 2 else url
        pointer = warc.write(fetched, 200, "OK", [("Content-Type", "text/html")], f"<html>{ex.html}</html>".encode())
        result = repo.store_article(source_id, fetched, ex, pointer)
        if results is not None:
            results.put((tag, n, result.outcome))
    warc.close()
    db.close()


def child(target, *args: object) -> None:
    code = 0
    try:
        target(*args)
    except BaseException:  # noqa: BLE001 - reported through the exit code and stderr
        import traceback
        traceback.print_exc()
        code = 1
    finally:
        for arg in args:
            if hasattr(arg, "join_thread"):
                arg.close()
                arg.join_thread()
        os._exit(code)


def two_writers(db_url: str, job: Callable[[object, object, str], tuple]) -> list[tuple[str, int, str]]:
    """Run job(start, results, tag) -> (target, *args) in two processes ("one", "two") released
    together; the (tag, article number, outcome) of every article each stored."""
    Database(db_url).close()  # schema first, as `newsarchive crawl` does before starting crawlers
    start, results = CTX.Event(), CTX.Queue()
    writers = [CTX.Process(target=child, args=job(start, results, tag)) for tag in ("one", "two")]
    for w in writers:
        w.start()
    start.set()
    outcomes = [results.get(timeout=120) for _ in range(2 * ARTICLES)]
    for w in writers:
        w.join(60)
        assert w.exitcode == 0
    return outcomes


def test_two_processes_storing_the_same_articles_create_no_duplicates(db_url: str, tmp_path: Path) -> None:
    outcomes = two_writers(db_url, lambda start, results, tag: (
        store_all, db_url, str(tmp_path / "warc"), start, results, tag))
    new = sorted(n for _tag, n, outcome in outcomes if outcome == "new")
    assert new == list(range(ARTICLES))  # each article created exactly once
    assert {o for *_, o in outcomes} <= {"new", "unchanged"}
    db = Database(db_url)
    try:
        with db.session() as s:
            assert s.scalar(select(func.count()).select_from(Article)) == ARTICLES
            assert s.scalar(select(func.count()).select_from(Revision)) == ARTICLES
            assert s.scalar(select(func.count(func.distinct(Alias.url)))) == \
                s.scalar(select(func.count()).select_from(Alias)) == ARTICLES
    finally:
        db.close()


def store_batches(db_url: str, start: object, results: object, tag: str, reverse: bool) -> None:
    """The crawl's writer in miniature: the same articles in batches of 10, one transaction each."""
    db = Database(db_url)
    repo = Repository(db)
    source_id = repo.ensure_source("gazette")
    start.wait(30)  # type: ignore[attr-defined]
    numbers = list(range(ARTICLES))[::-1] if reverse else list(range(ARTICLES))
    for first in range(0, ARTICLES, 10):
        batch = numbers[first:first + 10]
        captures = [Capture(source_id, article(n)[0], article(n)[1], WarcPointer(f"{tag}.warc.gz", n, 1))
                    for n in batch]
        for n, result in zip(batch, repo.store_articles(captures), strict=True):
            results.put((tag, n, result.outcome))  # type: ignore[attr-defined]
    db.close()


def test_two_writers_storing_the_same_batches_in_opposite_orders_create_no_duplicates(
        db_url: str) -> None:
    """Batches lock several articles each: two writers taking them in opposite orders can
    deadlock on PostgreSQL or collide on a unique URL; the transaction is retried, not lost."""
    outcomes = two_writers(db_url, lambda start, results, tag: (
        store_batches, db_url, start, results, tag, tag == "two"))
    assert sorted(n for _tag, n, outcome in outcomes if outcome == "new") == list(range(ARTICLES))
    assert {o for *_, o in outcomes} <= {"new", "unchanged"}
    db = Database(db_url)
    try:
        with db.session() as s:
            assert s.scalar(select(func.count()).select_from(Article)) == ARTICLES
            assert s.scalar(select(func.count()).select_from(Revision)) == ARTICLES
    finally:
        db.close()


def progress_writer(db_url: str, warc_dir: str, results: object) -> None:
    store_all(db_url, warc_dir, None, results, "killed", count=10_000)


def check_integrity(db_url: str, warc_dir: Path) -> int:
    """Every article has its revision and a readable WARC capture of its own URL."""
    db = Database(db_url)
    try:
        if db_url.startswith("sqlite"):
            with db.engine.connect() as conn:
                assert conn.execute(text("PRAGMA integrity_check")).scalar() == "ok"
        with db.session() as s:
            articles = list(s.scalars(select(Article)))
            for a in articles:
                assert len(a.revisions) == 1 and a.revisions[0].text == a.text
                assert a.aliases
                capture = read_capture(warc_dir, (a.warc_file, a.warc_offset))
                assert capture.url == a.url and a.title.encode() in capture.body or a.text[:20].encode() in capture.body
                assert (a.revisions[0].warc_file, a.revisions[0].warc_offset) == (a.warc_file, a.warc_offset)
        return len(articles)
    finally:
        db.close()


def test_sigkill_mid_crawl_leaves_no_half_written_article(db_url: str, tmp_path: Path) -> None:
    Database(db_url).close()
    warc_dir = tmp_path / "warc"
    results = CTX.Queue()
    writer = CTX.Process(target=child, args=(progress_writer, db_url, str(warc_dir), results))
    writer.start()
    for _ in range(25):  # let it get well into the loop, then kill it without warning
        results.get(timeout=120)
    os.kill(writer.pid, signal.SIGKILL)
    writer.join(30)
    assert writer.exitcode == -signal.SIGKILL
    stored = check_integrity(db_url, warc_dir)
    assert stored >= 25
    # the next run completes the work: nothing duplicated, nothing missing
    store_all(db_url, str(warc_dir), None, None, "rerun", count=stored + 5)
    assert check_integrity(db_url, warc_dir) == stored + 5


def test_lost_postgresql_connections_are_replaced(pg_url: str) -> None:
    db = Database(pg_url)
    repo = Repository(db)
    try:
        source_id = repo.ensure_source("gazette")
        url, ex = article(1)
        repo.store_article(source_id, url, ex, _pointer())
        with db.engine.connect() as admin:  # the server drops every other session (restart, failover)
            admin.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                               "WHERE datname = current_database() AND pid <> pg_backend_pid()"))
        url, ex = article(2)
        assert repo.store_article(source_id, url, ex, _pointer()).outcome == "new"
    finally:
        db.close()


def _pointer():
    from archive.warc import WarcPointer
    return WarcPointer("x.warc.gz", 0, 1)


def _locked() -> OperationalError:
    import sqlite3
    return OperationalError("INSERT ...", {}, sqlite3.OperationalError("database is locked"))


def test_retrying_backs_off_then_fails_in_one_line() -> None:
    calls = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise _locked()
        return "stored"

    assert retrying(flaky, base_delay=0.001) == "stored" and len(calls) == 3

    def always_locked() -> None:
        raise _locked()

    with pytest.raises(DatabaseError) as info:
        retrying(always_locked, attempts=3, base_delay=0.001)
    assert "\n" not in str(info.value) and "after 3 attempts" in str(info.value)

    import sqlite3

    def broken_schema() -> None:  # not a lock: no retry, the real error surfaces at once
        calls.append(1)
        raise OperationalError("SELECT", {}, sqlite3.OperationalError("no such table: articles"))

    calls.clear()
    with pytest.raises(OperationalError):
        retrying(broken_schema, base_delay=0.001)
    assert len(calls) == 1


def test_locked_sqlite_database_waits_for_the_writer(tmp_path: Path) -> None:
    """Another connection holding the write lock briefly: the store waits (busy timeout), then succeeds."""
    url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    db = Database(url)
    repo = Repository(db)
    source_id = repo.ensure_source("gazette")
    ready, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=hold_write_lock, args=(str(tmp_path / "a.sqlite"), ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        url_, ex = article(3)
        release.set()  # the holder commits after a moment; the store must not fail meanwhile
        assert repo.store_article(source_id, url_, ex, _pointer()).outcome == "new"
    finally:
        holder.join(30)
        db.close()
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Article)) == 1


def hold_write_lock(path: str, ready: object, release: object) -> None:
    import sqlite3
    import time

    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("BEGIN IMMEDIATE")
    conn.execute("INSERT INTO sources (name, title, created_at) VALUES ('lock', '', '2025-01-01')")
    ready.set()
    release.wait(30)
    time.sleep(0.5)
    conn.execute("COMMIT")
    conn.close()
