"""kill -9 the crawler, the indexer and the site builder at random moments (real subprocesses),
then run again: `newsarchive check` passes, nothing committed is lost, nothing is duplicated.
Also: `newsarchive check` finds what it must find."""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from hostile_checks import scan_site
from sites.hostile import GrowingSite
from sqlalchemy import select

from archive.models import Article
from newsarchive import api
from newsarchive.config import load_config

KILLS = 21
MAX_ATTEMPTS = 60  # index runs are fast since the bulk rebuild: more of them finish before the kill
GROWTH = 10  # new articles on the site before each crawl


@dataclass
class Kill:
    command: str
    point: str  # what had happened when the kill came
    at: float  # seconds after the start
    before: int  # articles in the database before the command started
    after: int  # ... after the kill


def command(config_path: Path, *args: str) -> list[str]:
    return [sys.executable, "-m", "newsarchive", "--config", str(config_path), *args]


def snapshot(config) -> dict[str, str]:
    with api.open_archive(config) as repo, repo.db.session() as s:
        return dict(s.execute(select(Article.canonical_url, Article.content_hash)).all())


def article_count(db_path: Path) -> int:
    import sqlite3

    try:
        conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=1)
        try:
            return conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


class KillPoint:
    """When to kill: not a fixed delay (start-up takes 2-10 s depending on the machine's load)
    but a moment in the command's real work, chosen at random."""

    def __init__(self, name: str, config, rng: random.Random) -> None:
        self.name, self.config, self.rng = name, config, rng
        self.db_path = Path(config.database_url.removeprefix("sqlite:///"))
        self.start_count = article_count(self.db_path)
        self.started = time.monotonic()
        if name == "crawl":  # after the k-th new article is committed (k = 0: during start-up)
            self.k = rng.randint(0, GROWTH - 1)
            self.describe = f"after {self.k} new articles committed" if self.k else "during start-up"
            self.delay = rng.uniform(0.5, 3.0) if self.k == 0 else 0.0
        else:  # index: once it holds the Whoosh writer; build: once it has written a file
            self.delay = rng.uniform(0.0, 0.6)
            self.describe = (f"{self.delay:.2f} s after taking the index writer lock" if name == "index"
                             else f"{self.delay:.2f} s after writing its first file")
        self.armed_at: float | None = None

    def triggered(self, pid: int) -> bool:
        now = time.monotonic()
        if self.armed_at is None and self._armed(pid):
            self.armed_at = now
        return self.armed_at is not None and now - self.armed_at >= self.delay

    def _armed(self, pid: int) -> bool:
        if self.name == "crawl":
            return self.k == 0 or article_count(self.db_path) - self.start_count >= self.k
        if self.name == "index":
            return any(p.read_text().strip() == str(pid) for p in self.config.index_dir.glob("gen-*/WRITER")
                       if p.is_file())
        site = self.config.site_dir
        return site.exists() and any(p.stat().st_mtime > time.time() - (time.monotonic() - self.started)
                                     for p in site.glob("articles/*/index.html"))


def run_and_kill(argv: list[str], point: KillPoint, cwd: Path) -> tuple[bool, float]:
    """Start a command in its own process group and SIGKILL the whole group (the crawler's
    child processes die with it) when `point` is reached; (killed, seconds after start)."""
    started = time.monotonic()
    proc = subprocess.Popen(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    while proc.poll() is None and time.monotonic() - started < 120:
        if point.triggered(proc.pid):
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(30)
            return True, time.monotonic() - started
        time.sleep(0.02)
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)
        raise AssertionError(f"{' '.join(argv[3:])} did not finish in 120 s")
    return False, time.monotonic() - started


def run_ok(argv: list[str], cwd: Path) -> str:
    result = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


@pytest.mark.slow
def test_kill_minus_nine_at_random_points(tmp_path: Path) -> None:
    rng = random.Random(int(os.environ.get("NEWSARCHIVE_KILL_SEED", "8")))
    kills: list[Kill] = []
    with GrowingSite(count=GROWTH, delay=0.15) as site:
        config_path = tmp_path / "newsarchive.toml"
        config_path.write_text(site.config_text(), encoding="utf-8")
        config = load_config(config_path)
        api.crawl(config)  # something to index and build from the start
        attempts = 0
        while len(kills) < KILLS and attempts < MAX_ATTEMPTS:
            attempts += 1
            name = ("crawl", "index", "build")[attempts % 3]
            args = [name]
            if name == "crawl":
                site.count += GROWTH
            elif name == "index" and rng.random() < 0.4:
                args.append("--rebuild")
            before = snapshot(config)
            point = KillPoint(name, config, rng)
            killed, at = run_and_kill(command(config_path, *args), point, tmp_path)
            after = snapshot(config)
            lost = {url for url in before if url not in after}
            assert not lost, f"{name} killed at {at:.1f}s lost committed articles {sorted(lost)[:5]}"
            assert all(after[url] == digest for url, digest in before.items())
            result = api.check(config)
            assert result.problems == [], f"after killing {' '.join(args)} at {at:.1f}s: {result.problems}"
            if killed:
                kills.append(Kill(" ".join(args), point.describe, at, len(before), len(after)))
        assert len(kills) >= KILLS, f"only {len(kills)} kills landed in {attempts} attempts"
        assert {k.command.split()[0] for k in kills} == {"crawl", "index", "build"}
        # Run each command to its end: everything is there once, and consistent.
        run_ok(command(config_path, "crawl"), tmp_path)
    run_ok(command(config_path, "index"), tmp_path)
    run_ok(command(config_path, "build"), tmp_path)
    checked = run_ok(command(config_path, "check"), tmp_path)
    assert checked.startswith("archive is consistent")
    final = snapshot(config)
    expected = {f"{site.base_url}/a/story-{n}" for n in range(1, site.count + 1)}
    assert set(final) == expected  # every article exactly once (canonical URLs are unique keys)
    problems, counts = scan_site(config.site_dir)
    assert problems == []
    assert len(list((config.site_dir / "articles").glob("*/index.html"))) == len(expected)
    record_kills(kills)


