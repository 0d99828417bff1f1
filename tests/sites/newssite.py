"""A small configurable news site on 127.0.0.1 (random port) for crawl tests and benchmarks.

It serves /robots.txt, /feed.xml (RSS), /sitemap.xml (with lastmod) and /news/<n>.html article
pages, answers conditional GETs (ETag / Last-Modified -> 304), and can misbehave on purpose:
fail every other request, answer 429 with Retry-After, hold the sitemap until released, or
slow every article down. Every request is logged (path, status, time, headers) so tests can
count what was fetched on the server side.
"""

from __future__ import annotations

import hashlib
import html
import random
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

WORDS = ["council", "budget", "river", "harbour", "school", "election", "minister", "court", "report", "storm", "vaccine", "trial", "market", "union", "strike", "festival", "museum", "railway", "bridge", "farmers", "drought", "police", "inquiry", "mayor", "hospital", "teachers", "climate", "energy", "prices", "tenants", "housing", "airport", "village", "coast", "forest", "scientists", "survey", "students", "library", "water", "flood", "emergency", "cabinet", "parliament", "senator", "investors", "company", "workers", "factory", "port", "ministry", "agency", "officials", "residents", "plan", "vote"]


def make_paragraphs(seed: int, count: int = 5) -> list[str]:
    rng = random.Random(seed)
    paragraphs = []
    for _ in range(count):
        sentences = []
        for _ in range(rng.randint(3, 5)):
            words = [rng.choice(WORDS) for _ in range(rng.randint(10, 18))]
            sentences.append(" ".join(words).capitalize() + ".")
        paragraphs.append(" ".join(sentences))
    return paragraphs


@dataclass
class SiteArticle:
    number: int
    title: str
    paragraphs: list[str]
    published: datetime
    modified: datetime

    @property
    def path(self) -> str:
        return f"/news/{self.number}.html"


@dataclass
class Hit:
    path: str
    status: int
    at: float
    headers: dict[str, str] = field(default_factory=dict)


def _http_date(value: datetime) -> str:
    return format_datetime(value.astimezone(UTC), usegmt=True)


class _Server(ThreadingHTTPServer):
    # The default listen backlog of 5 drops connection attempts when a crawler opens several
    # at once; each dropped SYN costs the client a 1 s retransmission.
    request_queue_size = 128


class NewsSite:
    """Use as a context manager; `base_url` is http://127.0.0.1:<port>."""

    def __init__(self, count: int = 12, *, articles: list[SiteArticle] | None = None,
                 robots: str = "User-agent: *\nDisallow: /private/\n", fail_every: int = 0,
                 retry_after: dict[str, str] | None = None, article_delay: float = 0.0,
                 hold_sitemap: bool = False, now: datetime | None = None, die_after: int = 0) -> None:
        now = now or datetime.now(UTC)
        self.articles: dict[int, SiteArticle] = {}
        for a in articles or [SiteArticle(i, f"Story number {i} about the {WORDS[i % len(WORDS)]}",
                                          make_paragraphs(i), now - timedelta(hours=i), now - timedelta(hours=i))
                              for i in range(1, count + 1)]:
            self.articles[a.number] = a
        self.robots = robots
        self.fail_every = fail_every
        self.retry_after = dict(retry_after or {})
        self.article_delay = article_delay
        self.die_after = die_after  # after this many article pages the server goes away for good
        self.dead = threading.Event()
        self.sitemap_gate = threading.Event()
        if not hold_sitemap:
            self.sitemap_gate.set()
        self.hits: list[Hit] = []
        self._counter = 0
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.base_url = ""

    # -- content --------------------------------------------------------------------------
    def edit(self, number: int, paragraphs: list[str], when: datetime | None = None) -> None:
        article = self.articles[number]
        article.paragraphs = paragraphs
        article.modified = when or datetime.now(UTC)

    def article_html(self, a: SiteArticle) -> bytes:
        body = "\n".join(f"<p>{html.escape(p)}</p>" for p in a.paragraphs)
        related = "".join(f'<li><a href="/news/{n}.html">Story {n}</a></li>'
                          for n in list(self.articles)[:3] if n != a.number)
        page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(a.title)} | The Test Gazette</title>
