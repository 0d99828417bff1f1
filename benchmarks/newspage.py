"""Article pages with the weight of real news pages, for the crawl benchmark.

The test fixture's pages (tests/sites/newssite.py) hold the story and little else: ~5 kB, which
trafilatura reads in ~5 ms. Real news pages are ~180 kB (the extraction dataset's average) and
take ~20-35 ms: a mega-menu, inline CSS, analytics and consent scripts, the page's state as
JSON (the story again, as many sites ship it for their JavaScript), share bars, inline promos
between paragraphs, a newsletter box, "most read" and "more from this section" lists, reader
comments, a long footer. This module wraps each article in such chrome, generated with a fixed
seed per article: the chrome repeats across pages (as a site's template does; the boilerplate
model learns it), the comments and lists differ from page to page.
"""

from __future__ import annotations

import hashlib
import html
import json
import random
from datetime import datetime
from typing import Any

from sites.newssite import NewsSite, SiteArticle, _http_date

SECTIONS = ["World", "Politics", "Business", "Technology", "Science", "Health", "Sport", "Culture",
            "Opinion", "Climate", "Travel", "Education"]
CSS_RULE = ".c{n} {{ margin: {a}px {b}px; padding: {b}px; color: #{n:06x}; font: 400 {a}px/1.5 serif; }}"


def _links(prefix: str, labels: list[str]) -> str:
    return "".join(f'<li><a href="/{prefix}/{i}/">{html.escape(label)}</a></li>' for i, label in enumerate(labels))


def _chrome_head() -> str:
    """The same for every page: styles and scripts of the site's template."""
    css = "\n".join(CSS_RULE.format(n=n * 2654435761 % 0xFFFFFF, a=8 + n % 9, b=n % 13) for n in range(700))
    consent = "window.__consent = " + json.dumps({"vendors": [{"id": i, "name": f"Vendor {i}", "purposes": list(
        range(i % 7 + 1))} for i in range(300)]}) + ";"
    analytics = ("(function(w,d){w.dataLayer=w.dataLayer||[];function g(){dataLayer.push(arguments)}"
                 "g('js',new Date());g('config','G-TEST');})(window,document);") * 8
    return (f"<style>{css}</style><script>{consent}</script><script>{analytics}</script>"
            + "".join(f'<link rel="preload" href="/static/font-{i}.woff2" as="font">' for i in range(8)))


