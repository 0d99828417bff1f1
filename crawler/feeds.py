"""Safe parsing of RSS 2.0 / Atom feeds and sitemaps into article links.

Entity expansion and network access are off (no billion laughs, no XXE), gzip bodies are
inflated with a size cap, and the number of links taken from one document is bounded.
"""

from __future__ import annotations

import gzip
import io
import zlib
from dataclasses import dataclass
from datetime import datetime

from dateutil import parser as dateparser
from lxml import etree

MAX_XML_BYTES = 50 * 1024 * 1024
MAX_LINKS = 50_000


@dataclass(frozen=True)
class FeedLink:
    url: str
    lastmod: datetime | None = None


@dataclass
class ParsedXml:
    kind: str  # "rss", "atom", "urlset", "sitemapindex" or "unknown"
    links: list[FeedLink]


def _parser() -> etree.XMLParser:
    return etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, recover=True,
                           remove_comments=True, remove_pis=True, load_dtd=False)


def inflate(body: bytes, limit: int = MAX_XML_BYTES) -> bytes:
    """Un-gzip a body that is gzip data, reading at most `limit` bytes (gzip bombs stop there)."""
    if body[:2] != b"\x1f\x8b":
        return body
    try:
        with gzip.GzipFile(fileobj=io.BytesIO(body)) as fh:
            return fh.read(limit)
    except (OSError, EOFError, zlib.error):
        return b""


def _local(tag: object) -> str:
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1].lower()


def _date(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        return dateparser.parse(text.strip())
    except (ValueError, OverflowError):
        return None


def parse_xml(body: bytes) -> ParsedXml:
    """Links of a feed or sitemap; never raises on malformed input."""
    data = inflate(body)
    if not data.strip():
        return ParsedXml("unknown", [])
    try:
        root = etree.fromstring(data, parser=_parser())
    except (etree.XMLSyntaxError, ValueError):
        return ParsedXml("unknown", [])
    if root is None:
        return ParsedXml("unknown", [])
    kind = _local(root.tag)
    links: list[FeedLink] = []
    if kind in ("urlset", "sitemapindex"):
        for entry in root:
            if _local(entry.tag) not in ("url", "sitemap"):
                continue
            loc = lastmod = None
            for child in entry:
                name = _local(child.tag)
                if name == "loc":
                    loc = (child.text or "").strip()
                elif name == "lastmod":
                    lastmod = _date(child.text)
            if loc:
                links.append(FeedLink(loc, lastmod))
            if len(links) >= MAX_LINKS:
                break
        return ParsedXml(kind, links)
    if kind in ("rss", "rdf"):
        for item in root.iter():
            if _local(item.tag) != "item":
                continue
            url = date = None
            for child in item:
                name = _local(child.tag)
                if name == "link" and (child.text or "").strip():
                    url = child.text.strip()
                elif name == "guid" and not url and child.get("isPermaLink", "true") != "false":
                    text = (child.text or "").strip()
                    url = text if text.startswith("http") else None
                elif name in ("pubdate", "date"):
                    date = _date(child.text)
            if url:
                links.append(FeedLink(url, date))
            if len(links) >= MAX_LINKS:
                break
        return ParsedXml("rss", links)
    if kind == "feed":
        for entry in root:
            if _local(entry.tag) != "entry":
                continue
            url = None
            updated = None
            for child in entry:
                name = _local(child.tag)
                if name == "link" and child.get("rel", "alternate") == "alternate" and child.get("href"):
                    url = url or child.get("href").strip()
                elif name in ("updated", "published"):
                    updated = updated or _date(child.text)
            if url:
                links.append(FeedLink(url, updated))
            if len(links) >= MAX_LINKS:
                break
        return ParsedXml("atom", links)
    return ParsedXml("unknown", [])
