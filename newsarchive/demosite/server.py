"""A threaded HTTP server for the demo site on 127.0.0.1, with conditional GET and a request log."""

from __future__ import annotations

import hashlib
import struct
import threading
import zlib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, overload
from urllib.parse import urlsplit

from newsarchive.demosite import feeds, render
from newsarchive.demosite.model import SECTIONS, SITE_NAME, DemoArticle


@dataclass(frozen=True)
class Page:
    body: bytes
    content_type: str
    last_modified: datetime | None = None

    @property
    def etag(self) -> str:
        return '"' + hashlib.sha1(self.body).hexdigest()[:20] + '"'


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str  # the request target as sent (path and query)
    status: int
    conditional: bool  # the request carried If-None-Match or If-Modified-Since


class RequestLog:
    """Thread-safe record of every request served.

    Reads like a Counter and like a list: `log[path]` is how many times `path` was requested;
    `len(log)`, `log[i]`, `log[i:j]` and iteration see the requested paths in order; `records()` has method, status and whether
    the request was conditional.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._records: list[RequestRecord] = []

    def add(self, record: RequestRecord) -> None:
        with self._lock:
            self._records.append(record)

    def records(self) -> list[RequestRecord]:
        with self._lock:
            return list(self._records)

    def paths(self) -> list[str]:
        return [r.path for r in self.records()]

    def counts(self) -> Counter[str]:
        return Counter(self.paths())

    def count(self, path: str) -> int:
        return sum(1 for r in self.records() if r.path == path)

    def statuses(self, path: str) -> list[int]:
        return [r.status for r in self.records() if r.path == path]

    def clear(self) -> None:
        with self._lock:
            self._records.clear()

    @overload
    def __getitem__(self, key: str) -> int: ...
    @overload
    def __getitem__(self, key: int) -> str: ...
    @overload
    def __getitem__(self, key: slice) -> list[str]: ...

    def __getitem__(self, key: str | int | slice) -> int | str | list[str]:
        """`log["/path/"]` counts requests for a path; `log[i]` and `log[i:j]` index the paths in order."""
        if isinstance(key, str):
            return self.count(key)
        return self.paths()[key]

    def __contains__(self, path: object) -> bool:
        return any(r.path == path for r in self.records())

    def __len__(self) -> int:
        with self._lock:
            return len(self._records)

    def __iter__(self) -> Iterator[str]:
        return iter(self.paths())

    def __repr__(self) -> str:
        return f"RequestLog({dict(self.counts())!r})"


def _png(rgb: tuple[int, int, int], width: int = 16, height: int = 9) -> bytes:
    """A tiny solid-colour PNG, so og:image URLs resolve."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


HTML = "text/html; charset=utf-8"
XML = "application/xml; charset=utf-8"


def build_pages(ctx: render.SiteContext, feed_size: int = 20) -> dict[str, Page]:
    """Every page of the site, keyed by path, rendered once for one base URL."""
    newest = max((a.updated for a in ctx.articles), default=None)
    pages: dict[str, Page] = {}

    def add(path: str, text: str, content_type: str = HTML, modified: datetime | None = newest) -> None:
        pages[path] = Page(text.encode("utf-8"), content_type, modified)

    add("/", render.home_page(ctx))
    for key in SECTIONS:
        add(f"/section/{key}/", render.section_page(ctx, key))
    for position, article in enumerate(ctx.articles):
        add(article.path, render.article_page(ctx, article, position), modified=article.updated)
        shade = int(hashlib.md5(article.slug.encode()).hexdigest()[:6], 16)
        pages[f"/images/{article.slug}.png"] = Page(
            _png(((shade >> 16) & 255, (shade >> 8) & 255, shade & 255)), "image/png", article.published)
    pages["/images/logo.png"] = Page(_png((20, 40, 80)), "image/png", None)
    authors = sorted({name for a in ctx.articles for name in a.authors})
    for name in authors:
        add(render.staff_path(name), render.staff_page(ctx, name))
    for path in render.STATIC_PAGES:
        add(path, render.static_page(ctx, path), modified=None)
    add("/rss.xml", feeds.rss(ctx, feed_size), "application/rss+xml; charset=utf-8")
    add("/sitemap.xml", feeds.sitemap_index(ctx), XML)
    add("/sitemap-articles.xml", feeds.sitemap_articles(ctx), XML)
    add("/robots.txt", feeds.robots(ctx), "text/plain; charset=utf-8", modified=None)
    return pages


