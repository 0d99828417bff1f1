"""Turning an archived article into an index document."""

from __future__ import annotations

import hashlib
import re
import zlib
from datetime import UTC, datetime
from typing import Any

from archive.models import Article
from search.analysis import field_suffix, normalize_language
from search.schema import TITLE_REPEAT

_WORD = re.compile(r"\w+")


def compress(text: str) -> bytes:
    return zlib.compress(text.encode("utf-8"), 6)


def decompress(blob: bytes | None) -> str:
    return zlib.decompress(blob).decode("utf-8") if blob else ""


def dupkey(title: str, text: str) -> str:
    """Equal for copies of one story (syndication, re-publication): the title and the first
    words of the body, lowercased, punctuation and spacing ignored."""
    words = _WORD.findall(title.lower()) + ["|"] + _WORD.findall(text.lower())[:20]
    return hashlib.sha1(" ".join(words).encode("utf-8")).hexdigest()[:16]


def naive_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


def article_document(article: Article, source_name: str) -> dict[str, Any]:
    """The fields of one article for the index (see search.schema)."""
    suffix = field_suffix(article.language)
    title, dek, text = article.title or "", article.description or "", article.text or ""
    published = naive_utc(article.published)
    doc: dict[str, Any] = {
        "id": str(article.id),
        "url": article.url,
        "version": article.version,
        "text": compress(text),
        "authors": "; ".join(article.authors or []),
        "source": source_name,
        "section": article.section or "",
        "tags": ",".join(t.replace(",", " ") for t in (article.tags or [])),
        "language": normalize_language(article.language),
        "year": str(published.year) if published else "",
        "dupkey": dupkey(title, text),
    }
    if published is not None:
        doc["published"] = published
    doc["headline"], doc["summary"] = title, dek
    doc[f"title{suffix}"] = title
    doc[f"body{suffix}"] = "\n\n".join([title] * TITLE_REPEAT + [dek, text])
    return doc
