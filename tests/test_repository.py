from __future__ import annotations

from datetime import UTC, datetime

import pytest

from archive.db import Database
from archive.extract import Extraction
from archive.repository import ARTICLE_JSON_KEYS, Repository, article_to_dict
from archive.warc import WarcPointer
from newsarchive.errors import NotFoundError

POINTER = WarcPointer("test.warc.gz", 0, 10)


def extraction(title: str = "Harbor bridge reopens", text: str = "The bridge reopened today. " * 10,
               **extra) -> Extraction:
    return Extraction(ok=True, title=title, text=text, html=f"<p>{text}</p>", word_count=len(text.split()),
                      authors=["Ana Ruiz"], published=datetime(2025, 5, 14, 9, 30, tzinfo=UTC),
                      tags=["transport"], **extra)


@pytest.fixture
def repo(db_url: str):
    db = Database(db_url)
    yield Repository(db)
    db.close()


def test_store_is_idempotent_and_tracks_changes(repo: Repository) -> None:
    sid = repo.ensure_source("gazette", "The Gazette")
    assert repo.ensure_source("gazette") == sid
    first = repo.store_article(sid, "https://ex.com/2025/a?utm_source=rss", extraction(), POINTER)
    assert first.outcome == "new"
    again = repo.store_article(sid, "https://ex.com/2025/a", extraction(), POINTER)
    assert (again.outcome, again.article_id) == ("unchanged", first.article_id)
    changed = repo.store_article(sid, "https://ex.com/2025/a", extraction(text="A new text. " * 12), POINTER)
    assert changed.outcome == "updated"
    with repo.db.session() as s:
        article = repo.get_article(s, first.article_id)
        assert article.canonical_url == "https://ex.com/2025/a"
        assert len(article.revisions) == 2
        assert article.version == 2 and article.needs_index
        assert {a.url for a in article.aliases} == {"https://ex.com/2025/a"}
        data = article_to_dict(article)
    assert tuple(data) == ARTICLE_JSON_KEYS
    assert data["published"] == "2025-05-14T09:30:00+00:00"
    assert data["source"] == "gazette"
    assert repo.known_article_urls(sid) == {"https://ex.com/2025/a"}


def test_lookup_by_url_variants_and_missing(repo: Repository) -> None:
    sid = repo.ensure_source("gazette")
    stored = repo.store_article(sid, "https://ex.com/2025/a", extraction(), POINTER)
    with repo.db.session() as s:
        assert repo.get_article(s, "https://ex.com/2025/a?utm_campaign=x#top").id == stored.article_id
        assert repo.get_article(s, str(stored.article_id)).id == stored.article_id
        with pytest.raises(NotFoundError):
            repo.get_article(s, "999")


def test_other_source_cannot_overwrite(repo: Repository) -> None:
    a = repo.ensure_source("a")
    b = repo.ensure_source("b")
    first = repo.store_article(a, "https://ex.com/2025/a", extraction(), POINTER)
    other = repo.store_article(b, "https://ex.com/2025/a", extraction(title="Hijacked"), POINTER)
    assert other.outcome == "unchanged"
    with repo.db.session() as s:
        assert repo.get_article(s, first.article_id).title == "Harbor bridge reopens"


def test_index_marker_only_clears_indexed_version(repo: Repository) -> None:
    sid = repo.ensure_source("gazette")
    stored = repo.store_article(sid, "https://ex.com/2025/a", extraction(), POINTER)
    with repo.db.session() as s:
        pending = repo.articles_needing_index(s)
        versions = {a.id: a.version for a in pending}
    repo.store_article(sid, "https://ex.com/2025/a", extraction(text="Changed meanwhile. " * 10), POINTER)
    repo.mark_indexed(versions)
    with repo.db.session() as s:
        assert [a.id for a in repo.articles_needing_index(s)] == [stored.article_id]
        versions = {a.id: a.version for a in repo.articles_needing_index(s)}
    repo.mark_indexed(versions)
    with repo.db.session() as s:
        assert repo.articles_needing_index(s) == []


def test_runs_pages_and_stats(repo: Repository) -> None:
    sid = repo.ensure_source("gazette")
    run = repo.start_run(sid)
    repo.record_page(sid, "https://ex.com/about", 200, "no article text found")
    repo.store_article(sid, "https://ex.com/2025/a", extraction(), POINTER)
    repo.finish_run(run, {"pages_fetched": 2, "new_articles": 1, "errors_by_kind": {"http_404": 1}, "errors": 1})
    stats = repo.stats()
    assert stats["articles"] == 1
    row = stats["sources"][0]
    assert row["name"] == "gazette" and row["articles"] == 1
    assert row["last_crawl"]["new_articles"] == 1 and row["last_crawl"]["errors"] == 1
