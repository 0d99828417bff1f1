"""Index maintenance: incremental sync, check, atomic rebuild, locks and crashes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from searchutil import keys, make_archive, sqlite_url
from sqlalchemy import delete, update

from archive.extract import Extraction
from archive.models import Article
from search.index import SearchIndex
from search.store import IndexLockedError

ROOT = Path(__file__).resolve().parents[1]


def run_sync_scenario(url: str, index_dir: Path) -> None:
    """Add, change, re-extract and delete articles; the index follows each step."""
    archive = make_archive(url)
    index = SearchIndex(index_dir)
    report = index.sync(archive.repo)
    assert (report.added, report.updated, report.deleted, report.total) == (8, 0, 0, 8)
    assert index.sync(archive.repo).added == 0  # nothing changed: nothing to do

    # a new article and a changed one (new revision of the same URL)
    archive.store("volcano", source="daily", title="Volcano erupts", text="Lava reached the village.")
    archive.store("storm", source="daily", title="Storm hits coastal towns",
                  text="The hurricane flooded coastal towns overnight.")
    report = index.sync(archive.repo)
    assert (report.added, report.updated, report.deleted, report.total) == (1, 1, 0, 9)
    assert keys(archive, index.search("lava").hits) == ["volcano"]
    assert keys(archive, index.search("hurricane").hits) == ["storm"]
    assert index.search("rescue").hits == []  # the old text is gone

    # re-extraction of an existing article
    archive.repo.update_extraction(archive.ids["wheat"], Extraction(
        ok=True, title="Grain prices fall", text="Barley prices fell too.", section="Business"))
    report = index.sync(archive.repo)
    assert (report.added, report.updated) == (0, 1)
    assert keys(archive, index.search("barley").hits) == ["wheat"]

    # an article deleted from the database
    with archive.db.session() as s:
        s.execute(delete(Article).where(Article.id == archive.ids["festival"]))
    report = index.sync(archive.repo)
    assert (report.added, report.updated, report.deleted, report.total) == (0, 0, 1, 8)
    assert index.search("lighthouse").hits == []

    # one deleted and one added in the same sync: the counts agree, the deletion is still found
    with archive.db.session() as s:
        s.execute(delete(Article).where(Article.id == archive.ids["rates"]))
    archive.store("quake", source="daily", title="Earthquake", text="The tremor shook the valley.")
    report = index.sync(archive.repo)
    assert (report.added, report.updated, report.deleted, report.total) == (1, 0, 1, 8)
    assert index.search("inflation").hits == []
    assert index.check(archive.repo).ok
    index.close()
    archive.db.close()


def test_incremental_sync_sqlite(tmp_path):
    run_sync_scenario(sqlite_url(tmp_path), tmp_path / "index")


@pytest.mark.postgres
def test_incremental_sync_postgresql(tmp_path, pg_url):  # pg_url: tests/conftest.py
    run_sync_scenario(pg_url, tmp_path / "index")


@pytest.mark.postgres
def test_sqlite_and_postgresql_feed_the_same_index(tmp_path, pg_url):
    results = []
    for name, url in (("sqlite", sqlite_url(tmp_path)), ("pg", pg_url)):
        archive = make_archive(url)
        index = SearchIndex(tmp_path / f"index-{name}")
        index.sync(archive.repo)
        results.append([(h.title, h.source, h.published, h.snippet)
                        for h in index.search("grain OR storm", sort="newest").hits])
        index.close()
        archive.db.close()
    assert results[0] == results[1] and len(results[0]) == 5


def test_check_reports_and_fixes(tmp_path):
    archive = make_archive(sqlite_url(tmp_path))
    index = SearchIndex(tmp_path / "index")
    index.sync(archive.repo)
    index.delete([archive.ids["storm"]])  # missing from the index
    with archive.db.session() as s:  # changed in the database without the change marker
        s.execute(update(Article).where(Article.id == archive.ids["rates"]).values(version=Article.version + 1))
        s.execute(delete(Article).where(Article.id == archive.ids["festival"]))  # orphaned
    report = index.check(archive.repo)
    assert (report.missing, report.stale, report.orphaned) == (
        [archive.ids["storm"]], [archive.ids["rates"]], [archive.ids["festival"]])
    assert not report.ok
    fixed = index.check(archive.repo, fix=True)
    assert fixed.fixed
    assert index.check(archive.repo).ok
    assert keys(archive, index.search("river").hits) == ["storm"]
    assert index.search("lighthouse").hits == []


def test_rebuild_swaps_atomically_under_concurrent_searches(tmp_path):
    archive = make_archive(sqlite_url(tmp_path))
    index = SearchIndex(tmp_path / "index")
    index.sync(archive.repo)
    expected = ["farmers-copy", "farmers", "geneva", "wheat"]
    errors: list[str] = []
    seen: list[int] = []
    stop = threading.Event()

    def searcher() -> None:
        reader = SearchIndex(tmp_path / "index")  # another reader, as another process would have
        while not stop.is_set():
            try:
                got = keys(archive, reader.search("grain", sort="newest").hits)
                if got != expected:
                    errors.append(f"got {got}")
                seen.append(1)
            except Exception as exc:  # noqa: BLE001 - any failure is what this test looks for
                errors.append(repr(exc))
        reader.close()

    threads = [threading.Thread(target=searcher) for _ in range(2)]
    for t in threads:
        t.start()
    generations = set()
    for _ in range(4):
        report = index.sync(archive.repo, rebuild=True)
        assert report.added == 8 and report.total == 8
        generations.add(index.store.current_name())
    stop.set()
    for t in threads:
        t.join()
    assert errors == []
    assert len(seen) > 4 and len(generations) == 4
    assert len(index.store.generations()) <= 2  # older generations are cleaned up
    index.close()


HOLD_LOCK = textwrap.dedent("""
    import os, sys, time
    sys.path.insert(0, {root!r})
    from search.index import SearchIndex
    index = SearchIndex({index_dir!r})
    writer = index.store.writer(index._index())
    if {fork!r}:
        child = os.fork()
        if child == 0:  # a worker that inherits the lock and outlives its parent
            time.sleep(60)
            os._exit(0)
        print(child, flush=True)
    else:
        print(os.getpid(), flush=True)
    time.sleep(60)
