"""The bundled demo news site: a fictional paper, "The Harbor Gazette", served on 127.0.0.1.

Thirty hand-written stories wrapped in realistic boilerplate (navigation, cookie notice,
share buttons, "Related stories", a newsletter box, a subscription pitch at the end of every
article, an author bio, comments, footer), with an RSS feed, a sitemap index and robots.txt.
`make demo` crawls it; the tests crawl it too.

    with DemoSite() as site:
        site.base_url          # "http://127.0.0.1:PORT"
        site.requests["/rss.xml"]   # how often a path was fetched
"""

from __future__ import annotations

from newsarchive.demosite.boilerplate import (
    BOILERPLATE_SNIPPETS,
    READER_COMMENTS,
    boilerplate_snippets,
)
from newsarchive.demosite.configfile import SOURCE_NAME, demo_config
from newsarchive.demosite.model import AUTHORS, SECTIONS, SITE_NAME, DemoArticle
from newsarchive.demosite.server import DemoSite, RequestLog, RequestRecord
from newsarchive.demosite.stories import SHARED_QUOTE, SHARED_QUOTE_PARAGRAPH, all_stories
from newsarchive.demosite.synthetic import make_site_articles


def demo_articles() -> list[DemoArticle]:
    """The 30 hand-written articles, oldest first (a fresh list on every call)."""
    return all_stories()


__all__ = [
    "AUTHORS",
    "BOILERPLATE_SNIPPETS",
    "READER_COMMENTS",
    "SECTIONS",
    "SHARED_QUOTE",
    "SHARED_QUOTE_PARAGRAPH",
    "SITE_NAME",
    "SOURCE_NAME",
    "DemoArticle",
    "DemoSite",
    "RequestLog",
    "RequestRecord",
    "boilerplate_snippets",
    "demo_articles",
    "demo_config",
    "make_site_articles",
]
