"""Article metadata from one parsed page: JSON-LD first, then OpenGraph/meta, microdata, then markup.

htmldate is only asked for a date when no structured date is present (it is the slow part).
"""

from __future__ import annotations

import json
import re
import warnings
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timezone
from typing import Any
from urllib.parse import urljoin, urlsplit

from dateutil import parser as dateparser
from lxml import etree
from lxml.html import HtmlElement

from archive.htmlclean import safe_href

ARTICLE_TYPES = {"article", "newsarticle", "reportagenewsarticle", "analysisnewsarticle", "blogposting",
                 "opinionnewsarticle", "reviewnewsarticle", "backgroundnewsarticle", "report",
                 "scholarlyarticle", "techarticle", "liveblogposting", "socialmediaposting", "posting",
                 "webpage", "medicalwebpage", "itempage", "creativework", "review"}
_TITLE_SEPARATORS = re.compile(r"\s+(?:[-|–—·•:»]|::)\s+|:\s+")
_BY = re.compile(r"^\s*(?:written\s+)?(?:by|von|par|por|di|door|av|af|от|автор)\s*[:\s]\s*", re.IGNORECASE)
_JOB_TITLE = re.compile(
    r"\b(?:editor|correspondent|reporter|writer|columnist|contributor|producer|director|chief|senior|"
    r"bureau|staff|analyst|critic|journalist|photographer|anchor|host|intern|fellow|manager|head of|"
    r"president|officer|professor|associate|assistant|deputy|executive|managing|news desk|desk)\b",
    re.IGNORECASE)
_DATEISH = re.compile(r"\d{1,4}[./-]\d{1,2}[./-]\d{1,4}|\b\d{4}\b|\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|"
                      r"oct|nov|dec)[a-z]*\.?\s+\d{1,2}\b|\b(?:updated|published|posted)\b|\d{1,2}:\d{2}",
                      re.IGNORECASE)
_UPDATED = re.compile(r"^\s*(?:last\s+)?(?:updated|modified|aktualisiert|mis\s+à\s+jour|actualizado|"
                      r"atualizado|aggiornato)\s*(?:on|at|:)?\s*", re.IGNORECASE)


_TZINFOS = {name: int(hours * 3600) for name, hours in {
    "UTC": 0, "GMT": 0, "Z": 0, "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6,
    "PST": -8, "PDT": -7, "AKST": -9, "AKDT": -8, "HST": -10, "BST": 1, "IST": 5.5, "CET": 1,
    "CEST": 2, "EET": 2, "EEST": 3, "MSK": 3, "JST": 9, "KST": 9, "AEST": 10, "AEDT": 11}.items()}


@dataclass
class Metadata:
    title: str = ""
    description: str = ""
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    modified: datetime | None = None
    language: str = ""
    section: str = ""
    tags: list[str] = field(default_factory=list)
    image_url: str = ""
    canonical_url: str = ""
    site_name: str = ""
    title_candidates: list[str] = field(default_factory=list)  # headlines to drop from the body


