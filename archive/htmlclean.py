"""The sanitized minimal HTML kept for an article page (nh3 is the last word on what survives)."""

from __future__ import annotations

from html import escape
from urllib.parse import urljoin, urlsplit

import nh3

ALLOWED_TAGS = {"p", "h2", "h3", "h4", "blockquote", "ul", "ol", "li", "figure", "figcaption", "a", "br"}
ALLOWED_ATTRIBUTES = {"a": {"href"}}


def safe_href(href: str | None, base_url: str | None = None) -> str | None:
    """An absolute http(s) URL for a link target, or None for anything else (javascript:, mailto:...)."""
    if not href:
        return None
    href = href.strip()
    if base_url:
        try:
            href = urljoin(base_url, href)
        except ValueError:
            return None
    try:
        parts = urlsplit(href)
    except ValueError:
        return None
    return href if parts.scheme in ("http", "https") and parts.netloc else None


def sanitize(html: str) -> str:
    """Keep only the minimal article markup; links keep an http(s) href and nothing else."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https"}, link_rel=None, strip_comments=True)


def text_to_html(text: str) -> str:
    """Plain text (paragraphs separated by blank lines) as HTML paragraphs."""
    paras = [p.strip() for p in text.split("\n\n") if p.strip()]
    return "\n".join("<p>" + escape(p).replace("\n", "<br>") + "</p>" for p in paras)