class RealisticNewsSite(NewsSite):
    """NewsSite whose article pages carry a real site's chrome (see the module docstring)."""

    def __init__(self, *args, **kwargs) -> None:  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self._rendered: dict[int, bytes] = {}
        self._etags: dict[int, str] = {}  # id of a prerendered page -> its ETag (computed once)
        self._head = _chrome_head()
        menu = "".join(f'<li class="menu"><a href="/{s.lower()}/">{s}</a><ul>'
                       + _links(s.lower(), [f"{s} {topic}" for topic in ("news", "analysis", "live", "video",
                                                                           "podcasts", "in pictures", "explained",
                                                                           "newsletters", "archive", "events",
                                                                           "data", "features", "letters",
                                                                           "corrections", "contact")])
                       + "</ul></li>" for s in SECTIONS)
        self._header = (f'<div class="cookie-banner"><p>We and our 120 partners use cookies to personalise '
                        f'content and ads. <button>Accept all</button> <button>Manage</button></p></div>'
                        f'<header><a class="logo" href="/">The Test Gazette</a><nav><ul>{menu}</ul></nav>'
                        f'<div class="ticker"><span>Breaking</span> <a href="/live/">Follow the latest '
                        f'updates live</a></div><div class="ad ad-leaderboard" data-slot="top"></div></header>')
        self._footer = ("<footer><ul>" + _links("about", [f"Footer link {i}" for i in range(60)])
                        + "</ul><p>© The Test Gazette. All rights reserved. Registered in England.</p></footer>")

    def __enter__(self) -> RealisticNewsSite:
        from fastserve import FastServing  # (benchmarks/ is on sys.path, as sites/ is)

        self._serving = FastServing(self)
        self._serving.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.sitemap_gate.set()
        self._serving.stop()

    def prerender(self) -> None:
        """Render every page now (once the server's address is known), so that serving a page
        costs the benchmark's process a socket write, as a real site's server on another machine
        would, not a page build on the cores the crawl is measured on."""
        self._rendered = {}  # earlier renders carry an earlier address
        self._rendered = {a.number: self.article_html(a) for a in self.articles.values()}
        self._etags = {id(body): '"' + hashlib.sha1(body).hexdigest()[:16] + '"' for body in self._rendered.values()}

    def _conditional(self, handler: Any, body: bytes, content_type: str,
                     modified: datetime) -> tuple[int, dict[str, str], bytes]:
        etag = self._etags.get(id(body))
        if etag is None:  # not a prerendered page: the fixture's own way
            return super()._conditional(handler, body, content_type, modified)
        headers = {"Content-Type": content_type, "ETag": etag, "Last-Modified": _http_date(modified)}
        if handler.headers.get("If-None-Match") == etag:
            return 304, {"ETag": etag}, b""
        return 200, headers, body

    def article_html(self, a: SiteArticle) -> bytes:
        rendered = self._rendered.get(a.number)
        if rendered is not None:
            return rendered
        rng = random.Random(a.number)
        others = [o for o in rng.sample(list(self.articles.values()), min(24, len(self.articles)))
                  if o.number != a.number]
        promo = ('<aside class="inline-promo"><p>Read more: <a href="/news/{n}.html">{t}</a></p></aside>')
        body = []
        for i, p in enumerate(a.paragraphs):
            body.append(f"<p>{html.escape(p)}</p>")
            if i % 4 == 3 and others:
                o = others[i % len(others)]
                body.append(promo.format(n=o.number, t=html.escape(o.title)))
        most_read = "".join(f'<li><a href="/news/{o.number}.html">{html.escape(o.title)}</a></li>' for o in others[:10])
        cards = "".join(f'<div class="card"><div class="card-inner"><div class="media"><img src="/img/t{o.number}.jpg" '
                        f'alt=""></div><div class="text"><a href="/news/{o.number}.html"><h3>{html.escape(o.title)}'
                        f'</h3></a><p>{html.escape(o.paragraphs[0][:160])}</p><span class="tag">World</span>'
                        f'</div></div></div>' for o in others[10:24])
        icons = "".join(f'<svg class="icon" viewBox="0 0 24 24"><path d="M{i} {i + 1}l{i % 5} {i % 7}h{i}v{i}'
                        f'H{i}z"/><circle cx="12" cy="12" r="{i % 9 + 1}"/></svg>' for i in range(40))
        sentences = [s for o in others for p in o.paragraphs[-2:] for s in p.split(". ") if len(s) > 30]
        comments = "".join(f'<li class="comment"><p class="who">Reader{rng.randint(1, 9999)}</p>'
                           f'<p>{html.escape(s)}.</p><button>Reply</button> <button>Report</button></li>'
                           for s in sentences[:30])
        state = json.dumps({"props": {"pageProps": {"article": {
            "id": a.number, "headline": a.title, "body": a.paragraphs,
            "related": [{"id": o.number, "headline": o.title} for o in others]}}}})
        published = a.published.isoformat()
        page = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(a.title)} | The Test Gazette</title>
<link rel="canonical" href="{self.base_url}{a.path}">
<meta property="og:title" content="{html.escape(a.title)}">
<meta property="article:published_time" content="{published}">
<meta name="viewport" content="width=device-width, initial-scale=1">
{self._head}
</head><body class="article-page">
{self._header}
<div class="page"><div class="layout"><div class="grid"><main><div class="content"><article>
<nav class="breadcrumb"><a href="/">Home</a> › <a href="/world/">World</a></nav>
<h1>{html.escape(a.title)}</h1>
<p class="byline">By Test Reporter · <time datetime="{published}">{a.published:%d %B %Y}</time></p>
<div class="share"><a href="#">Share on Facebook</a> <a href="#">Share on X</a> <a href="#">Email</a>{icons}</div>
<figure><img src="/img/{a.number}.jpg" alt=""><figcaption>Photograph: Test Agency</figcaption></figure>
{"".join(body)}
<div class="newsletter"><h2>Sign up to First Edition</h2><p>Our morning email breaks down the key stories
of the day, telling you what's happening and why it matters.</p><form><input type="email"><button>Sign up</button>
</form></div>
</article>
<aside class="most-read"><h2>Most read</h2><ol>{most_read}</ol></aside>
<section class="more"><h2>More from World</h2>{cards}</section>
<section class="comments"><h2>Comments ({len(sentences[:30])})</h2><ul>{comments}</ul></section>
</div></main></div></div></div>
{self._footer}
<script id="__NEXT_DATA__" type="application/json">{html.escape(state, quote=False)}</script>
</body></html>"""
        return page.encode("utf-8")
