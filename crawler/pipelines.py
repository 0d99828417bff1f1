"""The archive pipeline: WARC capture, extraction in worker processes, storage in a writer process.

Extraction is CPU-bound (5-30 ms per page), so it runs in a process pool and the pipeline
awaits it: Scrapy's event loop keeps downloading meanwhile. Everything else that is pure CPU
over the page runs in the worker too: removing the source's learned boilerplate and the
near-duplicate keys (text hash, MinHash, LSH bands). Storing runs in one writer process
(crawler/writer.py), several articles per transaction, so the event loop spends its time on
downloads and there is still a single writer per crawl. The WARC record is flushed before the
database row that points at it is committed, so a crash never leaves a dangling pointer.
"""

from __future__ import annotations

import asyncio
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any

from scrapy import signals
from scrapy.exceptions import CloseSpider, DropItem
from sqlalchemy.exc import SQLAlchemyError

from archive import dedup
from archive.boilerplate import BoilerplateModel, learn_and_reclean
from archive.db import Database
from archive.extract import Extraction, extract_article
from archive.extraction.decode import header_charset
from archive.repository import Capture, Repository
from archive.warc import WarcStore
from crawler.items import PageItem
from crawler.workers import Workers, forked, worker_context
from crawler.writer import StorageFault, StoreError, StoreQueue, storage_fault, store_batch
from newsarchive.config import Source
from newsarchive.errors import UserError
from newsarchive.locks import SourceLock, source_lock


@dataclass
class ExtractResult:
    """What a worker returns: the raw extraction, the one to store, and its clustering keys."""

    raw: Extraction
    cleaned: Extraction  # `raw` without the learned boilerplate given to the job
    keys: dedup.TextKeys | None


def _extract_job(body: bytes, url: str, body_selector: str, remove_selectors: list[str],
                 encoding: str | None, learned: frozenset[str] = frozenset()) -> ExtractResult:
    raw = extract_article(body, url, body_selector=body_selector, remove_selectors=remove_selectors,
                          encoding=encoding)
    if not raw.ok:
        return ExtractResult(raw, raw, None)
    cleaned = BoilerplateModel(0, learned=dict.fromkeys(learned, "")).clean(raw) if learned else raw
    return ExtractResult(raw, cleaned, dedup.text_keys(cleaned.text))


class _StorageFaultError(Exception):
    """The writer process could not write the archive."""


def _all_started(pool: ProcessPoolExecutor) -> bool:
    """True when `pool` runs all its worker processes, so that submit() starts none."""
    processes = getattr(pool, "_processes", None)  # CPython's executor: pid -> process
    return processes is not None and len(processes) >= getattr(pool, "_max_workers", 1 << 30)


def _header(headers: list[tuple[str, str]], name: str) -> str:
    name = name.lower()
    for key, value in headers:
        if key.lower() == name:
            return value
    return ""


