"""The one generic news spider: feeds, sitemaps and start pages of one configured source.

It only fetches; every candidate article response goes to the archive pipeline as a PageItem.
Article URLs the archive already holds are not requested again.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import urlsplit

import scrapy
from scrapy.http import Request, Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)

from archive.urls import canonicalize
from crawler.feeds import parse_xml
from crawler.items import PageItem
from newsarchive.config import Config, Source, load_config

HTML_TYPES = ("text/html", "application/xhtml+xml")


def error_kind(failure: Any) -> str:
    """A short name for why a request failed, used in the crawl summary."""
    if failure.check(HttpError):
        return f"http_{failure.value.response.status}"
    if failure.check(DNSLookupError):
        return "dns"
    if failure.check(TimeoutError, TCPTimedOutError):
        return "timeout"
    if failure.check(ConnectionRefusedError):
        return "connection_refused"
    name = type(failure.value).__name__
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(self, source: str | None = None, config: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not source:
            raise ValueError("name the source: scrapy crawl news -a source=NAME")
        self.source_name = source
        self.config_path = config
        self.config: Config | None = None
        self.source: Source | None = None
        self.known: set[str] = set()
        self.requested: set[str] = set()
        self.article_re: re.Pattern[str] | None = None
        self.links: LinkExtractor | None = None
        self.pages_requested = 0

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        config = kwargs.get("config") or crawler.settings.get("NEWSARCHIVE_CONFIG")
        spider.config = load_config(config)
        spider.source = spider.config.source(spider.source_name)
        spider.allowed_domains = spider.source.domains()
        spider.max_pages = crawler.settings.getint("NEWSARCHIVE_MAX_PAGES", 5000)
        if spider.source.article_pattern:
            spider.article_re = re.compile(spider.source.article_pattern)
        spider.links = LinkExtractor(unique=True)  # domain filtering is ours: it must ignore ports
        return spider

    # -- helpers ------------------------------------------------------------------------
    def _stat(self, key: str, count: int = 1) -> None:
        self.crawler.stats.inc_value(f"newsarchive/{key}", count)

    def _in_domain(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.allowed_domains)

    def is_article_url(self, url: str) -> bool:
        return self.article_re is None or bool(self.article_re.search(url))

    def article_request(self, url: str, **meta: Any) -> Request | None:
        """A request for a candidate article page, or None when it is known or out of bounds."""
        if not url.startswith(("http://", "https://")) or not self._in_domain(url):
            return None
        if not self.is_article_url(url):
            return None
        key = canonicalize(url)
        if key in self.requested:
            return None
        self.requested.add(key)
        if key in self.known:
            self._stat("skipped")
            return None
        if self.pages_requested >= self.max_pages:
            self._stat("over_page_cap")
            return None
        self.pages_requested += 1
        return Request(url, callback=self.parse_page, errback=self.on_error, meta=meta)

    # -- start --------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Request]:
        assert self.source is not None
        for url in self.source.feeds:
            yield Request(url, callback=self.parse_xml_document, errback=self.on_error,
                          meta={"kind": "feed"}, dont_filter=True, priority=10)
        for url in self.source.sitemaps:
            yield Request(url, callback=self.parse_xml_document, errback=self.on_error,
                          meta={"kind": "sitemap"}, dont_filter=True, priority=10)
        for url in self.source.start_urls:
            yield Request(url, callback=self.parse_hub, errback=self.on_error, dont_filter=True,
                          priority=5)

    # -- callbacks ----------------------------------------------------------------------
    def parse_xml_document(self, response: Response) -> Iterator[Request]:
        self._stat("documents_fetched")
        parsed = parse_xml(response.body)
        if parsed.kind == "unknown":
            self.crawler.stats.inc_value("newsarchive/errors_by_kind/unreadable_feed")
            self.logger.warning("%s is not a feed or sitemap", response.url)
            return
        if parsed.kind == "sitemapindex":
            for link in parsed.links:
                if self._in_domain(link.url):
                    yield Request(link.url, callback=self.parse_xml_document, errback=self.on_error,
                                  meta={"kind": "sitemap"}, priority=10)
            return
        for link in parsed.links:
            request = self.article_request(link.url)
            if request is not None:
                yield request

    def parse_hub(self, response: Response) -> Iterator[Request | PageItem]:
        """A start or section page: follow article links, and hub links up to DEPTH_LIMIT."""
        self._stat("documents_fetched")
        if not isinstance(response, TextResponse):
            return
        assert self.links is not None
        for link in self.links.extract_links(response):
            request = self.article_request(link.url)
            if request is not None:
                yield request
            elif (self.article_re is not None and not self.article_re.search(link.url)
                  and self._in_domain(link.url)):
                yield Request(link.url, callback=self.parse_hub, errback=self.on_error, priority=1)

    def parse_page(self, response: Response) -> Iterator[Request | PageItem]:
        self._stat("pages_fetched")
        content_type = response.headers.get(b"Content-Type", b"").decode("latin-1").lower()
        if content_type and not any(t in content_type for t in HTML_TYPES):
            self._stat("not_html")
            return
        request_url = response.request.meta.get("redirect_urls", [response.url])[0] \
            if response.request is not None else response.url
        yield PageItem(
            source=self.source_name,
            url=response.url,
            status=response.status,
            headers=[(k.decode("latin-1"), v.decode("latin-1"))
                     for k, values in response.headers.items() for v in values],
            body=response.body,
            request_headers=[(k.decode("latin-1"), v.decode("latin-1"))
                             for k, values in (response.request.headers.items()
                                               if response.request is not None else [])
                             for v in values],
            request_url=request_url,
        )
        if self.article_re is None and isinstance(response, TextResponse):
            # Without a pattern every page may be a hub too: keep following links (depth-limited).
            assert self.links is not None
            for link in self.links.extract_links(response):
                request = self.article_request(link.url)
                if request is not None:
                    yield request

    def on_error(self, failure: Any) -> None:
        kind = error_kind(failure)
        self.crawler.stats.inc_value(f"newsarchive/errors_by_kind/{kind}")
        self.logger.info("failed %s: %s", failure.request.url, kind)
