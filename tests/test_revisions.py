"""Revisions: a changed refetch stores a new version, an unchanged one only updates last_seen;
`show --json` lists them and `newsarchive diff` shows word-level changes."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner

from archive.db import Database
from archive.diff import diff_html, diff_text, tokenize, word_diff
from archive.extract import Extraction
from archive.repository import REVISION_JSON_KEYS, Repository
from archive.warc import WarcPointer
from newsarchive import api
from newsarchive.cli import cli
from newsarchive.config import load_config

T0 = datetime(2025, 5, 14, 9, 0, tzinfo=UTC)
V1 = ("The council voted on Monday to close the harbor bridge for repairs.\n\n"
      "Work will take six weeks, officials said. " + "Traffic will be diverted through the old town. " * 5)
V2 = ("The council voted on Monday to close the harbor bridge for urgent repairs.\n\n"
      "Work will take eight weeks, officials said. " + "Traffic will be diverted through the old town. " * 5)


def ex(text: str, title: str = "Bridge to close") -> Extraction:
    return Extraction(ok=True, title=title, text=text, html=f"<p>{text}</p>", word_count=len(text.split()))


def make_config(tmp_path: Path, db_url: str) -> Path:
    path = tmp_path / "newsarchive.toml"
    path.write_text(f'[archive]\ndatabase = "{db_url}"\n[[sources]]\nname = "gazette"\n'
                    'start_urls = ["https://gazette.example/"]\n', encoding="utf-8")
    return path


@pytest.fixture
def archive(tmp_path: Path, db_url: str):
    """A config and an archive with one article fetched three times (changed once)."""
    config_path = make_config(tmp_path, db_url)
    db = Database(db_url)
    repo = Repository(db)
    sid = repo.ensure_source("gazette")
    url = "https://gazette.example/2025/bridge"
    assert repo.store_article(sid, url, ex(V1), WarcPointer("a.warc.gz", 0, 1), fetched_at=T0).outcome == "new"
    unchanged = repo.store_article(sid, url, ex(V1), WarcPointer("a.warc.gz", 10, 1),
                                   fetched_at=T0 + timedelta(hours=1))
    assert unchanged.outcome == "unchanged"
    updated = repo.store_article(sid, url, ex(V2, title="Bridge to close for eight weeks"),
                                 WarcPointer("a.warc.gz", 20, 1), fetched_at=T0 + timedelta(hours=6))
    assert updated.outcome == "updated"
    db.close()
    yield config_path, updated.article_id
    Database(db_url).close()


def test_unchanged_fetch_only_updates_last_seen(archive) -> None:
    config_path, article_id = archive
    config = load_config(config_path)
    with api.open_archive(config) as repo, repo.db.session() as s:
        article = repo.get_article(s, article_id)
        assert [r.fetched_at for r in article.revisions] == [T0, T0 + timedelta(hours=6)]
        assert [r.warc_offset for r in article.revisions] == [0, 20]  # each revision keeps its capture
        assert article.version == 2
        sid = article.source_id
    # a later identical capture: only last_seen moves
    with api.open_archive(config) as repo:
        later = T0 + timedelta(days=1)
        result = repo.store_article(sid, "https://gazette.example/2025/bridge?utm_source=rss",
                                    ex(V2, title="Bridge to close for eight weeks"),
                                    WarcPointer("b.warc.gz", 0, 1), fetched_at=later)
        assert result.outcome == "unchanged"
        with repo.db.session() as s:
            article = repo.get_article(s, article_id)
            assert article.last_seen == later and article.fetched_at == T0 + timedelta(hours=6)
            assert len(article.revisions) == 2 and article.version == 2


def test_show_json_lists_revisions(archive) -> None:
    config_path, article_id = archive
    data = api.show(load_config(config_path), str(article_id))
    assert data["revisions"] == [
        {"fetched_at": T0.isoformat(), "title": "Bridge to close", "word_count": len(V1.split())},
        {"fetched_at": (T0 + timedelta(hours=6)).isoformat(), "title": "Bridge to close for eight weeks",
         "word_count": len(V2.split())},
    ]
    assert all(tuple(r) == REVISION_JSON_KEYS for r in data["revisions"])
    result = CliRunner().invoke(cli, ["--config", str(config_path), "show", "--json", str(article_id)])
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.output)["revisions"]) == 2


def test_diff_command(archive) -> None:
    config_path, article_id = archive
    runner = CliRunner()
    result = runner.invoke(cli, ["--config", str(config_path), "diff", "https://gazette.example/2025/bridge"])
    assert result.exit_code == 0, result.output
    assert "revision 1" in result.output and "revision 2" in result.output
    assert "{+urgent +}" in result.output
    assert "[-six-]{+eight+}" in result.output
    assert "title: Bridge to close{+ for eight weeks+}" in result.output
    same = runner.invoke(cli, ["--config", str(config_path), "diff", str(article_id), "2", "2"])
    assert same.exit_code == 0 and "(text unchanged)" in same.output
    bad = runner.invoke(cli, ["--config", str(config_path), "diff", str(article_id), "1", "5"])
    assert bad.exit_code != 0 and "revisions 1 to 2" in bad.output
    missing = runner.invoke(cli, ["--config", str(config_path), "diff", "999"])
    assert missing.exit_code != 0 and "no archived article" in missing.output


def test_word_diff_round_trips_both_texts() -> None:
    chunks = word_diff(V1, V2)
    old = "".join(t for op, t in chunks if op != "insert")
    new = "".join(t for op, t in chunks if op != "delete")
    assert old == "".join(tokenize(V1)) and new == "".join(tokenize(V2))
    assert ("delete", "six") in chunks and ("insert", "eight") in chunks
    assert word_diff("same text", "same text") == [("equal", "same text")]


def test_diff_html_marks_changes_and_escapes() -> None:
    page = diff_html("Police said <nothing>.\n\nSecond paragraph.", "Police said <something> & more.\n\nSecond paragraph.")
    assert page.count("<p>") == 2
    assert "<del>&lt;nothing&gt;.</del>" in page
    assert "<ins>&lt;something&gt; &amp; more.</ins>" in page
    assert "<script" not in diff_html("a", "<script>alert(1)</script>")
    assert diff_text("a b c", "a c") == "a [-b -]c"


def test_crawl_revisit_refetches_every_archived_article_once(tmp_path: Path) -> None:
    from sites.newssite import NewsSite, SiteArticle, make_paragraphs

    now = datetime.now(UTC)
    old = [SiteArticle(i, f"Old story {i}", make_paragraphs(i), now - timedelta(days=30), now - timedelta(days=30))
           for i in (1, 2, 3)]
    with NewsSite(articles=old) as site:
        path = tmp_path / "newsarchive.toml"
        path.write_text(site.config_text(sitemaps=False), encoding="utf-8")
        config = load_config(path)
        [first] = api.crawl(config)
        assert first.new_articles == 3
        site.edit(2, make_paragraphs(77))
        before = len(site.hits)
        [scheduled] = api.crawl(config)  # their revisit schedule ended long ago: nothing refetched
        assert not [h for h in site.hits[before:] if h.path.startswith("/news/")]
        assert scheduled.updated_articles == 0
        before = len(site.hits)
        result = CliRunner().invoke(cli, ["--config", str(path), "crawl", "--revisit"])
        assert result.exit_code == 0, result.output
        hits = [h for h in site.hits[before:] if h.path.startswith("/news/")]
        assert sorted(h.path for h in hits) == ["/news/1.html", "/news/2.html", "/news/3.html"]
        assert all(h.headers.get("If-None-Match") or h.headers.get("If-Modified-Since") for h in hits)
        assert "0 new, 1 updated" in result.output
        assert int(re.search(r"(\d+) not modified", result.output).group(1)) >= 2  # the two unchanged pages
        diff = api.diff(config, f"{site.base_url}/news/2.html")
        assert diff["revisions"] == 2 and any(op == "insert" for op, _ in diff["chunks"])
