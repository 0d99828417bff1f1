"""Downloader middlewares that keep the crawl polite when a site pushes back.

- `RobotsCrawlDelayMiddleware` is Scrapy's robots.txt middleware that also reads the
  `Crawl-delay` the site asks of our user agent and tags each request with it.
- `PolitenessMiddleware` holds back every request to a host while that host is paused:
  until a `Retry-After` (seconds or HTTP date) of a 429/503 has passed, during an exponential
  backoff after consecutive failures (5xx, timeouts, refused connections), and between two
  requests closer than the host's Crawl-delay. A pause blocks the host's download slot (the
  requests already queued there) and makes new requests wait in `process_request` (an asyncio
  sleep), so other hosts and the rest of the crawl keep going; Scrapy's per-domain
  concurrency and AutoThrottle still apply on top.
  A host that refuses connections (or whose name does not resolve) is down, not overloaded:
  a refused connection costs it nothing, so those pauses stay short
  (`NEWSARCHIVE_UNREACHABLE_BACKOFF`) and a run against a dead site ends in seconds: the
  spider stops the source once every start request failed that way, and this middleware
  stops it (finish reason "unreachable") when a host that was answering fails
  `UNREACHABLE_STREAK` attempts in a row that way: it went down during the run. (Counted per
  attempt, not per final failure: Scrapy retries at a lower priority, so the final failures
  would come only after one attempt at every queued page.)

The per-run error cap is enforced by the spider (`NewsSpider.check_error_cap`), which sees
the final outcome of each request after retries.
"""

from __future__ import annotations

import asyncio
import logging
import time
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import CannotResolveHostError, DownloadConnectionRefusedError, IgnoreRequest
from scrapy.http import Request, Response
from scrapy.utils.asyncio import call_later
from twisted.internet.error import ConnectError, DNSLookupError

logger = logging.getLogger(__name__)

PUSHBACK_STATUSES = (429, 503)
# Failures before any byte of an answer: the host is down or does not exist.
# (Scrapy >= 2.19 wraps Twisted's errors in its own, keeping Twisted's as __cause__.)
UNREACHABLE_ERRORS = (ConnectError, DNSLookupError, DownloadConnectionRefusedError, CannotResolveHostError)
UNREACHABLE_STREAK = 8  # unreachable attempts in a row after which an answering host is down


def is_unreachable_error(exception: BaseException) -> bool:
    return isinstance(exception, UNREACHABLE_ERRORS) or isinstance(exception.__cause__, UNREACHABLE_ERRORS)


def retry_after_seconds(value: str | bytes | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or HTTP date), None if unusable."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def backoff_seconds(failures: int, base: float, cap: float) -> float:
    """Exponential backoff: base, 2*base, 4*base ... capped."""
    if failures <= 0:
        return 0.0
    return min(cap, base * 2 ** (failures - 1))


class RobotsCrawlDelayMiddleware(RobotsTxtMiddleware):
    """robots.txt rules as in Scrapy, plus the site's Crawl-delay in request.meta["crawl_delay"]."""

    def process_request_2(self, rp: Any, request: Request) -> None:
        super().process_request_2(rp, request)
        if rp is None or "crawl_delay" in request.meta:
            return
        useragent = self._robotstxt_useragent or request.headers.get(b"User-Agent", self._default_useragent)
        try:
            delay = rp.crawl_delay(useragent)
        except (AttributeError, TypeError, ValueError):
            delay = None
        if delay:
            request.meta["crawl_delay"] = float(delay)


