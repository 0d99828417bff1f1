"""The one generic news spider: feeds, sitemaps and start pages of one configured source.

It only fetches; every candidate article response goes to the archive pipeline as a PageItem.
Feeds and sitemaps are fetched on every run with a conditional GET (a 304 costs nothing);
article URLs the archive already holds are not requested again, except by the revisit policy
(crawler/revisit.py): at decaying checkpoints after publication, or when a sitemap lastmod is
newer than the last capture, again with a conditional GET.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from typing import Any

import scrapy
from scrapy.exceptions import (
    CannotResolveHostError,
    CloseSpider,
    DownloadConnectionRefusedError,
    DownloadTimeoutError,
)
from scrapy.http import Request, Response, TextResponse
from scrapy.linkextractors import LinkExtractor
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.internet.error import (
    ConnectionRefusedError,
    DNSLookupError,
    TCPTimedOutError,
    TimeoutError,
)

from archive.repository import ArticleState
from archive.urls import canonicalize
from crawler import revisit
from crawler.feeds import parse_xml
from crawler.items import PageItem
from crawler.scope import Scope
from newsarchive.config import Config, Source, load_config

HTML_TYPES = ("text/html", "application/xhtml+xml")
UNREACHABLE_KINDS = ("connection_refused", "dns", "no_route_error", "connect_error")


def error_kind(failure: Any) -> str:
    """A short name for why a request failed, used in the crawl summary."""
    if failure.check(HttpError):
        return f"http_{failure.value.response.status}"
    # Scrapy >= 2.19 raises its own exceptions (the Twisted one as __cause__); older ones Twisted's.
    if failure.check(DNSLookupError, CannotResolveHostError):
        return "dns"
    if failure.check(TimeoutError, TCPTimedOutError, DownloadTimeoutError):
        return "timeout"
    if failure.check(ConnectionRefusedError, DownloadConnectionRefusedError):
        return "connection_refused"
    name = type(failure.value).__name__
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


#: Links read from one page at most: a page of 100,000 links would otherwise cost seconds of
#: CPU in the reactor thread (LinkExtractor: ~7 s per 100,000 links here, idle machine).
MAX_LINKS_PER_PAGE = 5000


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(self, source: str | None = None, config: str | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not source:
            raise ValueError("name the source: scrapy crawl news -a source=NAME")
        self.name = f"news-{source}"  # per source: names the source's Redis keys when sharing a crawl
        self.scope = Scope([], [])  # set from the source in from_crawler
        self.source_name = source
        self.config_path = config
        self.config: Config | None = None
        self.source: Source | None = None
        self.known: set[str] = set()
        # Set by the archive pipeline when the spider opens:
        self.articles: dict[str, ArticleState] = {}  # canonical URL or alias -> revisit state
        self.feed_states: dict[str, tuple[str, str]] = {}  # feed/sitemap URL -> (ETag, Last-Modified)
        # Collected during the run, written by the pipeline when the spider closes:
        self.new_feed_states: dict[str, tuple[str, str]] = {}
        self.not_modified_ids: list[int] = []
        self.checkpoints = revisit.offsets([])
        self.max_errors = 0
        self.shared = False  # scrapy-redis: requests go through the shared dupefilter
        self.revisit_all = False  # set from NEWSARCHIVE_REVISIT_ALL (`crawl --revisit`)
        self.requested: set[str] = set()
        self.article_re: re.Pattern[str] | None = None
        self.links: LinkExtractor | None = None
        self.pages_requested = 0
        self.max_links = MAX_LINKS_PER_PAGE
        self.documents_requested: set[str] = set()  # sitemaps followed from an index this run
        # Feeds, sitemaps and start pages issued by start(); when every one of them fails
        # without an answer (refused, unknown host), the site is down: stop at once.
        self.start_requests_issued = 0
        self.start_requests_unreachable = 0
        self.answered = False

    @classmethod
    def update_settings(cls, settings: Any) -> None:
        """Under `scrapy crawl` / Scrapyd, apply the [crawl] table of newsarchive.toml too.

        `newsarchive crawl` sets the same values at a higher priority, so they agree.
        """
        super().update_settings(settings)
        from crawler.runner import crawl_table_settings
        from newsarchive.errors import UserError

        try:
            config = load_config(settings.get("NEWSARCHIVE_CONFIG"))
        except UserError:
            return  # reported when the spider loads the config
        settings.setdict(crawl_table_settings(config), priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Any, *args: Any, **kwargs: Any) -> NewsSpider:
        spider = super().from_crawler(crawler, *args, **kwargs)
        config = kwargs.get("config") or crawler.settings.get("NEWSARCHIVE_CONFIG")
        spider.config = load_config(config)
        spider.source = spider.config.source(spider.source_name)
        spider.allowed_domains = spider.source.domains()
        spider.scope = Scope(spider.allowed_domains, spider.source.all_urls())
        spider.max_pages = crawler.settings.getint("NEWSARCHIVE_MAX_PAGES", 5000)
        if spider.source.article_pattern:
            spider.article_re = re.compile(spider.source.article_pattern)
        spider.max_links = crawler.settings.getint("NEWSARCHIVE_MAX_LINKS_PER_PAGE", MAX_LINKS_PER_PAGE)
        # Domain filtering is ours (it must ignore ports); only the first max_links links are read.
        spider.links = LinkExtractor(
            unique=True, restrict_xpaths=f"(//a[@href]|//area[@href])[position() <= {spider.max_links}]")
        spider.checkpoints = revisit.offsets(crawler.settings.getlist("NEWSARCHIVE_REVISIT_AFTER"))
        spider.max_errors = crawler.settings.getint("NEWSARCHIVE_MAX_ERRORS", 0)
        spider.shared = bool(crawler.settings.get("REDIS_URL"))
        # `newsarchive crawl --revisit`: every archived article is due once (conditional GET)
        spider.revisit_all = crawler.settings.getbool("NEWSARCHIVE_REVISIT_ALL")
        return spider

    # -- helpers ------------------------------------------------------------------------
    def _stat(self, key: str, count: int = 1) -> None:
        self.crawler.stats.inc_value(f"newsarchive/{key}", count)

    def _in_domain(self, url: str) -> bool:
        return self.scope.allows(url)

    def feed_urls(self) -> set[str]:
        """The configured feeds and sitemaps, fetched once each by start()."""
        if self.source is None:
            return set()
        return set(self.source.feeds) | set(self.source.sitemaps)

    def page_links(self, response: TextResponse) -> list[Any]:
        """Links on a page, the first `max_links` of them (counted when a page has more)."""
        assert self.links is not None
        links = self.links.extract_links(response)
        if len(links) >= self.max_links:
            self._stat("link_cap_reached")
        return links

    def is_article_url(self, url: str) -> bool:
        return self.article_re is None or bool(self.article_re.search(url))

    def article_request(self, url: str, lastmod: datetime | None = None, **meta: Any) -> Request | None:
        """A request for a candidate article page, or None when it is known or out of bounds.

        A known article is requested again only when `lastmod` (from a sitemap or feed) is newer
        than its last capture; scheduled revisits are issued by `revisit_requests`.
        """
        if not url.startswith(("http://", "https://")) or not self._in_domain(url):
            return None
        if not self.is_article_url(url):
            return None
        key = canonicalize(url)
        if key in self.requested:
            return None
        self.requested.add(key)
        state = self.articles.get(key)
        if state is not None or key in self.known:
            if state is not None and revisit.lastmod_is_newer(state, lastmod):
                return self.revisit_request(url, state, "lastmod")
            self._stat("skipped")
            return None
        if self.pages_requested >= self.max_pages:
            self._stat("over_page_cap")
            return None
        self.pages_requested += 1
        return Request(url, callback=self.parse_page, errback=self.on_error, meta=meta,
                       dont_filter=False)

    def revisit_request(self, url: str, state: ArticleState, why: str) -> Request | None:
        """A conditional GET of an archived article (304 when unchanged)."""
        if self.pages_requested >= self.max_pages:
            self._stat("over_page_cap")
            return None
        self.pages_requested += 1
        self._stat(f"revisits/{why}")
        headers = {}
        if state.etag:
            headers["If-None-Match"] = state.etag
        if state.last_modified:
            headers["If-Modified-Since"] = state.last_modified
        return Request(url, callback=self.parse_page, errback=self.on_error, headers=headers,
                       meta={"revisit": state.id, "handle_httpstatus_list": [304]})

    def revisit_requests(self, now: datetime | None = None) -> Iterator[Request]:
        """Requests for every archived article whose revisit checkpoint has passed."""
        now = now or datetime.now(UTC)
        seen: set[int] = set()
        for key, state in self.articles.items():
            if state.id in seen or not (self.revisit_all or revisit.is_due(state, now, self.checkpoints)):
                continue
            seen.add(state.id)
            if key in self.requested:
                continue
            self.requested.add(key)
            request = self.revisit_request(key, state, "schedule")
            if request is not None:
                yield request

    def document_request(self, url: str, kind: str, priority: int = 10) -> Request:
        """A feed or sitemap request, conditional when its validators are known."""
        headers = {}
        etag, last_modified = self.feed_states.get(url, ("", ""))
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        # Alone, every run fetches its documents; sharing a Redis dupefilter, one process does.
        return Request(url, callback=self.parse_xml_document, errback=self.on_error, headers=headers,
                       meta={"kind": kind, "handle_httpstatus_list": [304]}, dont_filter=not self.shared,
                       priority=priority)

    # -- start --------------------------------------------------------------------------
    async def start(self) -> AsyncIterator[Request]:
        assert self.source is not None
        first = [self.document_request(url, "feed") for url in self.source.feeds]
        first += [self.document_request(url, "sitemap") for url in self.source.sitemaps]
        first += [Request(url, callback=self.parse_hub, errback=self.on_error,
                          dont_filter=not self.shared, priority=5) for url in self.source.start_urls]
        self.start_requests_issued = len(first)
        for request in first:
            request.meta["start_request"] = True
            yield request
        for request in self.revisit_requests():
            yield request

    # -- callbacks ----------------------------------------------------------------------
    def parse_xml_document(self, response: Response) -> Iterator[Request]:
        self.answered = True
        if response.status == 304:
            self._stat("documents_not_modified")
            self._stat("not_modified")
            return
        self._stat("documents_fetched")
        etag = response.headers.get(b"ETag", b"").decode("latin-1")
        last_modified = response.headers.get(b"Last-Modified", b"").decode("latin-1")
        if etag or last_modified:
            self.new_feed_states[response.request.url if response.request else response.url] = (
                etag, last_modified)
        parsed = parse_xml(response.body)
        if parsed.kind == "unknown":
            self.crawler.stats.inc_value("newsarchive/errors_by_kind/unreadable_feed")
            self.logger.warning("%s is not a feed or sitemap", response.url)
            self.check_error_cap()
            return
        if parsed.kind == "sitemapindex":
            configured = self.feed_urls()
            for link in parsed.links:
                if not self._in_domain(link.url):
                    continue
                key = canonicalize(link.url)
                if key in self.documents_requested or link.url in configured:
                    self._stat("sitemap_loops")  # an index naming itself or a sitemap twice
                    continue
                self.documents_requested.add(key)
                yield self.document_request(link.url, "sitemap")
            return
        for link in parsed.links:
            request = self.article_request(link.url, link.lastmod)
            if request is not None:
                yield request

    def parse_hub(self, response: Response) -> Iterator[Request | PageItem]:
        """A start or section page: follow article links, and hub links up to DEPTH_LIMIT."""
        self.answered = True
        self._stat("documents_fetched")
        if not isinstance(response, TextResponse):
            return
        for link in self.page_links(response):
            request = self.article_request(link.url)
            if request is not None:
                yield request
            elif (self.article_re is not None and not self.article_re.search(link.url)
                  and self._in_domain(link.url)):
                yield Request(link.url, callback=self.parse_hub, errback=self.on_error, priority=1)

    def parse_page(self, response: Response) -> Iterator[Request | PageItem]:
        self.answered = True
        if response.status == 304:
            self._stat("not_modified")
            self.not_modified_ids.append(response.meta["revisit"])
            return
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
            for link in self.page_links(response):
                request = self.article_request(link.url)
                if request is not None:
                    yield request

    def on_error(self, failure: Any) -> None:
        kind = error_kind(failure)
        self.crawler.stats.inc_value(f"newsarchive/errors_by_kind/{kind}")
        self.logger.info("failed %s: %s", failure.request.url, kind)
        if failure.check(HttpError):
            self.answered = True
        elif kind in UNREACHABLE_KINDS and failure.request.meta.get("start_request"):
            self.start_requests_unreachable += 1
            if not self.answered and self.start_requests_unreachable >= self.start_requests_issued:
                self.logger.warning("%s: site unreachable (%s), stopping this source for this run",
                                    self.source_name, kind)
                raise CloseSpider("unreachable")
        self.check_error_cap()

    def check_error_cap(self) -> None:
        """Stop this source for this run once it has failed `max_errors` times."""
        if not self.max_errors:
            return
        errors = sum(v for k, v in self.crawler.stats.get_stats().items()
                     if k.startswith("newsarchive/errors_by_kind/"))
        if errors >= self.max_errors:
            self.logger.warning("%s: %d errors, stopping this source for this run", self.source_name, errors)
            raise CloseSpider("too_many_errors")
