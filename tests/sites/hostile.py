"""A hostile news site on 127.0.0.1 (random port): everything a stranger's server can throw at
a crawler, beside a few good articles that must still be archived.

`HostileSite` is a context manager; `CASES` names every hostile case (path, what it does, what
the crawl must do about it) for the tests and for docs/reliability.md. A second server, the
"canary" on another 127.0.0.1 port, stands for a private service the site tries to make the
crawler reach (redirects to other ports, external entities): it records every request.
"""

from __future__ import annotations

import gzip
import html
import io
import random
import socket
import struct
import threading
import time
import zlib
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

WORDS = ["harbour", "council", "budget", "river", "school", "election", "minister", "court", "report", "storm", "trial", "market", "union", "strike", "festival", "museum", "railway", "bridge", "farmers", "drought", "police", "inquiry", "mayor", "hospital", "teachers", "climate", "energy", "prices", "tenants", "housing", "airport", "village", "coast", "forest", "scientists", "survey", "students", "library", "water", "flood", "emergency", "cabinet", "parliament", "senator", "investors", "company", "workers", "factory", "port", "ministry", "agency", "officials", "residents", "plan", "vote"]
ACCENTED = "Zürich café naïve São Paulo Ærø façade"  # survives only a correct decoding


def paragraphs(seed: int, count: int = 6) -> list[str]:
    """Deterministic news-like paragraphs (enough words for an article)."""
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        sentences = []
        for _ in range(rng.randint(3, 5)):
            sentences.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(10, 16))).capitalize() + ".")
        out.append(" ".join(sentences))
    return out


@dataclass(frozen=True)
class Case:
    """One hostile thing the site serves; `expect` is what the crawl must do with it:
    "archived" (a real article, kept and made harmless), "error" (a failure counted in the
    summary), "skipped" (no article stored) or "bounded" (whatever happens, the crawl ends)."""

    name: str
    path: str
    what: str
    expect: str


