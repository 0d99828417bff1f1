"""Two crawler processes share one crawl through Redis (scrapy-redis) into one PostgreSQL archive."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import uuid
from collections import Counter
from pathlib import Path

import pytest
from conftest import REDIS_URL, unavailable
from sites.newssite import NewsSite
from sqlalchemy import func, select

from archive.db import Database
from archive.models import Article, CrawlRun

pytestmark = pytest.mark.redis
ARTICLES = 220


@pytest.fixture
def redis_prefix():
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.RedisError:
        unavailable(f"Redis at {REDIS_URL}")
    prefix = f"na_test_{uuid.uuid4().hex[:10]}"
    try:
        yield client, prefix
    finally:
        keys = list(client.scan_iter(f"{prefix}:*"))
        if keys:
            client.delete(*keys)
        client.close()


def test_two_processes_split_one_crawl_and_never_fetch_a_url_twice(
        tmp_path: Path, pg_url: str, redis_prefix: tuple) -> None:
    client, prefix = redis_prefix
    with NewsSite(ARTICLES, hold_sitemap=True, article_delay=0.05) as site:
        text = site.config_text(database=pg_url, feeds=False,
                                extra_crawl=f'redis_url = "{REDIS_URL}"\nredis_prefix = "{prefix}"\n'
                                            "extract_workers = 1\n")
        config_path = tmp_path / "newsarchive.toml"
        config_path.write_text(text, encoding="utf-8")
        Database(pg_url).close()  # create the schema once, before two processes race to do it
        env = dict(os.environ, NEWSARCHIVE_CONFIG=str(config_path))
        procs = [subprocess.Popen([sys.executable, "-m", "newsarchive", "crawl"], env=env, text=True,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, cwd=tmp_path)
                 for _ in range(2)]
        try:
            # Hold the sitemap until both workers have joined, so both take part whatever the load.
            deadline = time.monotonic() + 120
            while client.hlen(f"{prefix}:news-gazette:workers") < 2:
                assert time.monotonic() < deadline, "the two crawler processes did not start"
                assert all(p.poll() is None for p in procs), [p.communicate() for p in procs]
                time.sleep(0.1)
            site.sitemap_gate.set()
            outputs = [p.communicate(timeout=300) for p in procs]
        finally:
            for p in procs:
                p.kill()
        for p, (_out, err) in zip(procs, outputs, strict=True):
            assert p.returncode == 0, err[-2000:]
        news = [int(re.search(r"(\d+) new", out).group(1)) for out, _ in outputs]
        assert sum(news) == ARTICLES
        assert min(news) > 0, f"one process did no real part: {[out for out, _ in outputs]}"

        counts = Counter(h.path for h in site.hits if h.path != "/robots.txt")
        assert counts["/sitemap.xml"] == 1
        assert {p for p in counts if p.startswith("/news/")} == {a.path for a in site.articles.values()}
        assert max(counts.values()) == 1, [p for p, n in counts.items() if n > 1]

    db = Database(pg_url)
    with db.session() as s:
        assert s.scalar(select(func.count(Article.id))) == ARTICLES
        assert s.scalar(select(func.count(func.distinct(Article.canonical_url)))) == ARTICLES
        runs = list(s.scalars(select(CrawlRun)))
        assert len(runs) == 2 and sorted(r.new_articles for r in runs) == sorted(news)
    db.close()
    # The last worker out ended the round: the next crawl starts from the feeds again.
    assert list(client.scan_iter(f"{prefix}:*")) == []