<link rel="canonical" href="{self.base_url}{a.path}">
<meta property="og:title" content="{html.escape(a.title)}">
<meta property="article:published_time" content="{a.published.isoformat()}">
</head><body>
<header><nav><a href="/">Home</a> <a href="/world/">World</a> <a href="/sport/">Sport</a></nav></header>
<main><article>
<h1>{html.escape(a.title)}</h1>
<p class="byline">By Test Reporter · <time datetime="{a.published.isoformat()}">{a.published:%d %B %Y}</time></p>
{body}
</article>
<aside><h2>Related</h2><ul>{related}</ul></aside></main>
<footer><p>© The Test Gazette. All rights reserved.</p></footer>
</body></html>"""
        return page.encode("utf-8")

    def feed_xml(self) -> bytes:
        items = "".join(
            f"<item><title>{html.escape(a.title)}</title><link>{self.base_url}{a.path}</link>"
            f"<pubDate>{_http_date(a.published)}</pubDate></item>"
            for a in sorted(self.articles.values(), key=lambda a: a.published, reverse=True)[:50])
        return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
                f"<title>The Test Gazette</title><link>{self.base_url}/</link>{items}</channel></rss>").encode()

    def sitemap_xml(self) -> bytes:
        urls = "".join(f"<url><loc>{self.base_url}{a.path}</loc><lastmod>{a.modified.isoformat()}</lastmod></url>"
                       for a in self.articles.values())
        return (f'<?xml version="1.0" encoding="utf-8"?>'
                f'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>').encode()

    def latest_change(self) -> datetime:
        return max(a.modified for a in self.articles.values())

    # -- counting ------------------------------------------------------------------------
    def paths(self, status: int | None = None) -> list[str]:
        with self._lock:
            return [h.path for h in self.hits if status is None or h.status == status]

    def article_hits(self) -> list[Hit]:
        with self._lock:
            return [h for h in self.hits if h.path.startswith("/news/")]

    # -- serving -------------------------------------------------------------------------
    def respond(self, handler: BaseHTTPRequestHandler) -> tuple[int, dict[str, str], bytes]:
        path = handler.path.split("?", 1)[0]
        with self._lock:
            self._counter += 1
            counter = self._counter
        if path in self.retry_after:
            value = self.retry_after.pop(path)
            return 429, {"Retry-After": value, "Content-Type": "text/plain"}, b"slow down"
        if self.fail_every and path.startswith("/news/") and counter % self.fail_every == 0:
            return 500, {"Content-Type": "text/plain"}, b"oops"
        if path == "/robots.txt":
            return 200, {"Content-Type": "text/plain"}, self.robots.encode()
        if path == "/feed.xml":
            return self._conditional(handler, self.feed_xml(), "application/rss+xml", self.latest_change())
        if path == "/sitemap.xml":
            self.sitemap_gate.wait(60)
            return self._conditional(handler, self.sitemap_xml(), "application/xml", self.latest_change())
        if path.startswith("/news/") and path.endswith(".html"):
            try:
                article = self.articles[int(path[len("/news/"):-len(".html")])]
            except (ValueError, KeyError):
                return 404, {"Content-Type": "text/plain"}, b"not found"
            if self.article_delay:
                time.sleep(self.article_delay)
            return self._conditional(handler, self.article_html(article), "text/html; charset=utf-8",
                                     article.modified)
        if path == "/":
            links = "".join(f'<a href="{a.path}">{html.escape(a.title)}</a><br>' for a in self.articles.values())
            return 200, {"Content-Type": "text/html"}, f"<html><body>{links}</body></html>".encode()
        return 404, {"Content-Type": "text/plain"}, b"not found"

    def _conditional(self, handler: BaseHTTPRequestHandler, body: bytes, content_type: str,
                     modified: datetime) -> tuple[int, dict[str, str], bytes]:
        etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
        headers = {"Content-Type": content_type, "ETag": etag, "Last-Modified": _http_date(modified)}
        if handler.headers.get("If-None-Match") == etag:
            return 304, {"ETag": etag}, b""
        return 200, headers, body

    def __enter__(self) -> NewsSite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes: with Nagle's algorithm on, the body waits
            # for the client's delayed ACK (~40 ms) on every kept-alive response.
            disable_nagle_algorithm = True

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                if site.dead.is_set():  # a kept-alive connection to a dead server: drop it
                    self.close_connection = True
                    return
                status, headers, body = site.respond(self)
                with site._lock:
                    site.hits.append(Hit(self.path, status, time.monotonic(), dict(self.headers)))
                self.send_response(status)
                for key, value in headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if status != 304:
                    self.wfile.write(body)
                if site.die_after and len(site.article_hits()) >= site.die_after and not site.dead.is_set():
                    site.dead.set()
                    self.close_connection = True
                    threading.Thread(target=site.go_down, daemon=True).start()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = _Server(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def go_down(self) -> None:
        """Stop listening: from now on every connection is refused."""
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __exit__(self, *exc: Any) -> None:
        self.sitemap_gate.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def config_text(self, *, database: str | None = None, feeds: bool = True, sitemaps: bool = True,
                    extra_crawl: str = "", name: str = "gazette") -> str:
        values = {"download_delay": "0.0", "autothrottle": "false", "backoff_max": "0.2", "extract_workers": "2"}
        for line in extra_crawl.splitlines():
            if "=" in line:
                key, value = line.split("=", 1)
                values[key.strip()] = value.strip()
        crawl = "[crawl]\n" + "".join(f"{k} = {v}\n" for k, v in values.items())
        archive = f'[archive]\ndatabase = "{database}"\n' if database else ""
        feed_list = f'["{self.base_url}/feed.xml"]' if feeds else "[]"
        sitemap_list = f'["{self.base_url}/sitemap.xml"]' if sitemaps else "[]"
        return (f"{archive}{crawl}\n[[sources]]\nname = \"{name}\"\nfeeds = {feed_list}\n"
                f"sitemaps = {sitemap_list}\narticle_pattern = \"/news/\\\\d+\\\\.html$\"\n")
