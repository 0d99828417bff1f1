"""Run the news spider for configured sources with Scrapy's CrawlerProcess.

Twisted's reactor runs once per process, so `crawl` starts a fresh child process for every
call; that keeps the Python API re-entrant (tests, `newsarchive run`, the scheduler).
"""

from __future__ import annotations

import multiprocessing
from dataclasses import asdict, dataclass, field
from typing import Any

from newsarchive.config import Config
from newsarchive.errors import UserError


@dataclass
class CrawlSummary:
    source: str
    pages_fetched: int = 0
    documents_fetched: int = 0
    new_articles: int = 0
    updated_articles: int = 0
    unchanged: int = 0
    no_article: int = 0
    skipped: int = 0
    not_modified: int = 0
    errors: int = 0
    errors_by_kind: dict[str, int] = field(default_factory=dict)
    finish_reason: str = ""

    def line(self) -> str:
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(self.errors_by_kind.items()))
        if self.finish_reason == "locked":
            return f"{self.source}: skipped, another process is crawling it"
        stopped = {"too_many_errors": " - stopped after too many errors",
                   "unreachable": " - site unreachable"}.get(
            self.finish_reason, f" - stopped ({self.finish_reason})"
            if self.finish_reason not in ("", "finished") else "")
        return (f"{self.source}: {self.pages_fetched} pages fetched, {self.new_articles} new, "
                f"{self.updated_articles} updated, {self.not_modified} not modified, {self.skipped} skipped, "
                f"{self.no_article} not articles, {self.errors} errors" + (f" ({kinds})" if kinds else "")
                + stopped)


def crawl_table_settings(config: Config) -> dict[str, Any]:
    """The Scrapy settings that come from the user's [crawl] table."""
    crawl = config.crawl
    values = {
        "USER_AGENT": crawl["user_agent"],
        "ROBOTSTXT_OBEY": crawl["obey_robots_txt"],
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl["concurrency_per_domain"],
        "CONCURRENT_REQUESTS": max(4, 4 * crawl["concurrency_per_domain"]),
        "DOWNLOAD_DELAY": crawl["download_delay"],
        "AUTOTHROTTLE_ENABLED": crawl["autothrottle"],
        "AUTOTHROTTLE_START_DELAY": max(crawl["download_delay"], 0.1),
        "DOWNLOAD_TIMEOUT": crawl["timeout"],
        "DOWNLOAD_MAXSIZE": crawl["max_page_bytes"],
        "DEPTH_LIMIT": crawl["max_depth"],
        "NEWSARCHIVE_MAX_PAGES": crawl["max_pages"],
        "NEWSARCHIVE_EXTRACT_WORKERS": crawl["extract_workers"],
        "NEWSARCHIVE_CONFIG": str(config.path) if config.path else None,
        "NEWSARCHIVE_REVISIT_AFTER": list(crawl["revisit_after"]),
        "NEWSARCHIVE_MAX_ERRORS": crawl["max_errors"],
        "NEWSARCHIVE_BACKOFF_MAX": crawl["backoff_max"],
    }
    if crawl["redis_url"]:
        from crawler.shared import redis_settings

        values.update(redis_settings(crawl["redis_url"], crawl["redis_prefix"]))
    return values


def scrapy_settings(config: Config, *, progress: bool = False, log_level: str = "WARNING",
                    revisit_all: bool = False) -> Any:
    """Scrapy settings: crawler/settings.py overlaid with the user's [crawl] table."""
    from scrapy.settings import Settings

    from crawler import settings as defaults

    settings = Settings()
    settings.setmodule(defaults, priority="project")
    settings.setdict({**crawl_table_settings(config), "NEWSARCHIVE_PROGRESS": progress,
                      "LOG_LEVEL": log_level, "NEWSARCHIVE_REVISIT_ALL": revisit_all}, priority="cmdline")
    return settings


