from __future__ import annotations

import gzip

from crawler.feeds import parse_xml

RSS = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>
<item><title>A</title><link>https://ex.com/2025/a</link><pubDate>Tue, 03 Jun 2025 10:00:00 GMT</pubDate></item>
<item><title>B</title><guid>https://ex.com/2025/b</guid></item>
<item><title>C</title><guid isPermaLink="false">tag-123</guid></item>
</channel></rss>"""

ATOM = b"""<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom"><title>T</title>
<entry><title>A</title><link rel="alternate" href="https://ex.com/2025/a"/><link rel="edit" href="https://ex.com/edit"/>
<updated>2025-06-03T10:00:00Z</updated></entry>
<entry><title>B</title><link href="https://ex.com/2025/b"/></entry></feed>"""

URLSET = b"""<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
 xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
<url><loc>https://ex.com/2025/a</loc><lastmod>2025-06-03</lastmod><news:news><news:title>A</news:title></news:news></url>
<url><loc> https://ex.com/2025/b </loc></url></urlset>"""

INDEX = b"""<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<sitemap><loc>https://ex.com/sitemap-1.xml</loc></sitemap></sitemapindex>"""


def urls(body: bytes) -> list[str]:
    return [link.url for link in parse_xml(body).links]


def test_rss_links_and_permalink_guids() -> None:
    parsed = parse_xml(RSS)
    assert parsed.kind == "rss"
    assert urls(RSS) == ["https://ex.com/2025/a", "https://ex.com/2025/b"]
    assert parsed.links[0].lastmod is not None and parsed.links[0].lastmod.year == 2025


def test_atom_alternate_links() -> None:
    assert parse_xml(ATOM).kind == "atom"
    assert urls(ATOM) == ["https://ex.com/2025/a", "https://ex.com/2025/b"]


def test_sitemaps_news_sitemaps_and_gzip() -> None:
    assert parse_xml(URLSET).kind == "urlset"
    assert urls(URLSET) == ["https://ex.com/2025/a", "https://ex.com/2025/b"]
    assert urls(gzip.compress(URLSET)) == urls(URLSET)
    assert parse_xml(INDEX).kind == "sitemapindex"
    assert urls(INDEX) == ["https://ex.com/sitemap-1.xml"]


def test_hostile_xml_is_not_expanded() -> None:
    laughs = b"""<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">
<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rss><channel><item><link>https://ex.com/&lol3;</link></item></channel></rss>"""
    for link in parse_xml(laughs).links:
        assert "lollollol" not in link.url
    xxe = b"""<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<rss><channel><item><link>https://ex.com/&x;</link></item></channel></rss>"""
    for link in parse_xml(xxe).links:
        assert "root:" not in link.url


def test_garbage_never_raises() -> None:
    for body in (b"", b"<html><body>hi</body></html>", b"\x1f\x8b\x00\x00garbage", b"<<<>>>", "é".encode()):
        parse_xml(body)
