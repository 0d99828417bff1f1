"""Incremental crawling against a local site: conditional GETs, 304s, revisits, run records."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from sites.newssite import NewsSite, SiteArticle, make_paragraphs
from sqlalchemy import select, update

from archive.db import Database
from archive.models import Article, CrawlRun, FeedState, Revision
from newsarchive import api
from newsarchive.config import load_config


def configure(tmp_path: Path, site: NewsSite, extra_crawl: str = "", **kwargs: object):
    path = tmp_path / "newsarchive.toml"
    path.write_text(site.config_text(extra_crawl=extra_crawl, **kwargs), encoding="utf-8")
    return load_config(path)


def test_rerun_of_an_unchanged_site_fetches_only_feeds_with_conditional_get(tmp_path: Path) -> None:
    with NewsSite(6) as site:
        config = configure(tmp_path, site)
        [first] = api.crawl(config)
        assert (first.pages_fetched, first.new_articles, first.errors) == (6, 6, 0)
        before = len(site.hits)
        [again] = api.crawl(config)
        second = site.hits[before:]
        assert sorted(h.path for h in second) == ["/feed.xml", "/robots.txt", "/sitemap.xml"]
        feed = next(h for h in second if h.path == "/feed.xml")
        assert feed.status == 304 and feed.headers.get("If-None-Match")
        assert "If-Modified-Since" in feed.headers
        assert (again.pages_fetched, again.new_articles, again.not_modified) == (0, 0, 2)
        assert "2 not modified" in again.line()

    db = Database(config.database_url)
    with db.session() as s:
        runs = list(s.scalars(select(CrawlRun).order_by(CrawlRun.id)))
        assert len(runs) == 2
        one, two = runs
        assert one.finished_at and one.started_at <= one.finished_at
        assert (one.pages_fetched, one.new_articles, one.updated_articles, one.not_modified) == (6, 6, 0, 0)
        assert (two.pages_fetched, two.new_articles, two.not_modified, two.errors) == (0, 0, 2, 0)
        assert two.status == "finished" and two.errors_by_kind == {}
        assert {f.url for f in s.scalars(select(FeedState))} == {f"{site.base_url}/feed.xml",
                                                                  f"{site.base_url}/sitemap.xml"}
    db.close()


def test_revisits_follow_the_decaying_schedule_and_changed_text_becomes_a_revision(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    fresh = [SiteArticle(i, f"Fresh story {i}", make_paragraphs(i), now - timedelta(hours=2),
                         now - timedelta(hours=2)) for i in (1, 2, 3)]
    old = [SiteArticle(i, f"Old story {i}", make_paragraphs(i), now - timedelta(days=10),
                       now - timedelta(days=10)) for i in (4, 5)]
    with NewsSite(articles=fresh + old) as site:
        config = configure(tmp_path, site, sitemaps=False)
        [first] = api.crawl(config)
        assert first.new_articles == 5
        # Pretend the first crawl came half an hour after publication: the +1h checkpoint of the
        # fresh stories lies between that capture and now; the old stories. schedule (up to +7d) ended long ago.
        db = Database(config.database_url)
        with db.session() as s:
            s.execute(update(Article).values(last_seen=now - timedelta(hours=1, minutes=30)))
        site.edit(2, make_paragraphs(99))  # a correction on one fresh story
        before = len(site.hits)
        [second] = api.crawl(config)
        hits = site.hits[before:]
        revisited = sorted(h.path for h in hits if h.path.startswith("/news/"))
        assert revisited == ["/news/1.html", "/news/2.html", "/news/3.html"]
        assert all(h.headers.get("If-None-Match") for h in hits if h.path.startswith("/news/"))
        assert second.updated_articles == 1
        assert second.not_modified >= 2  # the two unchanged fresh stories answered 304
        with db.session() as s:
            edited = s.scalars(select(Article).where(Article.canonical_url.like("%/news/2.html"))).one()
            assert len(s.scalars(select(Revision).where(Revision.article_id == edited.id)).all()) == 2
            assert make_paragraphs(99)[0] in edited.text
            untouched = s.scalars(select(Article).where(Article.canonical_url.like("%/news/1.html"))).one()
            assert untouched.last_seen > datetime.now(UTC) - timedelta(minutes=5)  # the 304 counted as seen

        # Right after, nothing is due: no article page is fetched.
        before = len(site.hits)
        api.crawl(config)
        assert [h.path for h in site.hits[before:] if h.path.startswith("/news/")] == []
        db.close()


def test_sitemap_lastmod_newer_than_the_capture_triggers_a_revisit(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    old = [SiteArticle(i, f"Old story {i}", make_paragraphs(i), now - timedelta(days=30),
                       now - timedelta(days=30)) for i in (1, 2, 3)]
    with NewsSite(articles=old) as site:
        config = configure(tmp_path, site, feeds=False)
        api.crawl(config)
        site.edit(3, make_paragraphs(77))  # lastmod moves to now
        before = len(site.hits)
        [second] = api.crawl(config)
        articles = [h.path for h in site.hits[before:] if h.path.startswith("/news/")]
        assert articles == ["/news/3.html"]
        assert second.updated_articles == 1
