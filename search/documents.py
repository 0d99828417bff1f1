"""Turning an archived article into an index document."""

from __future__ import annotations

import hashlib
import re
import zlib
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Row

from archive.models import Article
from search.analysis import field_suffix, normalize_language
from search.schema import TITLE_REPEAT

_WORD = re.compile(r"\w+")
_FIRST_WORDS = 20
_PREFIX = 600  # characters: 20 words of ordinary prose and then some


def stored_text(value: str | bytes | None) -> str:
    """The body as stored in the index. Indexes written before 2026-12 hold it zlib-compressed;
    now it is stored as text and compressed once, with the rest of the document's stored fields
    (Whoosh compresses that record; compressing the body first cost time and, pickled as bytes
    at protocol 2, ~10% more space)."""
    if not value:
        return ""
    if isinstance(value, bytes):
        return zlib.decompress(value).decode("utf-8")
    return value


def dupkey(title: str, text: str) -> str:
    """Equal for copies of one story (syndication, re-publication): the title and the first
    words of the body, lowercased, punctuation and spacing ignored."""
    # The first 20 words of the lowercased text, from a prefix when it holds 21 (then the 20th
    # is whole); lowercasing and scanning all of a long text cost more than the rest of a document.
    first = _WORD.findall(text[:_PREFIX].lower())
    if len(first) <= _FIRST_WORDS:
        first = _WORD.findall(text.lower())
    words = _WORD.findall(title.lower()) + ["|"] + first[:_FIRST_WORDS]
    return hashlib.sha1(" ".join(words).encode("utf-8")).hexdigest()[:16]


def naive_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


#: What article_document reads: a full rebuild selects these columns only (search/rebuild.py).
DOCUMENT_COLUMNS = (Article.id, Article.source_id, Article.url, Article.version, Article.title,
                    Article.description, Article.text, Article.authors, Article.section, Article.tags,
                    Article.language, Article.published)


def article_document(article: Article | Row[Any], source_name: str) -> dict[str, Any]:
    """The fields of one article for the index (see search.schema), from an Article or a row of
    DOCUMENT_COLUMNS."""
    suffix = field_suffix(article.language)
    title, dek, text = article.title or "", article.description or "", article.text or ""
    published = naive_utc(article.published)
    doc: dict[str, Any] = {
        "id": str(article.id),
        "url": article.url,
        "version": article.version,
        "text": text,
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
