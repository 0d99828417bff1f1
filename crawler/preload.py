"""Modules the crawl's forkserver imports once, so each crawl process starts warm.

The crawl process forks its extraction workers and database writer from itself
(crawler/workers.py), so this is also what they start with: the language identifier's model is
loaded here too (py3langid reads and decompresses it on first use: ~0.7 s of CPU that every
worker of every crawl would pay again). Importing these must not install a Twisted reactor (the
crawl process installs the asyncio one).
"""

import scrapy.crawler  # noqa: F401

import archive.boilerplate  # noqa: F401
import archive.dedup  # noqa: F401
import archive.extract  # noqa: F401
import archive.repository  # noqa: F401
import crawler.pipelines  # noqa: F401
import crawler.spiders.news  # noqa: F401
from archive.extraction.language import load_model

load_model()
