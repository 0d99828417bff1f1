"""The crawl's writer: several articles per transaction (group commit), same archive as one by one."""

from __future__ import annotations

import asyncio
import random
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from archive.db import Database
from archive.extract import Extraction
from archive.repository import Capture, Repository
from archive.warc import WarcPointer
from crawler import writer
from crawler.writer import StoreError, StoreQueue, store_batch, writer_init

VOCAB = [f"w{i}" for i in range(3000)]
WHEN = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def words(seed: int, count: int = 300) -> list[str]:
    rng = random.Random(seed)
    return [rng.choice(VOCAB) for _ in range(count)]


def page(body: list[str], title: str = "A story", **extra: object) -> Extraction:
    content = " ".join(body)
    return Extraction(ok=True, title=title, text=content, html=f"<p>{content}</p>", word_count=len(body),
                      **extra)  # type: ignore[arg-type]


def captures(source_id: int) -> list[Capture]:
    """A crawl's worth of cases in one batch, where a later capture depends on an earlier one."""
    story, other = words(1), words(2)
    near = list(story)
    for i in range(0, 300, 40):  # a lightly edited copy: clusters with `story`
        near[i] = "edited"

    def capture(n: int, url: str, extraction: Extraction, **kw: str) -> Capture:
        return Capture(source_id, url, extraction, WarcPointer("x.warc.gz", n * 100, 100),
                       fetched_at=WHEN, **kw)
    return [
        capture(0, "https://ex.com/a", page(story), etag='"1"'),
        capture(1, "https://ex.com/print/a", page(story)),  # the same text: an alias of /a
        capture(2, "https://ex.com/b", page(near, "B")),  # near-duplicate: /a's cluster
        capture(3, "https://ex.com/a", page(story + ["Updated."])),  # changed: a revision
        capture(4, "https://ex.com/a", page(story + ["Updated."])),  # unchanged
        capture(5, "https://ex.com/c?utm_source=x", page(other, "C"), request_url="https://ex.com/go/c"),
    ]


def archive_rows(db: Database) -> list[tuple]:
    """Everything a stored article consists of, without the row ids' timestamps of insertion."""
    with db.engine.connect() as conn:
        return [
            *conn.execute(text("SELECT id, url, canonical_url, cluster_id, text_hash, content_hash, version, "
                               "etag, warc_offset FROM articles ORDER BY id")).all(),
            *conn.execute(text("SELECT article_id, content_hash, warc_offset FROM revisions "
                               "ORDER BY article_id, id")).all(),
            *conn.execute(text("SELECT url, article_id FROM aliases ORDER BY url")).all(),
            *conn.execute(text("SELECT article_id, band, bucket FROM lsh_buckets "
                               "ORDER BY article_id, band")).all(),
        ]


def test_a_batch_stores_what_one_by_one_stores(tmp_path: Path) -> None:
    one_db, batch_db = Database(f"sqlite:///{tmp_path}/one.db"), Database(f"sqlite:///{tmp_path}/batch.db")
    one, batch = Repository(one_db), Repository(batch_db)
    sid = one.ensure_source("ex")
    assert batch.ensure_source("ex") == sid
    singly = [one.store_article(c.source_id, c.fetched_url, c.extraction, c.pointer, fetched_at=c.fetched_at,
                                etag=c.etag, request_url=c.request_url) for c in captures(sid)]
    together = batch.store_articles(captures(sid))
    assert [r.outcome for r in singly] == ["new", "duplicate", "new", "updated", "unchanged", "new"]
    assert together == singly
    assert archive_rows(batch_db) == archive_rows(one_db)
    with one_db.engine.connect() as conn:  # the cases did what their comments say
        clusters = dict(conn.execute(text("SELECT canonical_url, cluster_id FROM articles")).all())
    assert clusters["https://ex.com/b"] == clusters["https://ex.com/a"] != clusters["https://ex.com/c"]
    one_db.close()
    batch_db.close()


def test_a_batch_is_one_transaction_on_both_databases(db_url: str) -> None:
    db = Database(db_url)
    repo = Repository(db)
    sid = repo.ensure_source("ex")
    batch = captures(sid)
    bad = Capture(sid, "https://ex.com/bad", page(words(3), published="yesterday"),  # type: ignore[arg-type]
                  WarcPointer("x.warc.gz", 0, 1))
    with pytest.raises(Exception, match="tzinfo"):
        repo.store_articles([*batch, bad])
    with db.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM articles")).scalar() == 0  # none of the batch
    results = repo.store_articles(batch)
    assert [r.outcome for r in results] == ["new", "duplicate", "new", "updated", "unchanged", "new"]
    db.close()


