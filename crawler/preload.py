"""Modules the crawl's forkserver imports once, so each crawl or extraction process starts warm.

Importing these must not install a Twisted reactor (the crawl process installs the asyncio one).
"""

import scrapy.crawler  # noqa: F401

import archive.extract  # noqa: F401
import crawler.pipelines  # noqa: F401
import crawler.spiders.news  # noqa: F401