def record_kills(kills: list[Kill]) -> None:
    """Leave the kill points for scripts/reliability_report.py (when it asks for them)."""
    out = os.environ.get("NEWSARCHIVE_RELIABILITY_OUT")
    if not out:
        return
    import json

    path = Path(out) / "kills.json"
    path.write_text(json.dumps([k.__dict__ for k in kills], indent=1), encoding="utf-8")


# -- newsarchive check finds what it must find --------------------------------------------
@pytest.fixture(scope="module")
def small_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("checked")
    with GrowingSite(count=6, delay=0.0) as site:
        (folder / "newsarchive.toml").write_text(site.config_text(), encoding="utf-8")
        config = load_config(folder / "newsarchive.toml")
        api.crawl(config)
    api.index(config)
    assert api.check(config).ok
    return folder


def copy_archive(source: Path, target: Path):
    import shutil

    shutil.copytree(source, target)
    return load_config(target / "newsarchive.toml")


def test_check_finds_a_missing_warc_file(small_archive: Path, tmp_path: Path) -> None:
    config = copy_archive(small_archive, tmp_path / "a")
    for path in config.warc_dir.glob("*.warc.gz"):
        path.unlink()
    problems = api.check(config).problems
    assert problems and all("WARC file" in p and "missing" in p for p in problems)


def test_check_finds_a_damaged_warc_record(small_archive: Path, tmp_path: Path) -> None:
    config = copy_archive(small_archive, tmp_path / "a")
    with api.open_archive(config) as repo, repo.db.session() as s:
        article = s.scalars(select(Article)).first()
        path, offset = config.warc_dir / article.warc_file, article.warc_offset
    data = bytearray(path.read_bytes())
    data[offset + 20: offset + 60] = b"\xff" * 40
    path.write_bytes(bytes(data))
    problems = api.check(config).problems
    assert any(f"article {article.id}" in p and "unreadable" in p for p in problems), problems


def test_check_finds_index_and_database_disagreeing(small_archive: Path, tmp_path: Path) -> None:
    from sqlalchemy import delete, update

    from archive.models import Alias, ArticleFingerprint, ArticleSignature, LshBucket, Revision

    config = copy_archive(small_archive, tmp_path / "a")
    with api.open_archive(config) as repo, repo.db.session() as s:
        ids = list(s.scalars(select(Article.id).order_by(Article.id)))
        gone = ids[0]
        for model in (Revision, Alias, ArticleSignature, LshBucket, ArticleFingerprint):
            s.execute(delete(model).where(model.article_id == gone))
        s.execute(delete(Article).where(Article.id == gone))
        s.execute(update(Article).where(Article.id == ids[1]).values(version=Article.version + 1))
        s.commit()
    problems = api.check(config).problems
    assert any(f"documents {gone}" in p and "not in the database" in p for p in problems), problems
    assert any(f"articles {ids[1]}" in p and "old version" in p for p in problems), problems


def test_check_finds_duplicates(small_archive: Path, tmp_path: Path) -> None:
    from sqlalchemy import update

    config = copy_archive(small_archive, tmp_path / "a")
    with api.open_archive(config) as repo, repo.db.session() as s:
        first, second = s.scalars(select(Article).order_by(Article.id).limit(2)).all()
        s.execute(update(Article).where(Article.id == second.id).values(
            canonical_url=first.canonical_url + "?utm_source=x"))
        s.commit()
    problems = api.check(config).problems
    assert any("duplicates of one canonical URL" in p for p in problems), problems


def test_check_cli_exits_non_zero_with_one_line_per_problem(small_archive: Path, tmp_path: Path) -> None:
    config = copy_archive(small_archive, tmp_path / "a")
    for path in config.warc_dir.glob("*.warc.gz"):
        path.unlink()
    result = subprocess.run(command(config.path, "check"), capture_output=True, text=True, timeout=120)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert result.stdout.strip() and all("WARC" in line for line in result.stdout.strip().splitlines())


def test_check_reports_a_writer_lock_held_by_a_live_process(small_archive: Path, tmp_path: Path) -> None:
    """A live process holding Whoosh's write lock blocks the next writer: reported, not broken."""
    import multiprocessing

    config = copy_archive(small_archive, tmp_path / "a")
    ctx = multiprocessing.get_context("fork")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=hold_writer, args=(config.index_dir, ready, release))
    holder.start()
    try:
        assert ready.wait(30)
        problems = api.check(config).problems
        assert any("locked" in p for p in problems), problems
    finally:
        release.set()
        holder.join(30)
    assert api.check(config).ok


def hold_writer(index_dir: Path, ready, release) -> None:
    from search.index import SearchIndex

    index = SearchIndex(index_dir)
    writer = index.store.writer(index._index())
    ready.set()
    release.wait(30)
    writer.cancel()
    index.close()
    os._exit(0)


def test_a_killed_writer_leaves_no_lock_behind(small_archive: Path, tmp_path: Path) -> None:
    import multiprocessing

    config = copy_archive(small_archive, tmp_path / "a")
    ctx = multiprocessing.get_context("fork")
    ready, release = ctx.Event(), ctx.Event()
    holder = ctx.Process(target=hold_writer, args=(config.index_dir, ready, release))
    holder.start()
    assert ready.wait(30)
    os.kill(holder.pid, signal.SIGKILL)
    holder.join(30)
    assert api.check(config).ok
