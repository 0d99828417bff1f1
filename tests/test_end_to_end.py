"""The whole job on the bundled demo site: crawl -> archive -> index -> static site.

Runs through the Python API and through the `newsarchive` command, on SQLite and PostgreSQL.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path
from xml.etree import ElementTree

import pytest

from newsarchive import api
from newsarchive.config import load_config
from newsarchive.demosite import BOILERPLATE_SNIPPETS, DemoSite, demo_articles, demo_config


def cli(config_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, NEWSARCHIVE_CONFIG=str(config_path))
    return subprocess.run([sys.executable, "-m", "newsarchive", *args], env=env, capture_output=True,
                          text=True, timeout=300, cwd=config_path.parent)


def make_config(tmp_path: Path, base_url: str, database: str | None = None) -> Path:
    text = demo_config(base_url, database=database or "")
    path = tmp_path / "newsarchive.toml"
    path.write_text(text, encoding="utf-8")
    return path


def article_paths() -> set[str]:
    return {a.path if hasattr(a, "path") else a["path"] for a in demo_articles()}


def test_api_end_to_end_sqlite(tmp_path: Path) -> None:
    with DemoSite() as site:
        config = load_config(make_config(tmp_path, site.base_url))
        [summary] = api.crawl(config)
        articles = demo_articles()
        assert summary.new_articles == len(articles)
        assert summary.errors == 0
        first_fetches = Counter(p for p in site.requests if p in article_paths())
        assert set(first_fetches) == article_paths()
        assert max(first_fetches.values()) == 1

        # Every article archived exactly once, with its story and none of the boilerplate.
        exported = tmp_path / "export.jsonl"
        with open(exported, "w", encoding="utf-8") as fh:
            assert api.export(config, fh) == len(articles)
        rows = [json.loads(line) for line in exported.read_text().splitlines()]
        by_path = {row["canonical_url"].split(site.base_url, 1)[1]: row for row in rows}
        assert set(by_path) == article_paths()
        for article in articles:
            row = by_path[article.path]
            assert row["title"] == article.title
            for paragraph in article.paragraphs:
                assert paragraph in row["text"], f"{article.path} lost a paragraph"
            for snippet in BOILERPLATE_SNIPPETS:
                assert snippet not in row["text"], f"{article.path} kept boilerplate {snippet!r}"

        # A second crawl fetches no article page again.
        before = len(site.requests)
        [again] = api.crawl(config)
        assert again.new_articles == 0
        refetched = [p for p in site.requests[before:] if p in article_paths()]
        assert refetched == []

    # Index and search by a phrase from a body.
    report = api.index(config)
    assert report.total == len(articles)
    target = articles[3]
    phrase = " ".join(target.paragraphs[1].split()[2:8]).strip(".,;:")
    results = api.search(config, f'"{phrase}"')
    assert results.hits and results.hits[0].title == target.title

    # The static site: one page per article, listed in the sitemap.
    api.build(config)
    site_dir = config.site_dir
    assert (site_dir / "index.html").exists()
    sitemap = (site_dir / "sitemap.xml").read_text()
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locs = [el.text for el in ElementTree.fromstring(sitemap).findall(".//s:loc", ns)]
    article_pages = [p for p in site_dir.glob("articles/*/index.html")]
    assert len(article_pages) == len(articles)
    assert len([loc for loc in locs if "articles/" in (loc or "")]) == len(articles)
    titles_on_pages = "\n".join(p.read_text() for p in article_pages)
    for article in articles:
        assert article.title.replace("'", "&#39;").replace('"', "&#34;") in titles_on_pages or \
            article.title in titles_on_pages


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_cli_end_to_end(tmp_path: Path, backend: str, request: pytest.FixtureRequest) -> None:
    database = request.getfixturevalue("pg_url") if backend == "postgresql" else None
    with DemoSite() as site:
        config_path = make_config(tmp_path, site.base_url, database)
        crawled = cli(config_path, "crawl")
        assert crawled.returncode == 0, crawled.stderr
        assert "harbor-gazette:" in crawled.stdout and f"{len(demo_articles())} new" in crawled.stdout
        assert "Traceback" not in crawled.stderr
    indexed = cli(config_path, "index")
    assert indexed.returncode == 0, indexed.stderr
    target = demo_articles()[5]
    words = " ".join(target.paragraphs[0].split()[3:9]).strip(".,;:")
    found = cli(config_path, "search", f'"{words}"', "--json")
    assert found.returncode == 0, found.stderr
    hits = json.loads(found.stdout)
    assert hits and hits[0]["title"] == target.title
    assert set(hits[0]) == {"id", "url", "title", "source", "published", "score", "snippet"}
    collapsed = cli(config_path, "search", f'"{words}"', "--json", "--collapse")
    assert collapsed.returncode == 0, collapsed.stderr
    assert json.loads(collapsed.stdout)[0]["id"] == hits[0]["id"]
    shown = cli(config_path, "show", str(hits[0]["id"]), "--json")
    assert shown.returncode == 0, shown.stderr
    article = json.loads(shown.stdout)
    for key in ("id", "url", "canonical_url", "source", "title", "authors", "published", "modified",
                "language", "tags", "description", "text", "word_count", "fetched_at"):
        assert key in article
    assert article["published"] and article["published"][-6] in "+-"
    built = cli(config_path, "build")
    assert built.returncode == 0, built.stderr
    stats = cli(config_path, "stats")
    assert stats.returncode == 0 and "harbor-gazette" in stats.stdout


def test_unreachable_source_is_counted_and_nothing_lost(tmp_path: Path) -> None:
    with DemoSite() as site:
        config = load_config(make_config(tmp_path, site.base_url))
        api.crawl(config)
    # The site is gone now: the crawl reports errors, exits cleanly and keeps the archive.
    [summary] = api.crawl(config)
    assert summary.errors >= 1
    assert summary.new_articles == 0
    with open(tmp_path / "x.jsonl", "w") as fh:
        assert api.export(config, fh) == len(demo_articles())


def test_user_errors_are_one_line(tmp_path: Path) -> None:
    with DemoSite() as site:
        config_path = make_config(tmp_path, site.base_url)
    for args in (["crawl", "no-such-source"], ["show", "12345"], ["search", "x", "--since", "May"]):
        result = cli(config_path, *args)
        assert result.returncode != 0
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    bad = tmp_path / "bad.toml"
    bad.write_text("[archive\n")
    result = subprocess.run([sys.executable, "-m", "newsarchive", "--config", str(bad), "stats"],
                            capture_output=True, text=True)
    assert result.returncode != 0 and "TOML syntax error" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
