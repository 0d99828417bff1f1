"""Alembic migrations: the oldest schema with data in it upgrades to head; newer schemas are
refused; the models never drift from the migrations (a model change needs a new migration)."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text

from archive.db import (
    MIGRATIONS_DIR,
    Database,
    DatabaseError,
    _alembic_config,
    current_revision,
    head_revision,
    make_engine,
)
from archive.models import Article, Base
from archive.repository import Repository

OLDEST = "0001"

# Rows as the first schema knew them (raw SQL: the models describe the newest schema).
SEED = [
    "INSERT INTO sources (id, name, title, created_at) VALUES (1, 'gazette', 'The Gazette', '2025-01-01 00:00:00')",
    "INSERT INTO sources (id, name, title, created_at) VALUES (2, 'herald', 'The Herald', '2025-01-01 00:00:00')",
]
ARTICLE = ("INSERT INTO articles (id, source_id, url, canonical_url, title, description, authors, language, "
           "section, tags, image_url, site_name, text, html, word_count, content_hash, fetched_at, first_seen, "
           "last_seen, warc_file, warc_offset, warc_length, etag, last_modified_header, version, needs_index) "
           "VALUES (:id, :sid, :url, :curl, :title, '', '[]', 'en', '', '[]', '', '', :text, '', :wc, 'h', "
           "'2025-01-02 00:00:00', '2025-01-02 00:00:00', '2025-01-02 00:00:00', 'a.warc.gz', 0, 0, '', '', 1, "
           ":ni)")
REVISION = ("INSERT INTO revisions (article_id, fetched_at, title, text, html, word_count, content_hash, "
            "warc_file, warc_offset) VALUES (:id, '2025-01-02 00:00:00', :title, :text, '', :wc, 'h', "
            "'a.warc.gz', 0)")
WIRE = " ".join(f"word{i % 97} token{i % 13} part{i}" for i in range(120))


def make_oldest(url: str) -> None:
    """A database at the first schema, with two sources, three articles, revisions and aliases."""
    engine = make_engine(url)
    with engine.begin() as conn:
        command.upgrade(_alembic_config(conn), OLDEST)
    with engine.begin() as conn:
        for stmt in SEED:
            conn.execute(text(stmt))
        rows = [(1, 1, "https://gazette.example/a", "Storm", WIRE),
                (2, 2, "https://herald.example/a", "Storm (wire)", WIRE + " Reporting by the desk"),
                (3, 1, "https://gazette.example/b", "Other", "short text about something else")]
        for aid, sid, url, title, body in rows:
            params = {"id": aid, "sid": sid, "url": url, "curl": url, "title": title, "text": body,
                      "wc": len(body.split()), "ni": aid != 3}
            conn.execute(text(ARTICLE), params)
            conn.execute(text(REVISION), params)
            conn.execute(text("INSERT INTO aliases (url, article_id) VALUES (:u, :a)"),
                         {"u": url + "?utm_source=x", "a": aid})
    engine.dispose()


def test_oldest_database_with_data_upgrades_to_head(db_url: str) -> None:
    make_oldest(db_url)
    db = Database(db_url)
    try:
        assert current_revision(db.engine) == head_revision()
        assert db.upgrade_message and db.upgrade_message.startswith(f"upgraded database schema {OLDEST} -> ")
        if db_url.startswith("sqlite"):
            backup = Path(db.upgrade_message.split("(backup: ")[1].rstrip(")"))
            assert backup.exists() and backup.stat().st_size > 0
        with db.engine.connect() as conn:
            counts = {t: conn.execute(text(f"SELECT COUNT(*) FROM {t}")).scalar()
                      for t in ("sources", "articles", "revisions", "aliases")}
            assert counts == {"sources": 2, "articles": 3, "revisions": 3, "aliases": 3}
        repo = Repository(db)
        assert repo.backfill_dedup() == 3
        with db.session() as s:
            article = repo.get_article(s, "https://gazette.example/a?utm_source=x")
            assert article.title == "Storm" and len(article.revisions) == 1
            assert [a.source.name for a in repo.cluster_siblings(s, article.id)] == ["herald"]
            assert s.get(Article, 3).cluster_id == 3
    finally:
        db.close()
    assert Database(db_url).upgrade_message is None  # already at head: nothing to do


def test_newer_schema_is_refused_in_one_line(db_url: str) -> None:
    Database(db_url).close()
    engine = make_engine(db_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    engine.dispose()
    with pytest.raises(DatabaseError) as info:
        Database(db_url)
    message = str(info.value)
    assert "\n" not in message and "9999" in message and "newer" in message


def test_unreachable_server_is_one_line() -> None:
    with pytest.raises(DatabaseError) as info:
        Database("postgresql+psycopg://postgres@127.0.0.1:1/nothing")
    assert "\n" not in str(info.value) and "cannot open the database" in str(info.value)


def test_migrations_form_one_linear_chain() -> None:
    cfg = _alembic_config(None)
    script = ScriptDirectory.from_config(cfg)
    assert len(script.get_heads()) == 1
    chain = [rev.revision for rev in script.walk_revisions()]
    assert chain[-1] == OLDEST
    assert all(len(script.get_revision(r).nextrev) <= 1 for r in chain)
    assert MIGRATIONS_DIR.is_dir()


def test_models_match_migrations(db_url: str) -> None:
    """Fails when a model changed without a migration: add one (next number, one linear chain)."""
    db = Database(db_url)
    try:
        with db.engine.connect() as conn:
            diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    finally:
        db.close()
    assert diffs == []