class PolitenessMiddleware:
    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        self.stats = crawler.stats
        self.crawler = crawler
        self.base = settings.getfloat("NEWSARCHIVE_BACKOFF_BASE", 1.0)
        self.cap = settings.getfloat("NEWSARCHIVE_BACKOFF_MAX", 300.0)
        self.unreachable_cap = min(self.cap, settings.getfloat("NEWSARCHIVE_UNREACHABLE_BACKOFF", 1.0))
        self.paused_until: dict[str, float] = {}
        self.failures: dict[str, int] = {}
        self.answered: set[str] = set()  # hosts that sent any response in this run
        self.unreachable_streak: dict[str, int] = {}
        self.stopping = False
        self.closing: asyncio.Future[None] | None = None  # kept referenced until done
        self.next_start: dict[str, float] = {}  # Crawl-delay pacing

    @classmethod
    def from_crawler(cls, crawler: Any) -> PolitenessMiddleware:
        middleware = cls(crawler)
        # Sent before the downloader hands the host's next queued request out, so a pause
        # decided here holds that request back too (process_response would come too late).
        crawler.signals.connect(middleware.response_downloaded, signal=signals.response_downloaded)
        return middleware

    @staticmethod
    def _host(request: Request) -> str:
        return (urlsplit(request.url).hostname or "").lower()

    def pause(self, request: Request, seconds: float, cap: float | None = None) -> None:
        seconds = min(seconds, self.cap if cap is None else cap)
        if seconds <= 0:
            return
        host = self._host(request)
        until = time.monotonic() + seconds
        if until <= self.paused_until.get(host, 0.0):
            return
        self.paused_until[host] = until
        self._hold_slot(request, seconds)

    def _hold_slot(self, request: Request, seconds: float) -> None:
        """Block the host's download slot: requests already queued there wait too."""
        downloader = getattr(self.crawler.engine, "downloader", None)
        if downloader is None:
            return
        slot = downloader.slots.get(downloader.get_slot_key(request))
        if slot is None:
            return
        if slot.latercall is not None:
            slot.latercall.cancel()
        slot.latercall = call_later(seconds, downloader._latercall, slot)

    async def process_request(self, request: Request) -> None:
        host = self._host(request)
        waited = 0.0
        while (wait := self.paused_until.get(host, 0.0) - time.monotonic()) > 0:
            await asyncio.sleep(wait)
            waited += wait
        delay = float(request.meta.get("crawl_delay") or 0.0)
        if delay:
            now = time.monotonic()
            start = max(now, self.next_start.get(host, 0.0))
            self.next_start[host] = start + delay
            if start > now:
                await asyncio.sleep(start - now)
                waited += start - now
        if waited:
            self.stats.inc_value("newsarchive/politeness_wait_seconds", waited)

    def response_downloaded(self, response: Response, request: Request, **kwargs: Any) -> None:
        host = self._host(request)
        self.answered.add(host)
        self.unreachable_streak.pop(host, None)
        if response.status in PUSHBACK_STATUSES or response.status >= 500:
            self.failures[host] = self.failures.get(host, 0) + 1
            wait = retry_after_seconds(response.headers.get(b"Retry-After"))
            if wait is not None and response.status in PUSHBACK_STATUSES:
                self.stats.inc_value("newsarchive/retry_after_honoured")
            else:
                wait = backoff_seconds(self.failures[host], self.base, self.cap)
                self.stats.inc_value("newsarchive/backoffs")
            self.pause(request, wait)
        else:
            self.failures.pop(host, None)

    def _stop_unreachable(self, host: str, exception: BaseException) -> None:
        if self.stopping or self.crawler.engine is None:
            return
        self.stopping = True
        logger.warning("%s went down during the run (%d attempts in a row failed: %s); "
                       "stopping this source for this run", host, self.unreachable_streak[host],
                       type(exception).__name__)
        self.stats.inc_value("newsarchive/errors_by_kind/site_went_down")
        self.closing = asyncio.ensure_future(self.crawler.engine.close_spider_async(reason="unreachable"))

    def process_exception(self, request: Request, exception: BaseException) -> None:
        if isinstance(exception, IgnoreRequest):  # e.g. disallowed by robots.txt: not a failure
            return
        host = self._host(request)
        self.failures[host] = self.failures.get(host, 0) + 1
        self.stats.inc_value("newsarchive/backoffs")
        unreachable = is_unreachable_error(exception)
        if unreachable:
            self.unreachable_streak[host] = self.unreachable_streak.get(host, 0) + 1
            if host in self.answered and self.unreachable_streak[host] >= UNREACHABLE_STREAK:
                self._stop_unreachable(host, exception)
        # Unreachable: no server to spare, and the user wants a quick end.
        cap = self.unreachable_cap if unreachable else None
        self.pause(request, backoff_seconds(self.failures[host], self.base, self.cap), cap)
