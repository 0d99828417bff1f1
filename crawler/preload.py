"""Modules the crawl's forkserver imports once, so each crawl process starts warm.

The crawl process forks its extraction workers and database writer from itself
(crawler/workers.py), so this is also what they start with: crawler.worker_preload's modules
and the language identifier's model. Importing these must not install a Twisted reactor (the
crawl process installs the asyncio one).
"""

import scrapy.crawler  # noqa: F401

import crawler.pipelines  # noqa: F401
import crawler.spiders.news  # noqa: F401
import crawler.worker_preload  # noqa: F401 - what the workers need, the language model included