class ArchivePipeline:
    def __init__(self, extract_workers: int) -> None:
        self.extract_workers = extract_workers  # 0: one per CPU
        self.workers: Workers | None = None
        self.own_workers = False  # started by this pipeline (not shared by the crawl process)
        self.db: Database | None = None
        self.repo: Repository | None = None
        self.warc: WarcStore | None = None
        self.source: Source | None = None
        self.source_id = 0
        self.run_id = 0
        self.stats: Any = None
        self.crawler: Any = None
        self.lock: SourceLock | None = None
        self.boilerplate: BoilerplateModel | None = None
        self._learned: frozenset[str] = frozenset()  # the boilerplate model's blocks, for the workers
        self.closing: asyncio.Future[None] | None = None  # set when a storage fault stops the crawl
        self.extracting = 0  # pages in the extraction pool: articles on their way to the writer
        self.store_queue = StoreQueue(lambda captures: self._run_in("writer", store_batch, captures),
                                      more_coming=lambda: self.extracting > 0)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ArchivePipeline:
        pipeline = cls(crawler.settings.getint("NEWSARCHIVE_EXTRACT_WORKERS", 0))
        pipeline.stats = crawler.stats
        pipeline.crawler = crawler
        # The run is recorded on spider_closed, the first moment the finish reason is known.
        crawler.signals.connect(pipeline.spider_closed, signal=signals.spider_closed)
        return pipeline

    def open_spider(self) -> None:
        try:
            self._open_spider()
        except CloseSpider:
            raise
        except (OSError, SQLAlchemyError, UserError) as exc:
            message = storage_fault(exc)
            if message is None:
                raise
            self._storage_failed(message)
            raise CloseSpider("storage_error") from None

    def _storage_failed(self, message: str) -> None:
        """Record why the archive cannot be written; the runner turns it into one error line."""
        if not self.stats.get_value("newsarchive/storage_error"):
            self.stats.set_value("newsarchive/storage_error", message)
            self.crawler.spider.logger.error("cannot write the archive: %s", message)

    def _open_spider(self) -> None:
        spider = self.crawler.spider
        config = spider.config
        self.source = spider.source
        self.warc = WarcStore(config.warc_dir, prefix=self.source.name)
        self.warc.check_writable()
        if not spider.shared:  # alone: one crawl of a source at a time (Redis shares the work instead)
            lock = source_lock(config, self.source.name)
            if not lock.acquire():
                self.stats.set_value("newsarchive/locked", 1)
                spider.logger.warning("%s is being crawled by another process; skipped", self.source.name)
                raise CloseSpider("locked")
            self.lock = lock
        self.db = Database(config.database_url)
        self.repo = Repository(self.db)
        self.source_id = self.repo.ensure_source(self.source.name, self.source.title)
        self.run_id = self.repo.start_run(self.source_id)
        self.boilerplate = BoilerplateModel.load(self.repo, self.source_id)
        spider.articles = self.repo.article_states(self.source_id)
        spider.known = set(spider.articles)
        spider.feed_states = self.repo.feed_states([*self.source.feeds, *self.source.sitemaps])
        self.workers = forked()
        if self.workers is None or self.workers.database_url != config.database_url:
            self.workers = Workers(self.extract_workers, config.database_url, worker_context())
            self.own_workers = True

    def _replace_broken(self, which: str, broken: ProcessPoolExecutor) -> None:
        assert self.workers is not None
        if self.workers.replace_broken(which, broken):
            self._inc("worker_restarts")
            self.crawler.spider.logger.warning("a %s process died; started a new one",
                                               "extraction" if which == "pool" else "database writer")

    async def _run_in(self, which: str, func: Any, *args: Any) -> Any:
        """func(*args) in the named pool, retried once on a fresh pool if a worker died."""
        for attempt in range(2):
            assert self.workers is not None
            pool: ProcessPoolExecutor = getattr(self.workers, which)
            try:
                if _all_started(pool):
                    future = pool.submit(func, *args)
                else:
                    # submit() starts worker processes on demand (a forkserver launch takes a
                    # second or more): call it from a thread so the event loop keeps downloading
                    # meanwhile. Once every worker runs, a thread per job would only cost time.
                    future = await asyncio.to_thread(pool.submit, func, *args)
                return await asyncio.wrap_future(future)
            except BrokenProcessPool:
                if attempt == 1:
                    raise
                self._replace_broken(which, pool)
        raise AssertionError("unreachable")

    def _inc(self, key: str) -> None:
        self.stats.inc_value(f"newsarchive/{key}")

    async def process_item(self, item: PageItem) -> PageItem:
        if self.stats.get_value("newsarchive/storage_error"):
            raise DropItem("the archive cannot be written", log_level="INFO")
        try:
            return await self._process_item(item)
        except (OSError, SQLAlchemyError, UserError, _StorageFaultError) as exc:
            message = str(exc) if isinstance(exc, _StorageFaultError) else storage_fault(exc)
            if message is None:
                raise
            self._storage_failed(message)
            if self.closing is None:  # nothing more can be stored: stop fetching
                self.closing = asyncio.ensure_future(
                    self.crawler.engine.close_spider_async(reason="storage_error"))
            raise DropItem(f"the archive cannot be written: {message}", log_level="INFO") from None

    async def _process_item(self, item: PageItem) -> PageItem:
        spider = self.crawler.spider
        assert self.warc and self.repo and self.workers and self.source
        reason = "OK" if item.status == 200 else ""
        pointer = self.warc.write(item.url, item.status, reason, item.headers, item.body,
                                  item.request_headers)
        learned = self._learned_blocks()
        self.extracting += 1
        try:
            result: ExtractResult = await self._run_in(
                "pool", _extract_job, item.body, item.url, self.source.body_selector,
                list(self.source.remove_selectors), header_charset(_header(item.headers, "Content-Type")),
                learned)
        except Exception as exc:  # noqa: BLE001 - a page that kills its worker twice must not stop the crawl
            failed = Extraction(ok=False, reason=f"extraction crashed: {type(exc).__name__}")
            result = ExtractResult(failed, failed, None)
        finally:
            self.extracting -= 1
        extraction = result.raw
        if not extraction.ok:
            self.repo.record_page(self.source_id, item.url, item.status, extraction.reason, pointer)
            self._inc("no_article")
            spider.logger.info("no article at %s: %s", item.url, extraction.reason)
            return item
        assert self.boilerplate is not None
        cleaned, keys = result.cleaned, result.keys
        if self._learned_blocks() is not learned:  # blocks learned while this page was extracted
            cleaned, keys = self.boilerplate.clean(extraction), None  # (keys computed on store)
        capture = Capture(self.source_id, item.url, cleaned, pointer, etag=_header(item.headers, "ETag"),
                          last_modified=_header(item.headers, "Last-Modified"), request_url=item.request_url,
                          keys=keys)
        try:
            # Storing is idempotent: a retry after the writer died finds a committed article
            # "unchanged" and stores nothing twice (and a batch in flight was not committed).
            stored = await self.store_queue.store(capture)
        except BrokenProcessPool:
            raise _StorageFaultError("the database writer process died twice in a row") from None
        if isinstance(stored, StorageFault):
            raise _StorageFaultError(stored.message)
        if isinstance(stored, StoreError):
            raise stored
        result_row = stored
        self.boilerplate.observe(result_row.article_id, extraction)
        self._inc({"new": "new_articles", "updated": "updated_articles"}.get(result_row.outcome, "unchanged"))
        return item

    def _learned_blocks(self) -> frozenset[str]:
        """The learned boilerplate fingerprints now (rebuilt only when the model learned more)."""
        assert self.boilerplate is not None
        if len(self._learned) != len(self.boilerplate.learned):
            self._learned = frozenset(self.boilerplate.learned)
        return self._learned

    def close_spider(self) -> None:
        self.stats.set_value("newsarchive/store_transactions", self.store_queue.batches)
        if self.workers is not None and self.own_workers:
            self.workers.shutdown()
        self.workers = None
        if self.warc is not None:
            self.warc.close()
            self.warc = None

    def spider_closed(self, spider: Any, reason: str) -> None:
        try:
            self._record_run(spider, reason)
        except (OSError, SQLAlchemyError, UserError) as exc:
            message = storage_fault(exc)
            if message is None:
                raise
            self._storage_failed(message)  # the run stays "running" in the log; the next run cleans up
        finally:
            if self.db is not None:
                self.db.close()
            if self.lock is not None:
                self.lock.release()

    def _record_run(self, spider: Any, reason: str) -> None:
        if self.repo is not None and self.run_id:
            summary = collect_summary(self.stats.get_stats())
            self.repo.mark_not_modified(spider.not_modified_ids)
            # Keep a feed's validators only when everything it listed was fetched: otherwise
            # the next run's 304 would hide the articles this run did not get to.
            if reason == "finished" and not summary["errors"] and not self.stats.get_value(
                    "newsarchive/over_page_cap"):
                self.repo.save_feed_states(spider.new_feed_states)
            if self.boilerplate is not None:
                # Learn blocks seen across this run's articles; clean articles stored before.
                learn_and_reclean(self.repo, self.source_id, self.boilerplate)
            self.repo.finish_run(self.run_id, summary,
                                 status="finished" if reason == "finished" else str(reason))


def collect_summary(stats: dict[str, Any]) -> dict[str, Any]:
    """The newsarchive counters of one crawl, from Scrapy's stats."""
    def get(key: str) -> int:
        return int(stats.get(f"newsarchive/{key}", 0))

    errors = {k.rsplit("/", 1)[1]: v for k, v in stats.items() if k.startswith("newsarchive/errors_by_kind/")}
    return {
        "pages_fetched": get("pages_fetched"),
        "documents_fetched": get("documents_fetched"),
        "new_articles": get("new_articles"),
        "updated_articles": get("updated_articles"),
        "unchanged": get("unchanged"),
        "no_article": get("no_article"),
        "skipped": get("skipped"),
        "not_modified": get("not_modified"),
        "errors": sum(errors.values()),
        "errors_by_kind": errors,
    }