""")


def _hold_lock(index_dir: Path, fork: bool) -> tuple[subprocess.Popen, int]:
    code = HOLD_LOCK.format(root=str(ROOT), index_dir=str(index_dir), fork=fork)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert line.strip().isdigit(), line
    return proc, int(line)


def test_killed_writer_does_not_block_the_next(tmp_path):
    archive = make_archive(sqlite_url(tmp_path))
    SearchIndex(tmp_path / "index").sync(archive.repo)
    proc, _ = _hold_lock(tmp_path / "index", fork=False)
    archive.store("volcano", source="daily", title="Volcano erupts", text="Lava reached the village.")
    index = SearchIndex(tmp_path / "index", writer_timeout=0.5)
    with pytest.raises(IndexLockedError, match="locked by process"):  # a live writer: clear error
        index.sync(archive.repo)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    report = index.sync(archive.repo)
    assert report.added == 1 and report.notices == []


def test_stale_lock_is_recovered_with_a_message(tmp_path):
    archive = make_archive(sqlite_url(tmp_path))
    SearchIndex(tmp_path / "index").sync(archive.repo)
    proc, orphan = _hold_lock(tmp_path / "index", fork=True)
    try:
        proc.send_signal(signal.SIGKILL)  # the owner dies; its forked worker still holds the lock
        proc.wait()
        archive.store("volcano", source="daily", title="Volcano erupts", text="Lava reached the village.")
        index = SearchIndex(tmp_path / "index", writer_timeout=0.5)
        report = index.sync(archive.repo)
        assert report.added == 1
        assert report.notices == [f"recovered a stale index lock left by process {proc.pid}, "
                                  "which is no longer running"]
        assert keys(archive, index.search("lava").hits) == ["volcano"]
    finally:
        os.kill(orphan, signal.SIGKILL)


WRITE_FOREVER = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from search.index import SearchIndex
    index = SearchIndex({index_dir!r})
    text = "grain harvest " * 400
    n = 0
    while True:
        docs = [dict(id=str(n + i), url=f"u{{n + i}}", version=1, body=text, text=text,
                     headline="t", source="s", dupkey=str(n + i)) for i in range(20)]
        index.add(docs)
        n += 20
        print(n, flush=True)
""")


@pytest.mark.parametrize("delay", [0.3, 0.7, 1.1])
def test_kill_during_commit_leaves_a_readable_index(tmp_path, delay):
    index_dir = tmp_path / "index"
    SearchIndex(index_dir).doc_count()  # create it
    proc = subprocess.Popen([sys.executable, "-c", WRITE_FOREVER.format(root=str(ROOT),
                                                                        index_dir=str(index_dir))],
                            stdout=subprocess.PIPE, text=True)
    committed = int(proc.stdout.readline())  # at least one commit done
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    out = proc.stdout.read().split()
    proc.wait()
    committed = int(out[-1]) if out else committed
    index = SearchIndex(index_dir, writer_timeout=2)
    count = index.doc_count()
    assert count % 20 == 0 and committed <= count <= committed + 20  # whole commits only
    assert index.search("grain", limit=1).total == count
    index.add([dict(id="999999", url="x", version=1, body="volcano", headline="after", source="s", dupkey="x")])
    assert [h.title for h in index.search("volcano").hits] == ["after"]


def test_an_index_holding_compressed_bodies_still_gives_snippets(tmp_path):
    """Indexes written before 2026-12 store the body zlib-compressed; they keep working."""
    import zlib

    index = SearchIndex(tmp_path / "index")
    old = "The lighthouse keepers rowed out at dawn. Later the harvest festival began."
    new = "Grain prices rose. The lighthouse keepers stayed ashore during the storm."
    index.add([dict(id="1", url="u1", version=1, body=old, text=zlib.compress(old.encode("utf-8"), 6),
                    headline="old", source="s", dupkey="a"),
               dict(id="2", url="u2", version=1, body=new, text=new, headline="new", source="s", dupkey="b")])
    hits = {hit.title: hit.snippet for hit in index.search("lighthouse").hits}
    assert "<mark>lighthouse</mark> keepers rowed" in hits["old"]
    assert "<mark>lighthouse</mark> keepers stayed" in hits["new"]
