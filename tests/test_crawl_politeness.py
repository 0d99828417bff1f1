"""Politeness against a local site that pushes back: Retry-After, failures, error cap, robots, lock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sites.newssite import NewsSite
from sqlalchemy import select

from archive.db import Database
from archive.models import CrawlRun
from crawler.middlewares import backoff_seconds, retry_after_seconds
from newsarchive import api
from newsarchive.config import load_config
from newsarchive.locks import source_lock


def configure(tmp_path: Path, site: NewsSite, extra_crawl: str = "", **kwargs: object):
    path = tmp_path / "newsarchive.toml"
    path.write_text(site.config_text(extra_crawl=extra_crawl, **kwargs), encoding="utf-8")
    return load_config(path)


def last_run(config) -> CrawlRun:
    db = Database(config.database_url)
    try:
        with db.session() as s:
            run = s.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
            s.expunge_all()
            return run
    finally:
        db.close()


def test_retry_after_parsing_and_backoff() -> None:
    assert retry_after_seconds("120") == 120
    now = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
    assert retry_after_seconds("Wed, 01 Jan 2025 12:00:30 GMT", now) == 30
    assert retry_after_seconds("Wed, 01 Jan 2025 11:00:00 GMT", now) == 0
    assert retry_after_seconds("soon") is None and retry_after_seconds(None) is None
    assert [backoff_seconds(n, 1.0, 5.0) for n in range(5)] == [0, 1, 2, 4, 5]


def test_retry_after_on_429_holds_the_site_back(tmp_path: Path) -> None:
    with NewsSite(4, retry_after={"/news/2.html": "1"}) as site:
        # A small delay: Scrapy 2.19 enforces per-domain concurrency only when a delay is set.
        config = configure(tmp_path, site, "backoff_max = 10.0\nconcurrency_per_domain = 1\ndownload_delay = 0.01\n",
                           feeds=False)
        [summary] = api.crawl(config)
        assert summary.new_articles == 4 and summary.errors == 0
        hits = site.article_hits()
        refused = next(i for i, h in enumerate(hits) if h.status == 429)
        retried = next(h for h in hits[refused + 1:] if h.path == "/news/2.html")
        assert retried.status == 200
        # Nothing reached the site until the second it asked for had passed.
        after = hits[refused + 1:]
        assert min(h.at for h in after) - hits[refused].at >= 0.95


def test_a_site_failing_half_its_requests_is_backed_off_and_recorded(tmp_path: Path) -> None:
    with NewsSite(10, fail_every=2) as site:
        config = configure(tmp_path, site, "max_errors = 0\n", feeds=False)
        [summary] = api.crawl(config)
        failures = [h for h in site.article_hits() if h.status == 500]
        assert failures, "the site was meant to fail"
        # Scrapy's retries plus our backoff get most pages; whatever failed three times is an error.
        assert summary.new_articles + summary.errors_by_kind.get("http_500", 0) == 10
        assert summary.new_articles >= 5
        run = last_run(config)
        assert run.status == "finished"
        assert run.new_articles == summary.new_articles
        assert run.errors == sum(run.errors_by_kind.values()) == summary.errors
        # The next run fetches what failed, and only that.
        before = len(site.article_hits())
        site.fail_every = 0
        [again] = api.crawl(config)
        assert again.new_articles == 10 - summary.new_articles
        assert len(site.article_hits()) - before == again.new_articles


def test_error_cap_stops_the_source_for_this_run(tmp_path: Path) -> None:
    with NewsSite(40, fail_every=1) as site:
        config = configure(tmp_path, site, "max_errors = 3\ndownload_delay = 0.01\n", feeds=False)
        [summary] = api.crawl(config)
        assert summary.finish_reason == "too_many_errors"
        assert "stopped after too many errors" in summary.line()
        assert summary.errors >= 3
        # Without the cap every page would be tried three times (Scrapy's two retries).
        assert len(site.article_hits()) < 3 * 40
        run = last_run(config)
        assert run.status == "too_many_errors" and run.finished_at is not None
        assert run.errors_by_kind.get("http_500", 0) >= 3


def test_robots_txt_rules_and_crawl_delay_are_obeyed(tmp_path: Path) -> None:
    with NewsSite(4, robots="User-agent: *\nCrawl-delay: 0.5\nDisallow: /news/3.html\n") as site:
        config = configure(tmp_path, site, feeds=False)
        [summary] = api.crawl(config)
        assert summary.new_articles == 3
        hits = site.article_hits()
        assert "/news/3.html" not in {h.path for h in hits}
        gaps = [b.at - a.at for a, b in zip(hits, hits[1:], strict=False)]
        assert min(gaps) >= 0.45


def test_a_source_being_crawled_elsewhere_is_skipped(tmp_path: Path) -> None:
    with NewsSite(3) as site:
        config = configure(tmp_path, site)
        with source_lock(config, "gazette"):
            [summary] = api.crawl(config)
        assert summary.finish_reason == "locked"
        assert "another process is crawling it" in summary.line()
        assert site.article_hits() == []
        [summary] = api.crawl(config)
        assert summary.new_articles == 3


def test_revisit_offsets_and_due_checkpoints() -> None:
    from archive.repository import ArticleState
    from crawler import revisit

    checkpoints = revisit.offsets(["7d", "1h", "6h"])
    published = datetime(2025, 1, 1, tzinfo=UTC)
    state = ArticleState(1, published, published, published + timedelta(minutes=30), "", "")
    assert revisit.next_checkpoint(state, checkpoints) == published + timedelta(hours=1)
    assert not revisit.is_due(state, published + timedelta(minutes=59), checkpoints)
    assert revisit.is_due(state, published + timedelta(hours=2), checkpoints)
    late = ArticleState(1, published, published, published + timedelta(days=8), "", "")
    assert revisit.next_checkpoint(late, checkpoints) is None
    assert revisit.lastmod_is_newer(late, published + timedelta(days=9))
    assert not revisit.lastmod_is_newer(late, None)


def test_a_site_that_goes_down_during_the_run_stops_its_source(tmp_path: Path) -> None:
    """Refused connections after the site answered: stopped as unreachable, not run into the error cap
    through long backoffs; what was fetched before is archived and the next run fetches the rest."""
    with NewsSite(60, die_after=8) as site:
        config = configure(tmp_path, site, "max_errors = 1000\nbackoff_max = 300.0\nconcurrency_per_domain = 1\n"
                           "download_delay = 0.01\n", feeds=False)
        [summary] = api.crawl(config)
        served = [h for h in site.article_hits() if h.status == 200]
    assert site.dead.is_set()
    assert summary.finish_reason == "unreachable", summary.line()
    assert "site unreachable" in summary.line()
    assert summary.new_articles == len(served) >= 8
    # Stopped after a few refused attempts: no queued page reached its final failure (each would
    # first be tried once, 52 pauses, then retried twice).
    assert summary.errors_by_kind == {"site_went_down": 1}
    run = last_run(config)
    assert run.status == "unreachable" and run.new_articles == len(served)


def _pipeline_workers() -> list[int]:
    """Pids of the crawl's extraction workers and database writer: the processes the crawl
    process forked (crawler/workers.py). The crawl process is the child of the crawl forkserver
    (whose command line names the modules it preloads); every process forked from either keeps
    that command line, so they are told apart by their place in the tree."""
    import os

    def cmdline(pid: str) -> str:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as fh:
                return fh.read().decode("utf-8", "replace")
        except OSError:
            return ""

    def parent(pid: str) -> str:
        try:
            with open(f"/proc/{pid}/stat", encoding="utf-8") as fh:
                return fh.read().rsplit(")", 1)[1].split()[1]
        except (OSError, IndexError):
            return ""

    me = str(os.getpid())
    pids = [pid for pid in os.listdir("/proc") if pid.isdigit()]
    servers = {pid for pid in pids if parent(pid) == me and "crawler.preload" in cmdline(pid)}
    crawls = {pid for pid in pids if parent(pid) in servers}
    return [int(pid) for pid in pids if parent(pid) in crawls and "crawler.worker_preload" not in cmdline(pid)]


def test_killed_worker_processes_are_replaced_and_nothing_is_lost(tmp_path: Path) -> None:
    """kill -9 every extraction worker and the database writer in the middle of a crawl: fresh
    ones take over, the pages in flight are retried, every article is archived exactly once."""
    import os
    import signal
    import threading
    import time

    with NewsSite(40, article_delay=0.1) as site:
        (tmp_path / "newsarchive.toml").write_text(site.config_text(), encoding="utf-8")
        config = load_config(tmp_path / "newsarchive.toml")
        done: list[object] = []
        crawl = threading.Thread(target=lambda: done.append(api.crawl(config)))
        crawl.start()
        deadline = time.monotonic() + 60
        # Wait until the two extraction workers and the writer are there, with work in flight.
        while (len(site.article_hits()) < 12 or len(_pipeline_workers()) < 3) and time.monotonic() < deadline:
            time.sleep(0.05)
        victims = _pipeline_workers()
        for pid in victims:
            os.kill(pid, signal.SIGKILL)
        crawl.join(120)
        assert not crawl.is_alive(), "the crawl did not finish"
    assert len(victims) == 3, victims  # two extraction workers (extract_workers = 2) and the writer
    [summary] = done[0]  # type: ignore[misc]
    assert summary.new_articles + summary.unchanged == 40 and summary.no_article == 0, summary.line()
    db = Database(config.database_url)
    try:
        from archive.models import Article

        with db.session() as s:
            urls = list(s.scalars(select(Article.canonical_url)))
            run = s.scalars(select(CrawlRun)).one()
        assert sorted(urls) == sorted(f"{site.base_url}{a.path}" for a in site.articles.values())
        assert run.status == "finished"
    finally:
        db.close()


def test_ctrl_c_finishes_the_pages_in_flight_without_a_traceback(tmp_path: Path) -> None:
    """Ctrl-C in a terminal reaches the whole process group (the CLI, the crawl, its forkserver
    and workers): the crawl stops gracefully, every article page it fetched is stored, no worker
    prints a KeyboardInterrupt traceback, and the next crawl archives the rest."""
    import os
    import signal
    import sqlite3
    import subprocess
    import sys
    import time

    with NewsSite(60, article_delay=0.1) as site:
        (tmp_path / "newsarchive.toml").write_text(site.config_text(), encoding="utf-8")
        command = [sys.executable, "-m", "newsarchive", "--config", str(tmp_path / "newsarchive.toml"), "crawl"]
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                start_new_session=True)  # its own process group, like a terminal job
        deadline = time.monotonic() + 60
        while len(site.article_hits()) < 20 and time.monotonic() < deadline:
            time.sleep(0.05)
        os.killpg(proc.pid, signal.SIGINT)
        out, err = proc.communicate(timeout=120)
        fetched = {h.path for h in site.article_hits() if h.status == 200}
        assert "Traceback" not in err, err[-3000:]
        assert "stopped (shutdown)" in out, out
        with sqlite3.connect(tmp_path / "data" / "archive.sqlite") as db:
            archived = {row[0].split("://", 1)[1].split("/", 1)[1] for row in db.execute("SELECT canonical_url FROM articles")}
            failed = db.execute("SELECT url, reason FROM pages").fetchall()
        assert failed == []
        assert archived == {p.lstrip("/") for p in fetched}, "a fetched page was not stored"
        assert 20 <= len(archived) < 60
        config = load_config(tmp_path / "newsarchive.toml")
        [summary] = api.crawl(config)
        assert summary.new_articles == 60 - len(archived), summary.line()
