"""A live one-line progress display per source while crawling (when NEWSARCHIVE_PROGRESS)."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from scrapy import signals
from scrapy.exceptions import NotConfigured
from twisted.internet import task

_console = Console(stderr=True)


class CrawlProgress:
    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> CrawlProgress:
        if not crawler.settings.getbool("NEWSARCHIVE_PROGRESS"):
            raise NotConfigured
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def spider_opened(self, spider: Any) -> None:
        self.loop = task.LoopingCall(self.show, spider)
        self.loop.start(2.0, now=False)

    def show(self, spider: Any) -> None:
        stats = self.crawler.stats
        get = lambda key: stats.get_value(f"newsarchive/{key}", 0)  # noqa: E731
        errors = sum(v for k, v in stats.get_stats().items() if k.startswith("newsarchive/errors_by_kind/"))
        _console.print(f"[dim]{spider.source_name}: {get('pages_fetched')} pages, {get('new_articles')} new, "
                       f"{get('skipped')} skipped, {errors} errors …[/dim]", highlight=False)

    def spider_closed(self, spider: Any) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