def _not_modified(headers: Any, page: Page) -> bool:
    """RFC 9110: If-None-Match wins over If-Modified-Since when both are sent."""
    inm = headers.get("If-None-Match")
    if inm is not None:
        tags = [t.strip().removeprefix("W/") for t in inm.split(",")]
        return "*" in tags or page.etag in tags
    ims = headers.get("If-Modified-Since")
    if ims and page.last_modified is not None:
        try:
            since = parsedate_to_datetime(ims)
        except (TypeError, ValueError, IndexError):
            return False
        if since.tzinfo is None:
            since = since.replace(tzinfo=UTC)
        return page.last_modified.replace(microsecond=0) <= since
    return False


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "HarborGazette/1.0"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence the default stderr log
        pass

    def do_GET(self) -> None:
        self._serve(head=False)

    def do_HEAD(self) -> None:
        self._serve(head=True)

    def _serve(self, head: bool) -> None:
        site = self.server.site
        path = urlsplit(self.path).path or "/"
        conditional = "If-None-Match" in self.headers or "If-Modified-Since" in self.headers
        page = site.pages.get(path)
        redirect = page is None and not path.endswith("/") and path + "/" in site.pages
        if redirect:
            status = 301
        elif page is None:
            status = 404
        elif _not_modified(self.headers, page):
            status = 304
        else:
            status = 200
        # Logged before the response goes out, so a client that has its answer sees it in the log.
        site.requests.add(RequestRecord(self.command, self.path, status, conditional))
        if status == 301:
            self.send_response(status)
            self.send_header("Location", site.base_url + path + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif status == 404 or page is None:
            self._send_body(404, site.not_found, HTML, head)
        elif status == 304:
            self.send_response(status)
            self._validators(page)
            self.end_headers()
        else:
            self._send_body(status, page.body, page.content_type, head, page)

    def _validators(self, page: Page) -> None:
        self.send_header("ETag", page.etag)
        if page.last_modified is not None:
            self.send_header("Last-Modified", format_datetime(page.last_modified.astimezone(UTC), usegmt=True))

    def _send_body(self, status: int, body: bytes, content_type: str, head: bool, page: Page | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        if page is not None:
            self._validators(page)
        self.end_headers()
        if not head:
            self.wfile.write(body)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    site: DemoSite


class DemoSite:
    """The demo news site served from a background thread on 127.0.0.1.

    ``with DemoSite() as site:`` starts it on a free port; ``site.base_url`` is its root
    ("http://127.0.0.1:PORT"), ``site.requests`` the log of requests served.
    """

    def __init__(self, port: int = 0, articles: Iterable[DemoArticle] | None = None, *,
                 site_name: str = SITE_NAME, feed_size: int = 20) -> None:
        if articles is None:
            from newsarchive.demosite.stories import all_stories
            articles = all_stories()
        self.articles: list[DemoArticle] = sorted(articles, key=lambda a: a.published, reverse=True)
        paths = [a.path for a in self.articles]
        if len(set(paths)) != len(paths):
            raise ValueError("two demo articles share a URL path")
        self.port = port
        self.site_name = site_name
        self.feed_size = feed_size
        self.requests = RequestLog()
        self.pages: dict[str, Page] = {}
        self.not_found = b""
        self._server: _Server | None = None
        self._base_url = ""
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if not self._base_url:
            raise RuntimeError("the demo site is not running; call start() or use it in a with block")
        return self._base_url

    def url(self, path: str = "/") -> str:
        return self.base_url + path

    def article_urls(self) -> list[str]:
        """Absolute URLs of every article, newest first."""
        return [self.url(a.path) for a in self.articles]

    def start(self) -> DemoSite:
        if self._server is not None:
            return self
        server = _Server(("127.0.0.1", self.port), _Handler)
        server.site = self
        self._server = server
        self._base_url = f"http://127.0.0.1:{server.server_address[1]}"
        ctx = render.SiteContext(self.base_url, self.site_name, self.articles)
        self.pages = build_pages(ctx, self.feed_size)
        self.not_found = render.not_found_page(ctx).encode("utf-8")
        self._thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                                        name=f"demosite-{self.base_url}", daemon=True)
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (used by `python -m newsarchive.demosite`)."""
        self.start()
        assert self._thread is not None
        try:
            while self._thread.is_alive():
                self._thread.join(0.5)
        finally:
            self.stop()

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        if self._thread is not None:
            self._thread.join(5)
            self._thread = None

    def __enter__(self) -> DemoSite:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