def _clean(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        value = next((v for v in value if isinstance(v, str) and v.strip()), "")
    if not isinstance(value, str):
        return ""
    return re.sub(r"\s+", " ", value).strip()


def parse_date(value: Any) -> datetime | None:
    """A time-zone aware datetime (naive values are taken as UTC), or None."""
    text = _clean(value)
    if not text or len(text) > 64:
        return None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            parsed = dateparser.parse(text, fuzzy=False, tzinfos=_TZINFOS)
    except (ValueError, OverflowError, TypeError):
        return None
    if parsed is None or not 1990 <= parsed.year <= 2100:
        return None
    offset = parsed.utcoffset()
    if offset is None:
        return parsed.replace(tzinfo=UTC)
    # A fixed offset, never the machine's local zone (dateutil returns tzlocal() for "UTC" on a UTC host).
    return parsed.replace(tzinfo=UTC if not offset else timezone(offset))


# -- JSON-LD ---------------------------------------------------------------------------------
def _walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for key, value in node.items():
            if key in ("@graph", "mainEntity", "itemListElement", "hasPart") or isinstance(value, list):
                yield from _walk(value)
    elif isinstance(node, list):
        for item in node:
            yield from _walk(item)


def _types(obj: dict[str, Any]) -> set[str]:
    value = obj.get("@type", "")
    values = value if isinstance(value, list) else [value]
    return {str(v).lower() for v in values}


def json_ld_objects(tree: HtmlElement) -> list[dict[str, Any]]:
    """Every object of the page's JSON-LD scripts (broken scripts are skipped)."""
    objects: list[dict[str, Any]] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            try:  # trailing commas or control characters are common
                data = json.loads(re.sub(r",\s*([}\]])", r"\1", raw.replace("\n", " ")), strict=False)
            except ValueError:
                continue
        objects.extend(_walk(data))
    return objects


def _article_object(objects: list[dict[str, Any]]) -> dict[str, Any]:
    ranked = [o for o in objects if _types(o) & ARTICLE_TYPES]
    # A news/blog article beats a generic WebPage.
    ranked.sort(key=lambda o: ("webpage" in _types(o) or "creativework" in _types(o) or "itempage" in _types(o),
                               not o.get("headline")))
    return ranked[0] if ranked else {}


def _names(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [n for v in value for n in _names(v)]
    if isinstance(value, dict):
        name = value.get("name")
        if isinstance(name, dict):  # some sites nest {"name": {"@value": ...}}
            name = name.get("@value")
        if isinstance(name, list):
            name = " ".join(str(n) for n in name)
        return [str(name)] if name else []
    return []


def _url_of(value: Any) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return next((u for u in (_url_of(v) for v in value) if u), "")
    if isinstance(value, dict):
        return _url_of(value.get("url") or value.get("contentUrl") or value.get("@id"))
    return ""


# -- authors -----------------------------------------------------------------------------------
def clean_author_names(values: list[str]) -> list[str]:
    """Person names only: no "By", no dates, no job titles, no URLs, each name once."""
    names: list[str] = []
    for value in values:
        value = _clean(value)
        if not value or value.startswith(("http://", "https://", "www.")) or "@" in value:
            continue
        value = _BY.sub("", value)
        value = re.split(r"\s+(?:\||·|•|—|–|-)\s+|\s*\n\s*", value)[0]
        parts = re.split(r"\s*(?:,|;|&|\band\b|\bund\b|\bet\b|\by\b|\be\b|\bi\b)\s*", value)
        for part in parts:
            part = _BY.sub("", part).strip(" .:-–—")
            if not part or _JOB_TITLE.search(part) or _DATEISH.search(part):
                continue
            if not re.search(r"[^\W\d_]", part) or len(part) > 60 or len(part.split()) > 5:
                continue
            if part.lower() in {"staff", "admin", "editor", "news", "agencies", "reuters staff"}:
                continue
            if part.lower() not in (n.lower() for n in names):
                names.append(part)
    return names


# -- the page ---------------------------------------------------------------------------------
class _Meta:
    """The page's <meta> values by lowercase name/property (first wins; lists for repeatable ones)."""

    def __init__(self, tree: HtmlElement) -> None:
        self.values: dict[str, list[str]] = {}
        for meta in tree.iter("meta"):
            key = (meta.get("property") or meta.get("name") or meta.get("itemprop")
                   or meta.get("http-equiv") or "").strip().lower()
            content = meta.get("content")
            if key and content is not None and content.strip():
                self.values.setdefault(key, []).append(content.strip())

    def get(self, *keys: str) -> str:
        for key in keys:
            if self.values.get(key):
                return _clean(self.values[key][0])
        return ""

    def all(self, key: str) -> list[str]:
        return [_clean(v) for v in self.values.get(key, [])]


_ITEMPROPS = etree.XPath("//*[@itemprop]")


def _itemprops(tree: HtmlElement) -> dict[str, list[HtmlElement]]:
    """Microdata elements by property name (one pass over the page)."""
    found: dict[str, list[HtmlElement]] = {}
    for el in _ITEMPROPS(tree):
        for name in el.get("itemprop", "").split():
            found.setdefault(name, []).append(el)
    return found


def _itemprop_value(el: HtmlElement) -> str:
    for attr in ("content", "datetime", "href", "src"):
        if el.get(attr):
            return el.get(attr).strip()
    return _clean(el.text_content())


def strip_site_suffix(title: str, site_name: str, host: str) -> str:
    """"Headline - Site" / "Site | Headline" to "Headline"."""
    parts = _TITLE_SEPARATORS.split(title)
    if len(parts) < 2:
        return title
    site_keys = {re.sub(r"\W+", "", s.lower()) for s in (site_name, host.removeprefix("www.").split(".")[0])
                 if s}

    def is_site(part: str) -> bool:
        key = re.sub(r"\W+", "", part.lower())
        if not key:
            return False
        return any(key == s or (len(s) > 3 and (s in key or key in s)) for s in site_keys) or \
            bool(re.fullmatch(r"[\w-]+\.(?:com|org|net|co\.uk|de|fr|it|es|ru|in|br|com\.br)", part.strip().lower()))

    while len(parts) > 1 and is_site(parts[-1]):
        parts = parts[:-1]
    while len(parts) > 1 and is_site(parts[0]):
        parts = parts[1:]
    if len(parts) == len(_TITLE_SEPARATORS.split(title)):
        return title
    # Re-join the remaining parts with their original separators.
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    return title[start:end].strip() if start >= 0 and end > start else " ".join(parts)


def extract_metadata(tree: HtmlElement, url: str | None = None) -> Metadata:
    """Everything but the body text; missing values stay empty."""
    meta = _Meta(tree)
    props = _itemprops(tree)
    objects = json_ld_objects(tree)
    art = _article_object(objects)
    md = Metadata()
    base = url or ""
    link_canonical = tree.xpath('//link[translate(@rel, "CANOIL", "canoil")="canonical"]/@href')
    canonical = (link_canonical[0].strip() if link_canonical else "") or meta.get("og:url") \
        or _url_of(art.get("url")) or _url_of(art.get("mainEntityOfPage")) or base
    md.canonical_url = safe_href(canonical, base or None) or (base if base.startswith("http") else "")
    host = urlsplit(md.canonical_url or base).hostname or ""

    publisher = art.get("publisher") if isinstance(art.get("publisher"), dict) else {}
    site_objects = [o for o in objects if _types(o) & {"website", "newsmediaorganization", "organization"}]
    md.site_name = meta.get("og:site_name", "application-name", "twitter:site:name") \
        or _clean(_names(publisher)[0] if _names(publisher) else "") \
        or next((_clean(_names(o)[0]) for o in site_objects if _names(o)), "")

    h1 = [_clean(h.text_content()) for h in tree.iter("h1")]
    h1 = [h for h in h1 if h][:3]
    html_title = _clean(tree.findtext(".//title"))
    micro_headline = [_itemprop_value(e) for e in props.get("headline", [])]
    raw_title = (_clean(art.get("headline")) or meta.get("og:title", "twitter:title")
                 or (micro_headline[0] if micro_headline else "") or (h1[0] if h1 else "") or html_title)
    md.title = strip_site_suffix(raw_title, md.site_name, host)
    md.title_candidates = [t for t in {md.title, raw_title, meta.get("og:title"), meta.get("twitter:title"),
                                       strip_site_suffix(html_title, md.site_name, host), *h1,
                                       *micro_headline} if t]

    md.description = meta.get("og:description", "description", "twitter:description", "dc.description") \
        or _clean(art.get("description"))

    authors = _names(art.get("author")) or _names(art.get("creator"))
    if not authors:
        authors = [_itemprop_value(n) for e in props.get("author", [])
                   for n in (e.xpath('.//*[@itemprop="name"]') or [e])]
    if not authors:
        authors = meta.all("author") + meta.all("article:author") + meta.all("parsely-author") \
            + meta.all("sailthru.author") + meta.all("dc.creator") + meta.all("byl")
    if not authors:
        authors = [_clean(a.text_content()) for a in tree.xpath('//a[@rel="author"]')]
    if not authors:
        authors = [_clean(e.text_content()) for e in tree.xpath(
            '//*[contains(concat(" ", normalize-space(@class), " "), " byline ") '
            'or contains(concat(" ", normalize-space(@class), " "), " author ")'
            ' or contains(@class, "author-name") or contains(@class, "byline__name")]')[:3]]
    md.authors = clean_author_names(authors)

    micro_pub = [_itemprop_value(e) for e in props.get("datePublished", [])]
    micro_mod = [_itemprop_value(e) for e in props.get("dateModified", [])]
    md.published = (parse_date(art.get("datePublished")) or parse_date(meta.get(
        "article:published_time", "og:published_time", "datepublished", "pubdate", "publishdate",
        "publish-date", "parsely-pub-date", "sailthru.date", "dc.date.issued", "dc.date", "date",
        "dcterms.created")) or parse_date(micro_pub[0] if micro_pub else None)
        or parse_date(art.get("dateCreated")))
    md.modified = (parse_date(art.get("dateModified")) or parse_date(meta.get(
        "article:modified_time", "og:updated_time", "datemodified", "last-modified", "dcterms.modified",
        "dc.date.modified")) or parse_date(micro_mod[0] if micro_mod else None) or _updated_in_text(tree))
    if md.published is None:
        md.published = _htmldate(tree, url)
    if md.modified and md.published and md.modified < md.published:
        md.modified = None

    md.section = _clean(art.get("articleSection")) or meta.get("article:section", "section",
                                                                "parsely-section", "category")
    if not md.section:
        sections = [_itemprop_value(e) for e in props.get("articleSection", [])]
        md.section = sections[0] if sections else ""

    tags = meta.all("article:tag")
    if not tags:
        keywords = art.get("keywords")
        if isinstance(keywords, list):
            tags = [_clean(k) for k in keywords if isinstance(k, str)]
        elif isinstance(keywords, str):
            tags = keywords.split(",")
    if not tags:
        tags = (meta.get("news_keywords") or meta.get("keywords") or meta.get("parsely-tags")).split(",")
    seen: set[str] = set()
    md.tags = []
    for tag in (_clean(t) for t in tags):
        if tag and len(tag) <= 80 and tag.lower() not in seen:
            seen.add(tag.lower())
            md.tags.append(tag)

    image = meta.get("og:image", "og:image:url", "og:image:secure_url", "twitter:image", "twitter:image:src") \
        or _url_of(art.get("image")) or _url_of(art.get("thumbnailUrl"))
    if not image:
        images = [_itemprop_value(e) for e in props.get("image", [])]
        image = images[0] if images else ""
    md.image_url = safe_href(image, md.canonical_url or base or None) or ""

    md.language = _language(tree, meta, art)
    return md


def _updated_in_text(tree: HtmlElement) -> datetime | None:
    """A visible "Updated: <date>" line (often a <time> element) near the top of the page."""
    for el in tree.xpath('//time | //*[self::p or self::span or self::div][string-length(normalize-space()) < 80]'
                         '[contains(translate(normalize-space(), "UPDATEMIFZ", "updatemifz"), "updated") '
                         'or contains(translate(normalize-space(), "MODIFE", "modife"), "modified")]')[:20]:
        text = _clean(el.text_content())
        if not _UPDATED.match(text):
            parent = el.getparent()
            label = _clean(parent.text_content()) if el.tag == "time" and parent is not None else ""
            if not _UPDATED.match(label):
                continue
        if el.tag == "time" and el.get("datetime"):
            found = parse_date(el.get("datetime"))
        else:
            times = el.xpath(".//time/@datetime")
            found = parse_date(times[0]) if times else parse_date(_UPDATED.sub("", text))
        if found:
            return found
    return None


def _htmldate(tree: HtmlElement, url: str | None) -> datetime | None:
    from htmldate import find_date  # imported late: it is only needed for pages without metadata

    try:
        value = find_date(tree, url=url, extensive_search=True, original_date=True, outputformat="%Y-%m-%d")
    except Exception:  # noqa: BLE001 - htmldate must never break an extraction
        return None
    return parse_date(value)


_LANG = re.compile(r"^[a-zA-Z]{2,3}(?:[-_][a-zA-Z0-9]{2,8})?$")


def _norm_lang(value: str) -> str:
    value = (value or "").strip().split(",")[0].strip()
    if not _LANG.match(value):
        return ""
    return value.split("-")[0].split("_")[0].lower()


def _language(tree: HtmlElement, meta: _Meta, art: dict[str, Any]) -> str:
    """Declared language (html lang, meta, og:locale, JSON-LD); detection happens later, on the text."""
    root_lang = tree.getroottree().getroot().get("lang") or tree.getroottree().getroot().get(
        "{http://www.w3.org/XML/1998/namespace}lang") or ""
    for value in (root_lang, meta.get("content-language", "language", "dc.language"),
                  _clean(art.get("inLanguage")), meta.get("og:locale")):
        lang = _norm_lang(value)
        if lang:
            return lang
    return ""


def absolute(url: str, base: str) -> str:
    return urljoin(base, url) if base else url
