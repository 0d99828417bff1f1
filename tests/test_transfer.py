"""`export` / `import`: a lossless round trip, SQLite -> JSONL -> PostgreSQL -> JSONL."""

from __future__ import annotations

import io
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from archive.db import Database
from archive.extract import Extraction
from archive.models import Article, ArticleSignature
from archive.repository import ARTICLE_JSON_KEYS, Repository
from archive.transfer import ImportFormatError, export_archive, import_archive
from archive.warc import WarcPointer
from newsarchive.cli import cli

T0 = datetime(2025, 3, 1, 8, 15, 30, 123456, tzinfo=UTC)


def words(seed: int, n: int = 120) -> str:
    rng = random.Random(seed)
    return " ".join(rng.choice(["Hafen", "bridge", "ville", "東京", "naïve", "O'Brien", "«quote»", "café",
                                f"w{seed}", "council", "vote", "storm", "😀"]) + str(rng.randrange(50))
                    for _ in range(n))


def populate(url: str) -> None:
    """Two sources, new/updated/duplicate articles, a cross-source cluster, odd characters."""
    db = Database(url)
    repo = Repository(db)
    gazette, herald = repo.ensure_source("gazette", "The Gazette"), repo.ensure_source("herald", "Der Herold")
    wire = words(1)
    for n in range(6):
        text = wire if n == 0 else words(n + 10)
        ex = Extraction(ok=True, title=f"Título {n} — “quoted”", text=text, html=f"<p>{text}</p>",
                        word_count=len(text.split()), authors=["Zoë Ng", "B. O'Hara"][: n % 3],
                        published=T0 - timedelta(days=n) if n % 2 else None, tags=["politics", "été"][: n % 3],
                        language="en" if n % 2 else "", section="News", image_url="https://img.example/x.jpg",
                        site_name="Gazette", description="line one\nline two\ttab")
        repo.store_article(gazette, f"https://gazette.example/2025/{n}?utm_source=feed", ex,
                           WarcPointer("gazette-1.warc.gz", 1000 * n, 500), fetched_at=T0 + timedelta(minutes=n),
                           etag=f'"e{n}"', last_modified="Sat, 01 Mar 2025 08:15:30 GMT",
                           request_url=f"https://gazette.example/r/{n}")
    changed = Extraction(ok=True, title="Título 1 — updated", text=words(99), html="<p>x</p>", word_count=120)
    repo.store_article(gazette, "https://gazette.example/2025/1", changed, WarcPointer("gazette-2.warc.gz", 7, 9),
                       fetched_at=T0 + timedelta(hours=3))
    copy = Extraction(ok=True, title="Wire", text=wire + " Reporting by wire desk", html="", word_count=124)
    repo.store_article(herald, "https://herald.example/wire", copy, WarcPointer("herald-1.warc.gz", 0, 1),
                       fetched_at=T0 + timedelta(hours=4))
    db.close()


def export_lines(url: str) -> list[str]:
    db = Database(url)
    out = io.StringIO()
    try:
        count = export_archive(db, out)
    finally:
        db.close()
    lines = out.getvalue().splitlines()
    assert len(lines) == count
    return lines


def test_sqlite_to_jsonl_to_postgresql_to_jsonl_is_identical(tmp_path: Path, pg_url: str) -> None:
    sqlite_url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    populate(sqlite_url)
    first = export_lines(sqlite_url)
    assert len(first) == 7
    record = json.loads(first[1])
    assert tuple(record)[:len(ARTICLE_JSON_KEYS)] == ARTICLE_JSON_KEYS  # the show --json contract first
    assert len(record["revisions"]) == 2 and record["revisions"][1]["title"] == "Título 1 — updated"
    assert "https://gazette.example/r/1" in record["aliases"]
    assert json.loads(first[-1])["archive"]["cluster_id"] == json.loads(first[0])["id"]

    db = Database(pg_url)
    report = import_archive(db, first, batch=3)
    assert (report.articles, report.skipped, report.sources) == (7, 0, 2)
    assert report.revisions == 8 and report.aliases == 13
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(ArticleSignature)) == 7  # derived data rebuilt
        assert all(s.scalars(select(Article.needs_index)))
    # ids continue after the imported ones
    new = Repository(db).store_article(Repository(db).ensure_source("gazette"), "https://gazette.example/new",
                                       Extraction(ok=True, title="n", text=words(500), word_count=120),
                                       WarcPointer("g.warc.gz", 0, 1))
    assert new.article_id > max(json.loads(line)["id"] for line in first)
    db.close()
    second = export_lines(pg_url)
    assert second[:7] == first

    again = Database(pg_url)  # importing twice adds nothing and overwrites nothing
    try:
        assert import_archive(again, first).skipped == 7
    finally:
        again.close()


def test_import_command_and_bad_files(tmp_path: Path) -> None:
    source_url = f"sqlite:///{tmp_path / 'a.sqlite'}"
    populate(source_url)
    dump = tmp_path / "dump.jsonl"
    dump.write_text("\n".join(export_lines(source_url)) + "\n", encoding="utf-8")
    config = tmp_path / "newsarchive.toml"
    config.write_text(f'[archive]\ndatabase = "sqlite:///{tmp_path / "b.sqlite"}"\n', encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(cli, ["--config", str(config), "import", str(dump)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("imported 7 articles")
    exported = runner.invoke(cli, ["--config", str(config), "export"])
    assert exported.output.splitlines() == dump.read_text(encoding="utf-8").splitlines()

    broken = tmp_path / "broken.jsonl"
    broken.write_text(dump.read_text(encoding="utf-8").splitlines()[0] + "\n{not json\n", encoding="utf-8")
    result = runner.invoke(cli, ["--config", str(config), "import", str(broken)])
    assert result.exit_code != 0 and "line 2 is not JSON" in result.output
    assert len(result.output.strip().splitlines()) == 1
    result = runner.invoke(cli, ["--config", str(config), "import", str(tmp_path / "missing.jsonl")])
    assert result.exit_code != 0 and "no such file" in result.output
    with pytest.raises(ImportFormatError, match="line 1 lacks"):
        import_archive(Database(f"sqlite:///{tmp_path / 'c.sqlite'}"), ['{"id": 1}'])
