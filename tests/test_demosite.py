"""The bundled demo news site: pages, feeds, sitemaps, conditional GET, request log, config."""

from __future__ import annotations

import http.client
import json
import re
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from email.utils import format_datetime
from html import unescape
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from newsarchive.config import load_config, parse_config
from newsarchive.demosite import (
    BOILERPLATE_SNIPPETS,
    READER_COMMENTS,
    SECTIONS,
    SHARED_QUOTE,
    SHARED_QUOTE_PARAGRAPH,
    DemoSite,
    boilerplate_snippets,
    demo_articles,
    demo_config,
    make_site_articles,
)

SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9"}


def fetch(url: str, headers: dict[str, str] | None = None, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(url)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.request(method, parts.path + (f"?{parts.query}" if parts.query else ""), headers=headers or {})
        resp = conn.getresponse()
        body = resp.read()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, body
    finally:
        conn.close()


class _TextAndLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.text: list[str] = []
        self.links: list[str] = []
        self.jsonld: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "a" and a.get("href"):
            self.links.append(a["href"] or "")
        if tag == "script" and a.get("type") == "application/ld+json":
            self._in_script = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False
        if tag in ("p", "h1", "h2", "li", "div"):
            self.text.append("\n")

    def handle_data(self, data: str) -> None:
        (self.jsonld if self._in_script else self.text).append(data)


def parse(html: bytes) -> _TextAndLinks:
    parser = _TextAndLinks()
    parser.feed(html.decode("utf-8"))
    return parser


@pytest.fixture(scope="module")
def site():
    with DemoSite() as running:
        yield running


@pytest.fixture(scope="module")
def article_pages(site: DemoSite) -> dict[str, bytes]:
    pages = {}
    for article in site.articles:
        status, _, body = fetch(site.url(article.path))
        assert status == 200
        pages[article.slug] = body
    return pages


# --- the data -------------------------------------------------------------------------------------


def test_articles_are_thirty_distinct_stories_across_sections():
    articles = demo_articles()
    assert len(articles) == 30
    assert {a.section for a in articles} == set(SECTIONS)
    assert len({a.slug for a in articles}) == 30
    assert len({a.title for a in articles}) == 30
    for a in articles:
        assert 250 <= a.word_count <= 700, (a.slug, a.word_count)
        assert 4 <= len(a.paragraphs) <= 10
        assert re.fullmatch(r"/20\d\d/\d\d/\d\d/[a-z0-9-]+/", a.path)
        assert a.published.tzinfo is not None and a.published.year in (2025, 2026)
        assert a.modified is None or (a.modified.tzinfo is not None and a.modified > a.published)
        assert 1 <= len(a.authors) <= 2 and a.tags and a.dek
        for name in a.authors:
            assert not name.lower().startswith("by ") and "," not in name
        assert a["title"] == a.title
    assert any(a.modified for a in articles) and any(len(a.authors) == 2 for a in articles)
    # No paragraph is repeated across stories except the one shared quote.
    seen: dict[str, str] = {}
    for a in articles:
        for p in a.paragraphs:
            if p in seen and p != SHARED_QUOTE_PARAGRAPH:
                pytest.fail(f"paragraph repeated in {seen[p]} and {a.slug}: {p[:60]}")
            seen[p] = a.slug


def test_boilerplate_never_occurs_in_story_text():
    comments = [text for _, text in READER_COMMENTS]
    for a in demo_articles():
        story = "\n".join([a.title, a.dek, a.text])
        for snippet in [*BOILERPLATE_SNIPPETS, *comments]:
            assert snippet not in story, (a.slug, snippet)


def test_two_stories_share_the_same_quote_paragraph():
    holders = [a.slug for a in demo_articles() if SHARED_QUOTE_PARAGRAPH in a.paragraphs]
    assert len(holders) == 2
    assert SHARED_QUOTE in SHARED_QUOTE_PARAGRAPH


def test_demo_articles_returns_a_fresh_list():
    first = demo_articles()
    first.clear()
    assert len(demo_articles()) == 30


# --- the server -----------------------------------------------------------------------------------


def test_two_sites_run_side_by_side_on_random_ports():
    with DemoSite() as one, DemoSite() as two:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", one.base_url)
        assert one.base_url != two.base_url
        assert fetch(one.url("/"))[0] == 200 and fetch(two.url("/"))[0] == 200
    with pytest.raises(OSError):
        fetch(one.url("/"))


@pytest.mark.parametrize(("path", "content_type"), [
    ("/", "text/html; charset=utf-8"),
    ("/section/city/", "text/html; charset=utf-8"),
    ("/section/culture/", "text/html; charset=utf-8"),
    ("/about/", "text/html; charset=utf-8"),
    ("/staff/marisol-vance/", "text/html; charset=utf-8"),
    ("/rss.xml", "application/rss+xml; charset=utf-8"),
    ("/sitemap.xml", "application/xml; charset=utf-8"),
    ("/sitemap-articles.xml", "application/xml; charset=utf-8"),
    ("/robots.txt", "text/plain; charset=utf-8"),
    ("/images/harbor-bridge-repairs.png", "image/png"),
])
def test_pages_respond_with_their_type(site: DemoSite, path: str, content_type: str):
    status, headers, body = fetch(site.url(path))
    assert status == 200
    assert headers["content-type"] == content_type
    assert int(headers["content-length"]) == len(body) > 0
    if path.endswith(".png"):
        assert body.startswith(b"\x89PNG")


def test_article_page_has_validators(site: DemoSite):
    article = site.articles[0]
    status, headers, body = fetch(site.url(article.path))
    assert status == 200 and headers["content-type"] == "text/html; charset=utf-8"
    assert headers["etag"].startswith('"')
    assert headers["last-modified"] == format_datetime(article.updated.astimezone(UTC), usegmt=True)
    status, headers, body = fetch(site.url(article.path), method="HEAD")
    assert status == 200 and body == b"" and headers["etag"]


def test_unknown_path_is_404_and_missing_slash_redirects(site: DemoSite):
    status, headers, body = fetch(site.url("/2025/01/01/no-such-story/"))
    assert status == 404 and b"Page not found" in body
    assert headers["content-type"] == "text/html; charset=utf-8"
    article = site.articles[3]
    status, headers, _ = fetch(site.url(article.path.rstrip("/")))
    assert status == 301 and headers["location"] == site.url(article.path)


def test_robots_allows_all_and_names_the_sitemap(site: DemoSite):
    text = fetch(site.url("/robots.txt"))[2].decode()
    assert "User-agent: *" in text and "Disallow:\n" in text
    assert f"Sitemap: {site.url('/sitemap.xml')}" in text


def test_feed_lists_the_newest_articles_with_absolute_urls(site: DemoSite):
    root = ET.fromstring(fetch(site.url("/rss.xml"))[2])
    assert root.tag == "rss" and root.get("version") == "2.0"
    items = root.findall("./channel/item")
    newest = site.articles[:20]
    assert [i.findtext("link") for i in items] == [site.url(a.path) for a in newest]
    for item, article in zip(items, newest, strict=True):
        assert item.findtext("title") == article.title
        assert item.findtext("guid") == site.url(article.path)
        assert item.findtext("pubDate") == format_datetime(article.published)
    # A feed as long as the archive lists every article.
    with DemoSite(feed_size=100) as full:
        links = [i.findtext("link") for i in ET.fromstring(fetch(full.url("/rss.xml"))[2]).iter("item")]
        assert sorted(links) == sorted(full.article_urls())


def test_sitemap_index_leads_to_every_article(site: DemoSite):
    index = ET.fromstring(fetch(site.url("/sitemap.xml"))[2])
    assert index.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    locs = [e.text for e in index.findall("sm:sitemap/sm:loc", SITEMAP_NS)]
    assert locs == [site.url("/sitemap-articles.xml")]
    urlset = ET.fromstring(fetch(locs[0])[2])
    entries = {u.findtext("sm:loc", namespaces=SITEMAP_NS): u.findtext("sm:lastmod", namespaces=SITEMAP_NS)
               for u in urlset.findall("sm:url", SITEMAP_NS)}
    assert sorted(entries) == sorted(site.article_urls())
    by_url = {site.url(a.path): a for a in site.articles}
    for url, lastmod in entries.items():
        assert datetime.fromisoformat(lastmod) == by_url[url].updated
        assert fetch(url, method="HEAD")[0] == 200


def test_start_pages_link_to_every_article(site: DemoSite):
    found: set[str] = set()
    for path in ["/", *(f"/section/{key}/" for key in SECTIONS)]:
        for href in parse(fetch(site.url(path))[2]).links:
            found.add(site.url(href) if href.startswith("/") else href)
    assert set(site.article_urls()) <= found


def test_requests_are_counted(site: DemoSite):
    site.requests.clear()
    path = site.articles[5].path
    fetch(site.url(path))
    fetch(site.url(path))
    fetch(site.url("/nowhere/"))
    assert site.requests[path] == 2
    assert site.requests.count("/nowhere/") == 1
    assert site.requests["/rss.xml"] == 0
    assert len(site.requests) == 3
    assert list(site.requests) == [path, path, "/nowhere/"]
    assert site.requests.counts()[path] == 2
    assert site.requests.statuses("/nowhere/") == [404]
    site.requests.clear()
    assert len(site.requests) == 0


def test_conditional_get_answers_304(site: DemoSite):
    article = site.articles[2]
    url = site.url(article.path)
    status, headers, _ = fetch(url)
    etag, last_modified = headers["etag"], headers["last-modified"]
    site.requests.clear()

    status, headers, body = fetch(url, {"If-None-Match": etag})
    assert status == 304 and body == b"" and headers["etag"] == etag
    assert fetch(url, {"If-None-Match": f'"other", W/{etag}'})[0] == 304
    assert fetch(url, {"If-None-Match": '"stale"'})[0] == 200
    assert fetch(url, {"If-Modified-Since": last_modified})[0] == 304
    assert fetch(url, {"If-Modified-Since": "Mon, 01 Jan 2024 00:00:00 GMT"})[0] == 200
    # If-None-Match wins over If-Modified-Since.
    assert fetch(url, {"If-None-Match": '"stale"', "If-Modified-Since": last_modified})[0] == 200
    records = site.requests.records()
    assert [r.status for r in records] == [304, 304, 200, 304, 200, 200]
    assert all(r.conditional for r in records)
    assert fetch(site.url("/rss.xml"), {"If-None-Match": fetch(site.url("/rss.xml"))[1]["etag"]})[0] == 304


def test_every_article_page_carries_every_boilerplate_snippet(article_pages: dict[str, bytes]):
    assert len(article_pages) == 30
    for slug, html in article_pages.items():
        page = html.decode("utf-8")
        text = unescape("".join(parse(html).text))
        for snippet in BOILERPLATE_SNIPPETS:
            assert snippet in page, (slug, snippet)
            assert page.count(snippet) >= 1 and snippet in text
        assert page.count(BOILERPLATE_SNIPPETS[0]) == 1  # the pitch closes the story once
        for marker in ('<nav class="main-nav"', 'class="cookie-banner"', 'class="share-tools"',
                       'class="byline"', 'class="related-stories"', 'class="newsletter-signup"',
                       'type="email"', 'class="author-bio"', 'id="comments"', '<footer'):
            assert marker in page, (slug, marker)
        assert sum(1 for _, c in READER_COMMENTS if c in page) == 2


def test_article_page_shows_the_whole_story_and_its_metadata(site: DemoSite, article_pages: dict[str, bytes]):
    kinds = {"jsonld": 0, "opengraph": 0, "microdata": 0}
    for article in site.articles:
        html = article_pages[article.slug]
        page = html.decode("utf-8")
        parsed = parse(html)
        text = unescape("".join(parsed.text))
        for para in article.paragraphs:
            assert para in text, (article.slug, para[:50])
        assert '<html lang="en">' in page
        assert f"<title>{article.title} - The Harbor Gazette</title>" in unescape(page)
        assert f'<link rel="canonical" href="{site.url(article.path)}">' in page
        byline = re.search(r'<div class="byline">.*?</div>', page).group(0)
        assert unescape(re.sub(r"<[^>]+>", "", byline)).startswith(f"By {article.authors[0]}, ")
        kinds[article.metadata] += 1
        if article.metadata == "jsonld":
            (raw,) = parsed.jsonld
            data = json.loads(raw)
            assert data["@type"] == "NewsArticle" and data["headline"] == article.title
            assert datetime.fromisoformat(data["datePublished"]) == article.published
            assert (datetime.fromisoformat(data["dateModified"]) if "dateModified" in data else None) == article.modified
            assert [a["name"] for a in data["author"]] == article.authors
            assert data["articleSection"] == article.section_name and data["keywords"] == article.tags
        else:
            assert parsed.jsonld == []
        if article.metadata == "microdata":
            assert 'itemtype="https://schema.org/NewsArticle"' in page and 'property="og:' not in page
            assert 'itemprop="articleBody"' in page and 'itemprop="datePublished"' in page
        else:
            assert f'<meta property="og:url" content="{site.url(article.path)}">' in page
            assert f'content="{article.published.isoformat()}"' in page
    assert kinds["jsonld"] >= 20 and kinds["opengraph"] >= 2 and kinds["microdata"] == 1


def test_shared_quote_is_story_text_on_both_pages(article_pages: dict[str, bytes]):
    holders = [slug for slug, html in article_pages.items() if SHARED_QUOTE in unescape(html.decode())]
    assert len(holders) == 2


# --- the config -----------------------------------------------------------------------------------


def test_demo_config_parses_and_matches_the_site(site: DemoSite, tmp_path: Path):
    text = demo_config(site.base_url)
    config = parse_config(tomllib.loads(text), None, tmp_path)
    (source,) = config.sources
    assert source.name == "harbor-gazette"
    assert source.feeds == [site.url("/rss.xml")]
    assert source.sitemaps == [site.url("/sitemap.xml")]
    assert source.start_urls == [site.url("/")]
    assert source.domains() == ["127.0.0.1"]
    for url in site.article_urls():
        assert re.search(source.article_pattern, url)
    for path in ("/", "/about/", "/section/city/", "/staff/marisol-vance/"):
        assert not re.search(source.article_pattern, site.url(path))
    (tmp_path / "newsarchive.toml").write_text(text, encoding="utf-8")
    loaded = load_config(tmp_path / "newsarchive.toml")
    assert loaded.sources[0].feeds == source.feeds
    assert loaded.database_url == f"sqlite:///{(tmp_path / 'data' / 'archive.sqlite').resolve()}"


# --- the synthetic variant ------------------------------------------------------------------------


def test_synthetic_site_carries_its_own_boilerplate():
    articles = make_site_articles(24, "valley-ledger")
    assert len(articles) == 24 and len({a.path for a in articles}) == 24
    assert [a.text for a in articles] == [a.text for a in make_site_articles(24, "valley-ledger")]
    paragraphs = [p for a in articles for p in a.paragraphs]
    assert len(set(paragraphs)) == len(paragraphs)
    snippets = boilerplate_snippets("The Valley Ledger")
    with DemoSite(articles=articles, site_name="The Valley Ledger") as ledger:
        assert len(ledger.article_urls()) == 24
        for article in articles[:5]:
            page = fetch(ledger.url(article.path))[2].decode()
            assert all(s in page for s in snippets)
            assert BOILERPLATE_SNIPPETS[0] not in page  # the pitch names this site, not the Gazette


def test_module_serves_in_the_foreground():
    proc = subprocess.Popen([sys.executable, "-m", "newsarchive.demosite", "--port", "0"],
                            stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        url = re.search(r"http://127\.0\.0\.1:\d+", line).group(0)
        assert fetch(url + "/")[0] == 200
    finally:
        proc.terminate()
        proc.wait(10)


def test_request_log_reads_like_a_list(site: DemoSite):
    site.requests.clear()
    for path in ("/", "/about/", "/rss.xml"):
        fetch(site.url(path))
    assert site.requests[0] == "/" and site.requests[-1] == "/rss.xml"
    assert site.requests[1:] == ["/about/", "/rss.xml"]
    assert "/about/" in site.requests and "/terms/" not in site.requests


def test_demo_config_database_is_optional(tmp_path: Path):
    assert "database" not in demo_config("http://127.0.0.1:8080")
    custom = tomllib.loads(demo_config("http://127.0.0.1:8080", database="postgresql+psycopg://u@h/db"))
    assert custom["archive"]["database"] == "postgresql+psycopg://u@h/db"
    other = parse_config(tomllib.loads(demo_config("http://127.0.0.1:8080", data_dir="demo-data")), None, tmp_path)
    assert other.database_url.endswith("demo-data/archive.sqlite")
    slow = tomllib.loads(demo_config("http://127.0.0.1:8080", fast=False))
    assert "crawl" not in slow
