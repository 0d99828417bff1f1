"""The newsarchive.toml that points the archive at a running demo site."""

from __future__ import annotations

SOURCE_NAME = "harbor-gazette"


def demo_config(base_url: str, *, name: str = SOURCE_NAME, data_dir: str = "data", site_dir: str = "public",
                database: str = "", fast: bool = True) -> str:
    """Text of a newsarchive.toml with one source crawling the demo site at `base_url`.

    `fast` drops the crawl delay and AutoThrottle: the demo server is local, politeness
    towards it only slows the demo down. Paths are relative to the file's folder. A `database`
    line (any SQLAlchemy URL) is written only when needed, so a caller can add its own.
    """
    base = base_url.rstrip("/")
    if not database and data_dir != "data":
        database = f"sqlite:///{data_dir}/archive.sqlite"
    database_line = f'database = "{database}"\n' if database else ""
    crawl = ""
    if fast:
        crawl = """
[crawl]
# The demo site runs on this machine: no need to wait between requests.
download_delay = 0.0
autothrottle = false
concurrency_per_domain = 4
"""
    return f"""# newsarchive configuration for the bundled demo site (The Harbor Gazette, fictional).
# Written by newsarchive.demosite.demo_config; the server's address changes on every run.

[archive]
{database_line}data_dir = "{data_dir}"
site_dir = "{site_dir}"
site_title = "Harbor Gazette archive (demo)"
{crawl}
[[sources]]
name = "{name}"
title = "The Harbor Gazette"
feeds = ["{base}/rss.xml"]
sitemaps = ["{base}/sitemap.xml"]
start_urls = ["{base}/"]
article_pattern = "/20\\\\d\\\\d/"
"""