CASES: tuple[Case, ...] = (
    Case("malformed-html", "/a/malformed", "unclosed tags, stray end tags, broken attributes", "bounded"),
    Case("nested-tables", "/a/nested-tables", "article text inside tables nested 500 deep", "bounded"),
    Case("charset-missing", "/a/charset-missing", "cp1252 bytes, no charset declared anywhere", "archived"),
    Case("charset-mislabeled", "/a/charset-mislabeled", "cp1252 bytes, header says utf-8", "archived"),
    Case("charset-conflict", "/a/charset-conflict", "utf-8 bytes, header says iso-8859-1, meta utf-8", "archived"),
    Case("utf16-bom", "/a/utf16", "UTF-16 LE with BOM, no charset declared", "archived"),
    Case("utf8-bom", "/a/utf8-bom", "UTF-8 BOM, header says windows-1251", "archived"),
    Case("body-50mb", "/a/huge", "a 50 MB body (Content-Length declared)", "error"),
    Case("body-50mb-unannounced", "/a/huge-nolength", "a 50 MB body without Content-Length", "error"),
    Case("gzip-bomb", "/a/gzip-bomb", "256 KB gzip on the wire, 256 MB inflated", "error"),
    Case("endless-chunked", "/a/endless", "a chunked response that never ends", "error"),
    Case("slowloris", "/a/slowloris", "one byte per second", "error"),
    Case("redirect-loop", "/a/loop-a", "redirects /a/loop-a -> /a/loop-b -> /a/loop-a ...", "error"),
    Case("redirect-chain-30", "/a/chain/0", "a chain of 30 redirects before an article", "error"),
    Case("redirect-offsite", "/a/offsite", "a redirect to another domain (localhost:canary)", "skipped"),
    Case("redirect-other-port", "/a/other-port", "a redirect to another 127.0.0.1 port (the canary)", "skipped"),
    Case("binary-as-html", "/a/binary", "100 KB of PNG/random bytes served as text/html", "skipped"),
    Case("zero-bytes", "/a/empty", "a 200 text/html response with an empty body", "skipped"),
    Case("title-1mb", "/a/big-title", "a 1 MB <title> before a real story", "bounded"),
    Case("links-100k", "/links", "a hub page of <a href> links: 10,000 in the full crawl, 100,000 in its own slow test", "bounded"),
    Case("js-data-urls", "/jsurls", "javascript:, data: and vbscript: links on a hub page", "bounded"),
    Case("http-429", "/a/429", "always 429 with Retry-After: 1", "error"),
    Case("http-500", "/a/500", "always 500", "error"),
    Case("reset-mid-body", "/a/reset", "Content-Length 20000, 500 bytes sent, then TCP RST", "error"),
    Case("sitemap-self-index", "/sitemap-index.xml", "a sitemap index that lists itself", "bounded"),
    Case("feed-100k", "/feed-100k.xml", "an RSS feed of 100,000 items (gzip body)", "bounded"),
    Case("feed-billion-laughs", "/feed-laughs.xml", "RSS with nested entity expansion", "bounded"),
    Case("feed-xxe", "/feed-xxe.xml", "RSS with external entities (file:// and the canary)", "bounded"),
    Case("sitemap-billion-laughs", "/sitemap-laughs.xml", "a sitemap with nested entity expansion", "bounded"),
    Case("sitemap-xxe", "/sitemap-xxe.xml", "a sitemap with external entities", "bounded"),
    Case("xss-script", "/a/xss-script", "<script> blocks in head and body", "archived"),
    Case("xss-on-attributes", "/a/xss-on-attributes", "onclick/onmouseover/onfocus on body elements", "archived"),
    Case("xss-javascript-link", "/a/xss-javascript-link", "javascript: and data: links in the story", "archived"),
    Case("xss-iframe", "/a/xss-iframe", "<iframe>, <object>, <embed> in the story", "archived"),
    Case("xss-svg-onload", "/a/xss-svg-onload", "<svg onload> in the story", "archived"),
    Case("xss-img-onerror", "/a/xss-img-onerror", "<img src=x onerror> in the story", "archived"),
    Case("xss-css", "/a/xss-css", "CSS expression() and url(javascript:) in style", "archived"),
    Case("xss-meta-refresh", "/a/xss-meta-refresh", "<meta http-equiv=refresh> (600 s) to another site", "archived"),
    Case("meta-refresh-now", "/a/meta-refresh-now", "<meta http-equiv=refresh content=0;url=javascript:...>",
         "archived"),
    Case("meta-refresh-javascript", "/a/meta-refresh-javascript", "a story with a 600 s refresh to javascript:",
         "archived"),
    Case("xss-fields", "/a/xss-fields", "HTML in title, author, tags, section, description", "archived"),
    Case("xss-jsonld", "/a/xss-jsonld", "</script> inside JSON-LD headline and author", "archived"),
    Case("xss-everything", "/a/xss-everything", "every hiding place on one page", "archived"),
)

GOOD = tuple(f"/a/good-{n}" for n in range(1, 7))
XSS_PATHS = tuple(c.path for c in CASES if c.name.startswith("xss-"))
CHARSET_PATHS = tuple(c.path for c in CASES if c.name.startswith(("charset-", "utf")))
SCRIPT_MARK = "alert("  # every injected script calls alert(...): the built site must not contain it live

XSS_SNIPPETS = {
    "xss-script": "<script>alert('body')</script><script src='/evil.js'></script>",
    "xss-on-attributes": ('<p onclick="alert(1)" onmouseover="alert(2)">Readers reacted quickly to the '
                          'announcement.</p><div onfocus="alert(3)" tabindex=0>Focus here.</div>'),
    "xss-javascript-link": ('<p>Read <a href="javascript:alert(4)">the full report</a> or '
                            '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCg1KTwvc2NyaXB0Pg==">the summary</a>'
                            ' or <a href=" JaVaScRiPt:alert(6)">the annex</a>.</p>'),
    "xss-iframe": ('<iframe src="javascript:alert(7)"></iframe><iframe srcdoc="<script>alert(8)</script>">'
                   '</iframe><object data="evil.swf"></object><embed src="evil.swf">'),
    "xss-svg-onload": '<svg onload="alert(9)"><circle r="4"/></svg><svg><script>alert(10)</script></svg>',
    "xss-img-onerror": '<img src=x onerror="alert(11)"><img src="javascript:alert(12)">',
    "xss-css": ('<p style="width: expression(alert(13)); background: url(javascript:alert(14))">Styled '
                'paragraph about the council.</p><style>body{background:url("javascript:alert(15)")}</style>'),
    "xss-meta-refresh": '<meta http-equiv="refresh" content="600;url=https://evil.example/">',
}


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 64