def test_the_writer_keeps_a_batch_when_one_article_fails_on_its_own(db_url: str) -> None:
    db = Database(db_url)
    sid = Repository(db).ensure_source("ex")
    good = captures(sid)
    bad = Capture(sid, "https://ex.com/bad", page(words(3), published="yesterday"),  # type: ignore[arg-type]
                  WarcPointer("x.warc.gz", 0, 1))
    writer_init(db_url)
    try:
        results = store_batch([good[0], bad, good[5]])
    finally:
        assert writer._WRITER is not None
        writer._WRITER.db.close()
        writer._WRITER = None
    assert results[0].outcome == "new" and results[2].outcome == "new"  # type: ignore[union-attr]
    assert isinstance(results[1], StoreError) and "tzinfo" in str(results[1])
    with db.engine.connect() as conn:
        urls = set(conn.execute(text("SELECT canonical_url FROM articles")).scalars())
    assert urls == {"https://ex.com/a", "https://ex.com/c"}
    db.close()


def test_store_queue_sends_what_waits_while_the_writer_is_busy() -> None:
    sent: list[list[str]] = []

    async def run(batch: list[Capture]) -> list[object]:
        sent.append([c.fetched_url for c in batch])
        await asyncio.sleep(0.01)  # the writer at work: more captures arrive meanwhile
        if any("fail" in c.fetched_url for c in batch):
            raise RuntimeError("writer died")
        return [f"stored {c.fetched_url}" for c in batch]

    def capture(url: str) -> Capture:
        return Capture(1, url, page(["x"]), WarcPointer("x", 0, 1))

    async def main() -> None:
        queue = StoreQueue(run, max_batch=4, linger=0)
        first = asyncio.ensure_future(queue.store(capture("u0")))
        await asyncio.sleep(0)  # u0 goes alone: nothing else waits yet
        rest = [asyncio.ensure_future(queue.store(capture(f"u{i}"))) for i in range(1, 7)]
        assert await first == "stored u0"
        assert await asyncio.gather(*rest) == [f"stored u{i}" for i in range(1, 7)]
        assert sent == [["u0"], ["u1", "u2", "u3", "u4"], ["u5", "u6"]]
        assert queue.batches == 3
        # A failed batch fails its own captures only; the queue goes on with the next.
        doomed = [asyncio.ensure_future(queue.store(capture(url))) for url in ("fail", "v1")]
        await asyncio.sleep(0)
        later = asyncio.ensure_future(queue.store(capture("v2")))
        outcomes = await asyncio.gather(*doomed, later, return_exceptions=True)
        assert [type(o).__name__ if isinstance(o, Exception) else o for o in outcomes] == [
            "RuntimeError", "RuntimeError", "stored v2"]
        # The drain cancelled (the crawl closing), before it ran and while the writer works:
        # nothing is left waiting, and the queue still works afterwards.
        for pause in (0, 0.002):
            waiting = [asyncio.ensure_future(queue.store(capture(f"w{i}"))) for i in range(3)]
            await asyncio.sleep(pause)
            assert queue._drain_task is not None
            queue._drain_task.cancel()
            outcomes = await asyncio.gather(*waiting, return_exceptions=True)
            assert all(isinstance(o, asyncio.CancelledError) for o in outcomes)
            assert await queue.store(capture("after")) == "stored after"

    asyncio.run(main())


def test_store_queue_lingers_for_a_fuller_batch_only_while_more_are_coming() -> None:
    sent: list[int] = []
    coming = [True]  # pages still in extraction

    async def run(batch: list[Capture]) -> list[object]:
        sent.append(len(batch))
        return [None] * len(batch)

    def capture() -> Capture:
        return Capture(1, "u", page(["x"]), WarcPointer("x", 0, 1))

    async def main() -> None:
        loop = asyncio.get_running_loop()
        queue = StoreQueue(run, max_batch=4, linger=0.5, more_coming=lambda: coming[0])
        stores = [asyncio.ensure_future(queue.store(capture()))]
        for _ in range(5):  # five more trickle in while the first waits
            await asyncio.sleep(0.002)
            stores.append(asyncio.ensure_future(queue.store(capture())))
        await asyncio.gather(*stores)
        assert sent == [4, 2]  # a full batch at once, then the rest after lingering
        coming[0] = False  # nothing more on its way: the last article is not kept waiting
        started = loop.time()
        await queue.store(capture())
        assert sent == [4, 2, 1] and loop.time() - started < 0.25
        coming[0] = True  # a lingering batch goes as soon as nothing more is coming
        late = asyncio.ensure_future(queue.store(capture()))
        await asyncio.sleep(0.05)
        started = loop.time()
        coming[0] = False
        await late
        assert sent == [4, 2, 1, 1] and loop.time() - started < 0.25

    asyncio.run(main())
