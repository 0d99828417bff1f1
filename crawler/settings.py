"""Scrapy settings for newsarchive's crawler (polite defaults; see Scrapy's project template).

Values that users tune live in newsarchive.toml ([crawl]); `crawler.runner.scrapy_settings`
copies them over these defaults. Everything here works unchanged for `scrapy crawl news`.
"""

BOT_NAME = "newsarchive"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

# Identify yourself (and your website) on the user-agent.
USER_AGENT = "newsarchive/0.1 (+https://github.com/newsarchive/newsarchive)"

# Obey robots.txt rules, including Crawl-delay where the site sets one.
ROBOTSTXT_OBEY = True

# Politeness: few parallel requests per site, a delay between them, adapted by AutoThrottle.
# Keep CONCURRENT_REQUESTS a small multiple of the per-domain limit: a large gap between the
# two made the default asyncio reactor several times slower in our measurements.
CONCURRENT_REQUESTS = 8
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
DOWNLOAD_DELAY_JITTER = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# Bounded work per response: size, time, redirects, depth.
DOWNLOAD_MAXSIZE = 10 * 1024 * 1024
DOWNLOAD_WARNSIZE = 0
DOWNLOAD_TIMEOUT = 30
DNS_TIMEOUT = 20
REDIRECT_MAX_TIMES = 10
DEPTH_LIMIT = 4
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

# Scrapy runs up to CONCURRENT_ITEMS coroutines over each response's output; a page yields one
# item, and the default 100 costs ~1 ms of event-loop time per page just to start and stop them.
CONCURRENT_ITEMS = 16

# Cookies are not needed to read news and only make requests traceable.
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False

# robots.txt with Crawl-delay; Retry-After on 429/503 and exponential backoff for a failing site.
DOWNLOADER_MIDDLEWARES = {
    "crawler.scope.ScopeMiddleware": 50,  # source's hosts on the source's ports only
    "scrapy.downloadermiddlewares.redirect.MetaRefreshMiddleware": None,
    "crawler.scope.SafeMetaRefreshMiddleware": 580,
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "crawler.middlewares.RobotsCrawlDelayMiddleware": 100,
    "crawler.middlewares.PolitenessMiddleware": 560,
}

ITEM_PIPELINES = {
    "crawler.pipelines.ArchivePipeline": 300,
}
EXTENSIONS = {
    "crawler.extensions.CrawlProgress": 500,
    "crawler.shared.SharedCrawl": 510,  # only active with REDIS_URL (several crawler processes)
}

# The asyncio reactor lets the archive pipeline await extraction in a process pool.
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"

# newsarchive's own settings (read by the spider and the pipeline).
NEWSARCHIVE_CONFIG = None  # path of newsarchive.toml; default: $NEWSARCHIVE_CONFIG or ./newsarchive.toml
NEWSARCHIVE_MAX_PAGES = 5000  # most pages fetched per source per run
NEWSARCHIVE_EXTRACT_WORKERS = 0  # extraction processes; 0 = one per CPU
NEWSARCHIVE_PROGRESS = False  # live progress line on the terminal
NEWSARCHIVE_REVISIT_ALL = False  # revisit every archived article once (`newsarchive crawl --revisit`)
NEWSARCHIVE_REVISIT_AFTER = ["1h", "6h", "24h", "3d", "7d"]  # revisit checkpoints after publication
NEWSARCHIVE_MAX_ERRORS = 50  # failed requests after which a source stops for this run (0: no cap)
NEWSARCHIVE_BACKOFF_BASE = 1.0  # first pause (s) after a failure; doubles with each further one
NEWSARCHIVE_BACKOFF_MAX = 300.0  # longest pause (s), also the cap on Retry-After
NEWSARCHIVE_UNREACHABLE_BACKOFF = 1.0  # longest pause (s) for a host refusing every connection so far
