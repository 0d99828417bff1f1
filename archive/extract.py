"""Article extraction: clean body text and metadata from one HTML page.

`extract_article` is a pure function (no database, no network) so it can run in worker
processes; per-source learned boilerplate is applied afterwards by archive.boilerplate.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from html import escape
from typing import Any

import trafilatura
from dateutil import parser as dateparser

MIN_WORDS = 40  # fewer words than this is not an article


@dataclass
class Extraction:
    """What one page yields. `ok` is False (with a `reason`) when no article was found."""

    ok: bool
    reason: str = ""
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
    text: str = ""
    html: str = ""
    word_count: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))


def paragraphs_to_html(text: str) -> str:
    return "\n".join(f"<p>{escape(p)}</p>" for p in split_paragraphs(text))


def split_paragraphs(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n\s*\n|\n", text) if p.strip()]


def _parse_date(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        parsed = dateparser.parse(value)
    except (ValueError, OverflowError):
        return None
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _split_authors(value: str | None) -> list[str]:
    if not value:
        return []
    names = [re.sub(r"^\s*by\s+", "", n, flags=re.I).strip() for n in re.split(r";|,| and ", value)]
    return [n for n in names if n]


def extract_article(html: bytes | str, url: str | None = None, *, body_selector: str = "",
                    remove_selectors: tuple[str, ...] | list[str] = ()) -> Extraction:
    """Extract the article on one page. Never raises on bad input: returns ok=False and a reason."""
    if not html or (isinstance(html, bytes) and not html.strip()):
        return Extraction(ok=False, reason="empty page")
    try:
        doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                          include_tables=False)
    except Exception as exc:  # noqa: BLE001 - trafilatura raises many kinds on broken input
        return Extraction(ok=False, reason=f"extraction failed: {type(exc).__name__}")
    if doc is None or not (doc.text or "").strip():
        return Extraction(ok=False, reason="no article text found")
    text = "\n\n".join(split_paragraphs(doc.text))
    count = word_count(text)
    if count < MIN_WORDS:
        return Extraction(ok=False, reason=f"too little text ({count} words)")
    return Extraction(
        ok=True,
        title=(doc.title or "").strip(),
        description=(doc.description or "").strip(),
        authors=_split_authors(doc.author),
        published=_parse_date(doc.date),
        language=doc.language or "",
        section=(doc.categories or [""])[0] if doc.categories else "",
        tags=[t.strip() for t in ",".join(doc.tags or []).split(",") if t.strip()],
        image_url=doc.image or "",
        canonical_url=doc.url or "",
        site_name=doc.sitename or "",
        text=text,
        html=paragraphs_to_html(text),
        word_count=count,
    )
