from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import text

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


def test_canonical_claims_and_aliases(repo: Repository) -> None:
    gazette, herald = repo.ensure_source("gazette"), repo.ensure_source("herald")
    original = repo.store_article(herald, "https://herald.example/2025/story", extraction(), POINTER)
    # A page of another site claiming to be canonical for herald's URL is stored under its own URL
    # and never touches herald's article.
    claim = repo.store_article(gazette, "https://gazette.example/copy?utm_source=x",
                               extraction(title="Copied", canonical_url="https://herald.example/2025/story"),
                               POINTER)
    assert claim.outcome == "new" and claim.article_id != original.article_id
    # An AMP page declaring its same-site original merges into it; both fetched URLs are aliases.
    amp = repo.store_article(herald, "https://herald.example/amp/2025/story-x",
                             extraction(canonical_url="https://herald.example/2025/story"), POINTER,
                             request_url="https://herald.example/s/123")
    assert (amp.outcome, amp.article_id) == ("unchanged", original.article_id)
    with repo.db.session() as s:
        assert repo.get_article(s, original.article_id).title == "Harbor bridge reopens"
        assert repo.get_article(s, claim.article_id).canonical_url == "https://gazette.example/copy"
        assert {a.url for a in repo.get_article(s, original.article_id).aliases} == {
            "https://herald.example/2025/story", "https://herald.example/2025/story-x",
            "https://herald.example/s/123"}
        assert repo.get_article(s, "https://herald.example/s/123").id == original.article_id


# -- query plans on 100k articles ---------------------------------------------------------------
_SERIES = {
    "sqlite": ("WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM c WHERE i < {n}) ",
               "FROM c", "datetime('2020-01-01', '+' || i || ' minutes')", "'2025-01-01 00:00:00'"),
    "postgresql": ("", "FROM generate_series(1, {n}) AS c(i)", "timestamptz '2020-01-01' + i * interval '1 minute'",
                   "timestamptz '2025-01-01'"),
}


def bulk_articles(db, n: int) -> None:
    """n articles over 20 sources (1% waiting for the index), a revision and an alias each, in a few
    INSERT ... SELECT statements."""
    prefix, series, published, now = _SERIES[db.engine.dialect.name]
    with db.engine.begin() as conn:
        conn.execute(text("INSERT INTO sources (id, name, title, created_at) " + prefix.format(n=20)
                          + f"SELECT i, 's' || i, '', {now} " + series.format(n=20)))
        conn.execute(text(
            "INSERT INTO articles (id, source_id, url, canonical_url, title, description, authors, published, "
            "language, section, tags, image_url, site_name, text, html, word_count, content_hash, text_hash, "
            "cluster_id, fetched_at, first_seen, last_seen, warc_file, warc_offset, warc_length, etag, "
            "last_modified_header, version, needs_index) " + prefix.format(n=n)
            + f"SELECT i, i % 20 + 1, 'https://s.example/' || i, 'https://s.example/' || i, 't', '', '[]', {published}, "
            f"'en', '', '[]', '', '', '', '', 0, '', '', i - i % 3, {now}, {now}, {now}, '', 0, 0, '', '', 1, "
            "(i % 100 = 0) " + series.format(n=n)))
        conn.execute(text(
            "INSERT INTO revisions (article_id, fetched_at, title, text, html, word_count, content_hash, warc_file, "
            "warc_offset) " + prefix.format(n=n) + f"SELECT i, {now}, '', '', '', 0, '', '', 0 " + series.format(n=n)))
        conn.execute(text("INSERT INTO aliases (url, article_id) " + prefix.format(n=n)
                          + "SELECT 'https://s.example/a/' || i, i " + series.format(n=n)))
        conn.execute(text("ANALYZE"))
    if db.engine.dialect.name == "postgresql":
        with db.engine.begin() as conn:
            conn.execute(text("SELECT setval(pg_get_serial_sequence('articles', 'id'), :n)"), {"n": n})


def query_plan(db, stmt) -> str:
    sql = str(stmt.compile(dialect=db.engine.dialect, compile_kwargs={"literal_binds": True}))
    with db.engine.connect() as conn:
        if db.engine.dialect.name == "sqlite":
            return "\n".join(str(row[-1]) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql))
        return "\n".join(row[0] for row in conn.exec_driver_sql("EXPLAIN " + sql))


def test_listing_and_sync_queries_use_indexes_on_100k_articles(repo: Repository) -> None:
    from sqlalchemy import desc, select

    from archive.models import Alias, Article, Revision

    db = repo.db
    bulk_articles(db, 100_000)
    with db.session() as s:
        assert len(repo.articles_needing_index(s, limit=5000)) == 1000
    queries = {
        # search sync: what changed since the last sync (archive.repository.articles_needing_index)
        "ix_articles_needs_index": select(Article).where(Article.needs_index.is_(True)).order_by(Article.id).limit(500),
        # site listings: newest of a source, newest overall
        "ix_articles_source_published|ix_articles_published":
            select(Article.id).where(Article.source_id == 3).order_by(desc(Article.published)).limit(50),
        "ix_articles_published": select(Article.id).order_by(desc(Article.published)).limit(50),
        # article page: "also published by" and the revision list
        "ix_articles_cluster_id": select(Article.id).where(Article.cluster_id == 300),
        "ix_revisions_article_id": select(Revision.id).where(Revision.article_id == 500),
        # identity lookups
        "canonical_url": select(Article.id).where(Article.canonical_url == "https://s.example/7"),
        "aliases": select(Alias.article_id).where(Alias.url == "https://s.example/a/7"),
    }
    for index, stmt in queries.items():
        plan = query_plan(db, stmt)
        assert "Seq Scan" not in plan and not any(
            line.startswith("SCAN") and "INDEX" not in line for line in plan.splitlines()), plan
        if index not in ("canonical_url", "aliases"):
            assert any(name in plan for name in index.split("|")), plan


def test_storing_an_article_reads_no_whole_source_on_sqlite(sqlite_url: str) -> None:
    """Every query of the store path finds its rows through an index that narrows to them. (With
    an index on the text digest alone, SQLite, which keeps no statistics unless ANALYZE runs, chose
    the source_id index for the digest lookup and read every article of the source.)"""
    from sqlalchemy import event

    db = Database(sqlite_url)
    repo = Repository(db)
    source = repo.ensure_source("s")
    for i in range(3):
        repo.store_article(source, f"https://s.example/{i}", extraction(f"Story {i}", f"Words of story {i}. " * 40),
                           WarcPointer("a.warc.gz", i, 1))
    statements: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if statement.lstrip().upper().startswith("SELECT") and not executemany:
            statements.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        repo.store_article(source, "https://s.example/new", extraction("New story", "Fresh words here. " * 40),
                           WarcPointer("a.warc.gz", 9, 1))
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert len(statements) >= 2
    with db.engine.connect() as conn:
        for statement, parameters in statements:
            plan = [str(row[-1]) for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)]
            assert not any(line.startswith("SCAN") and "CONSTANT" not in line for line in plan), (statement, plan)
            assert not any("(source_id=?)" in line and "articles" in line for line in plan), (statement, plan)
    db.close()