def crawl_here(config: Config, names: list[str], *, progress: bool = False,
               log_level: str = "WARNING", revisit_all: bool = False) -> list[CrawlSummary]:
    """Crawl in this process (the reactor can run only once per process)."""
    from scrapy.crawler import CrawlerProcess

    from crawler.pipelines import collect_summary
    from crawler.spiders.news import NewsSpider
    from crawler.workers import fork_workers, stop_forked

    sources = config.select_sources(names)
    settings = scrapy_settings(config, progress=progress, log_level=log_level, revisit_all=revisit_all)
    # Before Scrapy starts any thread: the workers fork from this process, warm (crawler/workers.py).
    fork_workers(settings.getint("NEWSARCHIVE_EXTRACT_WORKERS"), config.database_url)
    try:
        process = CrawlerProcess(settings)
        crawlers = []
        for source in sources:
            crawler = process.create_crawler(NewsSpider)
            crawlers.append((source.name, crawler))
            process.crawl(crawler, source=source.name, config=str(config.path) if config.path else None)
        process.start()
    finally:
        stop_forked()
    summaries = []
    failed: list[str] = []
    for name, crawler in crawlers:
        stats = crawler.stats.get_stats() if crawler.stats else {}
        summary = CrawlSummary(source=name, **collect_summary(stats))
        summary.finish_reason = str(stats.get("finish_reason", ""))
        summaries.append(summary)
        if stats.get("newsarchive/storage_error"):
            failed.append(f"{name}: {stats['newsarchive/storage_error']}")
    if failed:
        # The crawl could not store what it fetched: a summary of zeros would read as success.
        raise UserError(f"cannot write the archive ({'; '.join(failed)}); make the data folder "
                        "writable and free some disk space, then rerun `newsarchive crawl` "
                        "— what was stored before is kept")
    return summaries


def _child(config: Config, names: list[str], progress: bool, log_level: str, conn: Any,
           revisit_all: bool = False) -> None:
    try:
        summaries = crawl_here(config, names, progress=progress, log_level=log_level, revisit_all=revisit_all)
        conn.send(("ok", [asdict(s) for s in summaries]))
    except UserError as exc:
        conn.send(("error", str(exc)))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent as one line
        conn.send(("error", f"crawl failed: {type(exc).__name__}: {exc}"))
    finally:
        conn.close()


def crawl(config: Config, names: list[str] | None = None, *, progress: bool = False,
          log_level: str = "WARNING", revisit_all: bool = False) -> list[CrawlSummary]:
    """Crawl the named sources (all when empty) in a child process and return one summary each."""
    names = [s.name for s in config.select_sources(names)]  # validates names before starting
    if not names:
        raise UserError("no sources configured; add a [[sources]] table to "
                        f"{config.path or 'newsarchive.toml'}")
    context = multiprocessing.get_context("forkserver")
    # The forkserver imports Scrapy, the spider and trafilatura once; every later crawl in this
    # process (the scheduler, tests) forks from it warm instead of importing them again.
    context.set_forkserver_preload(["crawler.preload"])
    from crawler.forkserver import start_forkserver_ignoring_ctrl_c

    start_forkserver_ignoring_ctrl_c()  # Ctrl-C reaches the crawl process's own handler (Scrapy's) only
    parent_conn, child_conn = context.Pipe(duplex=False)
    process = context.Process(target=_child, args=(config, names, progress, log_level, child_conn, revisit_all),
                              name="newsarchive-crawl")
    process.start()
    child_conn.close()
    result: tuple[str, Any] | None = None
    interrupted = False
    while True:
        try:
            if parent_conn.poll(0.2):
                result = parent_conn.recv()
            if result is not None or not process.is_alive():
                break
        except KeyboardInterrupt:
            # The child got the same Ctrl-C and is shutting down cleanly; a second one stops it.
            if interrupted:
                process.kill()
                break
            interrupted = True
        except EOFError:
            break
    process.join()
    if result is None:
        raise UserError(f"the crawl process stopped unexpectedly (exit code {process.exitcode}); "
                        "rerun `newsarchive crawl` — what was archived is kept")
    status, payload = result
    if status == "error":
        raise UserError(payload)
    return [CrawlSummary(**s) for s in payload]
