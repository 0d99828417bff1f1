"""What a crawl may touch: the source's hosts on the source's ports, and safe meta refreshes.

Scrapy's offsite check compares host names only, so a redirect from a news site to
`127.0.0.1:6379` (or any other port of an allowed host) would be followed. Here a URL is in
scope when its host is one of the source's domains and its port is either the scheme's default
or a port the source's own configured URLs use.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from scrapy.downloadermiddlewares.redirect import MetaRefreshMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, Response

DEFAULT_PORTS = {"http": 80, "https": 443}


def url_port(url: str) -> tuple[str, int | None]:
    """(host, port) of a URL, the port filled in from the scheme; (\"\", None) when unusable."""
    try:
        parts = urlsplit(url)
        port = parts.port or DEFAULT_PORTS.get(parts.scheme.lower())
    except ValueError:
        return "", None
    return (parts.hostname or "").lower(), port


class Scope:
    """The hosts and ports one source may be crawled on."""

    def __init__(self, domains: list[str], source_urls: list[str]) -> None:
        self.domains = [d.lower() for d in domains]
        self.ports = {url_port(u)[1] for u in source_urls} | set(DEFAULT_PORTS.values())
        self.ports.discard(None)

    def host_allowed(self, host: str) -> bool:
        return any(host == d or host.endswith("." + d) for d in self.domains)

    def allows(self, url: str) -> bool:
        if not url.startswith(("http://", "https://")):
            return False
        host, port = url_port(url)
        return bool(host) and port in self.ports and self.host_allowed(host)


class ScopeMiddleware:
    """Drops every request (redirect targets and robots.txt included) outside the source's scope."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> ScopeMiddleware:
        return cls(crawler)

    def process_request(self, request: Request) -> None:
        scope = getattr(self.crawler.spider, "scope", None)
        if scope is not None and not scope.allows(request.url):
            self.crawler.stats.inc_value("newsarchive/out_of_scope")
            raise IgnoreRequest(f"out of the source's scope: {request.url}")


# Scrapy looks for a refresh in the first 4,096 characters of the decoded page: at most 4 bytes
# each in any ASCII-compatible encoding.
_REFRESH_SCAN_BYTES = 4 * 4096
_REFRESH = re.compile(rb"refresh", re.IGNORECASE)


class SafeMetaRefreshMiddleware(MetaRefreshMiddleware):
    """Scrapy's meta refresh handling, except that an unusable refresh URL (javascript:, data:)
    leaves the page as it is instead of losing it to a ValueError; and a page without the word
    "refresh" near its start is passed on without decoding it (Scrapy decodes the whole body and
    detects its encoding first: ~0.3 ms of the crawl process's time per page)."""

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Any:
        head = response.body[:_REFRESH_SCAN_BYTES]
        if b"\x00" not in head and not _REFRESH.search(head):  # (NUL bytes: UTF-16 or UTF-32)
            return response
        try:
            return super().process_response(request, response)
        except ValueError:
            return response