class Canary:
    """Another port on 127.0.0.1 that the crawler must never be led to."""

    def __init__(self) -> None:
        self.hits: list[str] = []
        canary = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.0"

            def do_GET(self) -> None:  # noqa: N802
                canary.hits.append(self.path)
                body = ("<html><head><title>Private service secret</title></head><body><article>"
                        + "".join(f"<p>{p}</p>" for p in paragraphs(999)) + "</article></body></html>").encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/html; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = _Server(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


_BOMB: bytes | None = None


def gzip_bomb(inflated: int = 256 * 1024 * 1024) -> bytes:
    """A gzip member of `inflated` zero bytes (about 1/1000 of that on the wire); cached."""
    global _BOMB
    if _BOMB is None:
        comp = zlib.compressobj(9, zlib.DEFLATED, 31)
        chunk = b"\0" * (1 << 20)
        parts = [comp.compress(chunk) for _ in range(inflated // len(chunk))]
        parts.append(comp.flush())
        _BOMB = b"".join(parts)
    return _BOMB


class HostileSite:
    """Use as a context manager; `base_url` is http://127.0.0.1:<port>."""

    def __init__(self, *, feed_items: int = 100_000, link_count: int = 100_000) -> None:
        self.feed_items = feed_items
        self.link_count = link_count
        self.hits: list[str] = []
        self._lock = threading.Lock()
        self.canary: Canary | None = None
        self._server: _Server | None = None
        self.base_url = ""
        self._cache: dict[str, bytes] = {}

    # -- content --------------------------------------------------------------------------
    def good_title(self, path: str) -> str:
        return f"Good story {path.rsplit('-', 1)[1]}: the harbour council votes on the budget"

    def article_page(self, title: str, seed: int, *, head: str = "", inject: str = "", author: str = "Jo Reporter",
                     extra_text: str = "", charset_meta: str = "utf-8") -> str:
        paras = paragraphs(seed)
        if extra_text:
            paras[1] = f"{paras[1]} {extra_text}"
        middle = len(paras) // 2
        body = "".join(f"<p>{html.escape(p)}</p>" for p in paras[:middle]) + inject + \
            "".join(f"<p>{html.escape(p)}</p>" for p in paras[middle:])
        meta = f'<meta charset="{charset_meta}">' if charset_meta else ""
        return (f"<!doctype html><html lang=\"en\"><head>{meta}<title>{html.escape(title)}</title>{head}</head>"
                f"<body><header><nav><a href=\"/\">Home</a></nav></header><main><article>"
                f"<h1>{html.escape(title)}</h1><p class=\"byline\">By {html.escape(author)}</p>{body}"
                f"</article></main><footer><p>The Hostile Herald</p></footer></body></html>")

    def xss_page(self, name: str) -> str:
        title = f"Council story with {name}"
        seed = sum(map(ord, name))
        if name == "xss-fields":
            return self.fields_page(seed)
        if name == "xss-jsonld":
            return self.jsonld_page(seed)
        if name == "xss-meta-refresh":
            return self.article_page(title, seed, head=XSS_SNIPPETS[name], inject=XSS_SNIPPETS[name])
        if name in ("meta-refresh-now", "meta-refresh-javascript"):
            delay = 0 if name == "meta-refresh-now" else 600
            refresh = f'<meta http-equiv="refresh" content="{delay};url=javascript:alert(16)">'
            return self.article_page(f"Refresh story {name}", seed, head=refresh)
        if name == "xss-everything":
            inject = "".join(XSS_SNIPPETS.values())
            head = "<script>alert('head')</script>" + XSS_SNIPPETS["xss-meta-refresh"]
            return self.article_page("Everything <script>alert('all')</script> at once", seed, head=head,
                                     inject=inject, author="<img src=x onerror=alert('author')>")
        head = "<script>alert('head')</script>" if name == "xss-script" else ""
        return self.article_page(title, seed, head=head, inject=XSS_SNIPPETS[name])

    def fields_page(self, seed: int) -> str:
        evil = "<script>alert('field')</script>"
        head = (f'<meta name="author" content="{html.escape(evil)}">'
                f'<meta property="article:tag" content="<b onmouseover=alert(17)>tag</b>">'
                f'<meta property="article:tag" content="../../etc/passwd">'
                f'<meta property="article:section" content="javascript:alert(18)">'
                f'<meta name="description" content="{html.escape(evil)} description">'
                f'<meta property="og:image" content="javascript:alert(19)">')
        page = self.article_page("placeholder", seed, head=head, author=evil)
        return page.replace("<title>placeholder</title>", f"<title>{evil} Title with HTML</title>", 1) \
            .replace("<h1>placeholder</h1>", f"<h1>{html.escape(evil)} Title with HTML</h1>", 1)

    def jsonld_page(self, seed: int) -> str:
        # What a careless CMS writes: the raw string ends the script element early.
        jsonld = ('<script type="application/ld+json">{"@type": "NewsArticle", '
                  '"headline": "JSON-LD headline </script><script>alert(20)</script>", '
                  '"author": {"@type": "Person", "name": "</script><img src=x onerror=alert(21)>"}, '
                  '"keywords": ["<b onclick=alert(22)>tag</b>"], "datePublished": "2024-05-01T10:00:00Z"}</script>')
        return self.article_page("Council story with json-ld", seed, head=jsonld)

    def charset_page(self, path: str) -> tuple[str, bytes]:
        """(Content-Type, body) of a charset case; the text holds ACCENTED."""
        seed = sum(map(ord, path))
        title = f"Charset story {path.rsplit('/', 1)[1]}"
        if path == "/a/charset-missing":
            return "text/html", self.article_page(title, seed, extra_text=ACCENTED, charset_meta="").encode("cp1252")
        if path == "/a/charset-mislabeled":
            return "text/html; charset=utf-8", self.article_page(
                title, seed, extra_text=ACCENTED, charset_meta="").encode("cp1252")
        if path == "/a/charset-conflict":
            return "text/html; charset=iso-8859-1", self.article_page(title, seed, extra_text=ACCENTED).encode()
        if path == "/a/utf16":
            return "text/html", self.article_page(title, seed, extra_text=ACCENTED, charset_meta="").encode("utf-16")
        return "text/html; charset=windows-1251", b"\xef\xbb\xbf" + self.article_page(
            title, seed, extra_text=ACCENTED, charset_meta="").encode()

    def malformed(self) -> str:
        paras = paragraphs(41)
        return ("<html><head><title>Malformed <b>page</title><body><div class=story><p>" + paras[0]
                + "<p><b><i>" + paras[1] + "</b></i><div><span>" + paras[2] + "</p></div></div></table></td>"
                "<p a=\"b c=d>" + paras[3] + "<p>" + paras[4] + "<!-- unclosed comment <p>" + paras[5])

    def nested_tables(self) -> str:
        paras = "".join(f"<p>{p}</p>" for p in paragraphs(42))
        return ("<html><head><title>Nested tables</title></head><body>" + "<table><tr><td>" * 500 + paras
                + "</td></tr></table>" * 500 + "</body></html>")

    def big_title(self) -> str:
        page = self.article_page("Huge title", 43)
        return page.replace("<title>Huge title", "<title>Huge title " + "A" * (1024 * 1024), 1)

    def home(self) -> str:
        links = [*GOOD, *XSS_PATHS, *CHARSET_PATHS]
        links += [c.path for c in CASES if c.path.startswith("/a/") and c.path not in links]
        links += ["/links", "/jsurls"]
        items = "".join(f'<li><a href="{p}">{html.escape(p)}</a></li>' for p in links)
        return f"<html><head><title>The Hostile Herald</title></head><body><ul>{items}</ul></body></html>"

    def links_page(self) -> str:
        parts = ["<html><head><title>All the links</title></head><body>"]
        parts += [f"<a href=/a/l/{n}>" for n in range(self.link_count)]  # 1.8 MB: under the test's size cap
        parts.append("</body></html>")
        return "".join(parts)

    def jsurls(self) -> str:
        return ('<html><head><title>Links</title></head><body>'
                '<a href="javascript:alert(23)">js</a> <a href="JAVASCRIPT:alert(24)">JS</a> '
                '<a href="data:text/html,<script>alert(25)</script>">data</a> '
                '<a href="vbscript:msgbox(26)">vb</a> <a href="  javascript:alert(27)">spaced</a> '
                '<a href="/a/good-1">good</a></body></html>')

    def feed(self) -> bytes:
        items = "".join(f"<item><title>{p}</title><link>{self.base_url}{p}</link></item>" for p in (*GOOD, *XSS_PATHS))
        return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Herald</title>{items}'
                "</channel></rss>").encode()

    def big_feed(self) -> bytes:
        out = io.BytesIO()
        with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=6) as fh:
            fh.write(b'<?xml version="1.0"?><rss version="2.0"><channel><title>Huge</title>')
            for n in range(self.feed_items):
                fh.write(f"<item><title>Item {n}</title><link>{self.base_url}/a/f/{n}</link></item>".encode())
            fh.write(b"</channel></rss>")
        return out.getvalue()

    LAUGHS = ('<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
              + "".join(f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10))
              + "]>\n")

    def laughs(self, kind: str) -> bytes:
        if kind == "feed":
            return (self.LAUGHS + f"<rss version=\"2.0\"><channel><title>&lol9;</title><item><title>&lol9;</title>"
                    f"<link>{self.base_url}/a/good-2</link></item></channel></rss>").encode()
        return (self.LAUGHS + '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<url><loc>{self.base_url}/a/good-3</loc><lastmod>&lol9;</lastmod></url></urlset>").encode()

    def xxe(self, kind: str) -> bytes:
        assert self.canary is not None
        doctype = ('<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY file SYSTEM "file:///etc/passwd">'
                   f'<!ENTITY net SYSTEM "http://127.0.0.1:{self.canary.port}/xxe">'
                   f'<!ENTITY % dtd SYSTEM "http://127.0.0.1:{self.canary.port}/xxe.dtd"> %dtd;]>\n')
        if kind == "feed":
            return (doctype + f"<rss version=\"2.0\"><channel><title>&file;</title><item><title>&net;</title>"
                    f"<link>{self.base_url}/a/good-4</link><description>&file;</description></item>"
                    "</channel></rss>").encode()
        return (doctype + '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<url><loc>{self.base_url}/a/good-5</loc><lastmod>&file;</lastmod></url>"
                f"<url><loc>&net;</loc></url></urlset>").encode()

    def sitemap_index(self) -> bytes:
        entries = "".join(f"<sitemap><loc>{self.base_url}{p}</loc></sitemap>"
                          for p in ("/sitemap-index.xml", "/sitemap-articles.xml", "/sitemap-index.xml?again=1"))
        return ('<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"{entries}</sitemapindex>").encode()

    def sitemap_articles(self) -> bytes:
        urls = "".join(f"<url><loc>{self.base_url}{p}</loc></url>" for p in (*GOOD, *CHARSET_PATHS))
        return ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"{urls}</urlset>").encode()

    def cached(self, key: str, make: Any) -> bytes:
        with self._lock:
            if key not in self._cache:
                value = make()
                self._cache[key] = value.encode("utf-8") if isinstance(value, str) else value
            return self._cache[key]

    # -- serving --------------------------------------------------------------------------
    def handle(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path.split("?", 1)[0]
        with self._lock:
            self.hits.append(h.path)
        html_type = "text/html; charset=utf-8"
        simple: dict[str, tuple[str, Any]] = {
            "/": (html_type, self.home),
            "/robots.txt": ("text/plain", lambda: "User-agent: *\nAllow: /\n"),
            "/feed.xml": ("application/rss+xml", self.feed),
            "/feed-100k.xml": ("application/rss+xml", self.big_feed),
            "/feed-laughs.xml": ("application/rss+xml", lambda: self.laughs("feed")),
            "/feed-xxe.xml": ("application/rss+xml", lambda: self.xxe("feed")),
            "/sitemap-index.xml": ("application/xml", self.sitemap_index),
            "/sitemap-articles.xml": ("application/xml", self.sitemap_articles),
            "/sitemap-laughs.xml": ("application/xml", lambda: self.laughs("sitemap")),
            "/sitemap-xxe.xml": ("application/xml", lambda: self.xxe("sitemap")),
            "/links": (html_type, self.links_page),
            "/jsurls": (html_type, self.jsurls),
            "/a/malformed": ("text/html", self.malformed),
            "/a/nested-tables": (html_type, self.nested_tables),
            "/a/big-title": (html_type, self.big_title),
        }
        if path in simple:
            content_type, make = simple[path]
            if path in ("/feed-100k.xml", "/links"):
                time.sleep(1.0)  # the big documents arrive after the good feed has been read
            return self.send(h, 200, content_type, self.cached(path, make))
        if path in GOOD:
            n = int(path.rsplit("-", 1)[1])
            return self.send(h, 200, html_type, self.cached(path, lambda: self.article_page(
                self.good_title(path), n, author=f"Reporter {n}")))
        name = "xss-" + path[len("/a/xss-"):] if path.startswith("/a/xss-") else ""
        if name and path in XSS_PATHS:
            return self.send(h, 200, html_type, self.cached(path, lambda: self.xss_page(name)))
        if path in CHARSET_PATHS:
            content_type, body = self.charset_page(path)
            return self.send(h, 200, content_type, body)
        if path in ("/a/meta-refresh-now", "/a/meta-refresh-javascript"):
            return self.send(h, 200, html_type, self.xss_page(path[len("/a/"):]).encode())
        if path == "/a/huge":
            return self.stream(h, 50 * 1024 * 1024, declare=True)
        if path == "/a/huge-nolength":
            return self.stream(h, 50 * 1024 * 1024, declare=False)
        if path == "/a/gzip-bomb":
            return self.send(h, 200, html_type, gzip_bomb(), {"Content-Encoding": "gzip"})
        if path == "/a/endless":
            return self.endless(h)
        if path == "/a/slowloris":
            return self.slowloris(h)
        if path in ("/a/loop-a", "/a/loop-b"):
            return self.redirect(h, "/a/loop-b" if path == "/a/loop-a" else "/a/loop-a")
        if path.startswith("/a/chain/"):
            step = int(path.rsplit("/", 1)[1] or 0)
            if step < 30:
                return self.redirect(h, f"/a/chain/{step + 1}")
            return self.send(h, 200, html_type, self.article_page("End of the chain", 44).encode())
        if path == "/a/offsite":
            assert self.canary is not None
            return self.redirect(h, f"http://localhost:{self.canary.port}/a/stolen")
        if path == "/a/other-port":
            assert self.canary is not None
            return self.redirect(h, f"http://127.0.0.1:{self.canary.port}/a/stolen")
        if path == "/a/binary":
            rng = random.Random(7)
            body = b"\x89PNG\r\n\x1a\n" + bytes(rng.getrandbits(8) for _ in range(100_000))
            return self.send(h, 200, "text/html", body)
        if path == "/a/empty":
            return self.send(h, 200, "text/html", b"")
        if path == "/a/429":
            return self.send(h, 429, "text/plain", b"slow down", {"Retry-After": "1"})
        if path == "/a/500":
            return self.send(h, 500, "text/plain", b"internal error")
        if path == "/a/reset":
            return self.reset(h)
        return self.send(h, 404, "text/plain", b"not found")

    @staticmethod
    def send(h: BaseHTTPRequestHandler, status: int, content_type: str, body: bytes,
             headers: dict[str, str] | None = None) -> None:
        h.send_response(status)
        h.send_header("Content-Type", content_type)
        for key, value in (headers or {}).items():
            h.send_header(key, value)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    @staticmethod
    def redirect(h: BaseHTTPRequestHandler, location: str) -> None:
        h.send_response(302)
        h.send_header("Location", location)
        h.send_header("Content-Length", "0")
        h.end_headers()

    @staticmethod
    def stream(h: BaseHTTPRequestHandler, size: int, *, declare: bool) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        if declare:
            h.send_header("Content-Length", str(size))
        else:
            h.send_header("Connection", "close")
            h.close_connection = True
        h.end_headers()
        chunk = (b"<p>" + b"filler text " * 5000 + b"</p>\n")
        sent = 0
        while sent < size:
            h.wfile.write(chunk)
            sent += len(chunk)

    @staticmethod
    def endless(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        piece = b"<p>and it goes on and on</p>\n" * 300
        frame = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
        deadline = time.monotonic() + 600
        while time.monotonic() < deadline:
            h.wfile.write(frame)
            time.sleep(0.001)

    @staticmethod
    def slowloris(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", "100000")
        h.end_headers()
        for byte in b"<html><body><p>" * 100:
            h.wfile.write(bytes([byte]))
            h.wfile.flush()
            time.sleep(1.0)

    @staticmethod
    def reset(h: BaseHTTPRequestHandler) -> None:
        h.send_response(200)
        h.send_header("Content-Type", "text/html")
        h.send_header("Content-Length", "20000")
        h.end_headers()
        h.wfile.write(b"<html><body><p>" + b"x" * 500)
        h.wfile.flush()
        h.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        h.connection.close()
        h.close_connection = True

    def __enter__(self) -> HostileSite:
        site = self
        self.canary = Canary()

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                try:
                    site.handle(self)
                except (BrokenPipeError, ConnectionResetError, OSError):
                    self.close_connection = True

            def log_message(self, *args: Any) -> None:
                pass

        self._server = _Server(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        gzip_bomb()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self.canary is not None:
            self.canary.close()

    def config_text(self, *, database: str = "", extra_crawl: dict[str, Any] | None = None,
                    start: list[str] | None = None) -> str:
        """A newsarchive.toml crawling this site with small limits, so a test stays fast;
        `start` lists the only start pages (no feeds, no sitemaps)."""
        crawl: dict[str, Any] = {
            "download_delay": 0.0, "autothrottle": False, "timeout": 4.0, "max_page_bytes": 2 * 1024 * 1024,
            "max_pages": 120, "max_depth": 2, "max_errors": 0, "backoff_max": 0.1, "extract_workers": 2,
            "concurrency_per_domain": 4, "revisit_after": [],
        }
        crawl.update(extra_crawl or {})

        def value(v: Any) -> str:
            if isinstance(v, bool):
                return "true" if v else "false"
            if isinstance(v, str):
                return f'"{v}"'
            if isinstance(v, list):
                return "[" + ", ".join(value(x) for x in v) + "]"
            return repr(v)

        archive = f'[archive]\ndatabase = "{database}"\n\n' if database else ""
        lines = "".join(f"{k} = {value(v)}\n" for k, v in crawl.items())
        feeds = ["/feed.xml", "/feed-laughs.xml", "/feed-xxe.xml", "/feed-100k.xml"] if start is None else []
        sitemaps = ["/sitemap-index.xml", "/sitemap-laughs.xml", "/sitemap-xxe.xml"] if start is None else []
        return (f"{archive}[crawl]\n{lines}\n[[sources]]\nname = \"herald\"\n"
                f"feeds = {value([self.base_url + f for f in feeds])}\n"
                f"sitemaps = {value([self.base_url + s for s in sitemaps])}\n"
                f"start_urls = {value([self.base_url + p for p in (start or ['/'])])}\n"
                f"article_pattern = \"/a/\"\n")


class GrowingSite:
    """A plain news site whose feed lists `count` articles (grow it between crawls), each page
    answered after `delay` seconds: crawls that last long enough to be killed mid-way."""

    def __init__(self, count: int = 10, delay: float = 0.1) -> None:
        self.count = count
        self.delay = delay
        self.base_url = ""
        self._server: _Server | None = None
        self._pages = HostileSite()

    def title(self, n: int) -> str:
        return f"Growing story {n}: the harbour council votes on the budget"

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        path = h.path.split("?", 1)[0]
        if path == "/robots.txt":
            return HostileSite.send(h, 200, "text/plain", b"User-agent: *\nAllow: /\n")
        if path == "/feed.xml":
            items = "".join(f"<item><title>{n}</title><link>{self.base_url}/a/story-{n}</link></item>"
                            for n in range(1, self.count + 1))
            body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>G</title>{items}</channel></rss>'
            return HostileSite.send(h, 200, "application/rss+xml", body.encode())
        if path.startswith("/a/story-") and path[len("/a/story-"):].isdigit():
            n = int(path[len("/a/story-"):])
            if 1 <= n <= self.count:
                time.sleep(self.delay)
                page = self._pages.article_page(self.title(n), 1000 + n, author=f"Reporter {n % 7}")
                return HostileSite.send(h, 200, "text/html; charset=utf-8", page.encode())
        return HostileSite.send(h, 404, "text/plain", b"not found")

    def __enter__(self) -> GrowingSite:
        site = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802
                try:
                    site.handle(self)
                except OSError:
                    self.close_connection = True

            def log_message(self, *args: Any) -> None:
                pass

        self._server = _Server(("127.0.0.1", 0), Handler)
        self.base_url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: Any) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()

    def config_text(self) -> str:
        return ("[crawl]\ndownload_delay = 0.0\nautothrottle = false\nconcurrency_per_domain = 2\n"
                "extract_workers = 1\nrevisit_after = []\ntimeout = 10.0\n\n"
                f'[[sources]]\nname = "growing"\nfeeds = ["{self.base_url}/feed.xml"]\narticle_pattern = "/a/story-"\n')
