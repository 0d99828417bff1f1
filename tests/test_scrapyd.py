"""The Scrapyd deployment of docs/operations.md, for real: scrapyd-deploy an egg of the project to
a Scrapyd on 127.0.0.1, schedule.json a crawl of the demo site, and find every article archived
in PostgreSQL."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, select

from archive.models import Article, CrawlRun, Source
from newsarchive.demosite import SOURCE_NAME, DemoSite, demo_articles, demo_config

ROOT = Path(__file__).resolve().parent.parent
PROJECT_FILES = ["scrapy.cfg", "setup.py", "pyproject.toml", "README.md",
                 "crawler", "archive", "newsarchive", "search", "publish"]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def api(base: str, path: str, **form: str) -> dict:
    data = urllib.parse.urlencode(form).encode() if form else None
    with urllib.request.urlopen(base + path, data, timeout=30) as response:
        return json.load(response)


@pytest.fixture
def scrapyd(tmp_path: Path) -> Iterator[str]:
    """A Scrapyd server on a free port, with its eggs, logs and job database under tmp_path."""
    port = free_port()
    home = tmp_path / "scrapyd"
    home.mkdir()
    (home / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\neggs_dir = {home / 'eggs'}\n"
        f"logs_dir = {home / 'logs'}\ndbs_dir = {home / 'dbs'}\nitems_dir =\nmax_proc = 2\n"
        "poll_interval = 0.5\n", encoding="utf-8")
    server = subprocess.Popen([str(BIN / "scrapyd")], cwd=home, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/"
    try:
        for _ in range(100):
            try:
                if api(base, "daemonstatus.json")["status"] == "ok":
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("Scrapyd did not start")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def deploy(tmp_path: Path, url: str) -> None:
    """`scrapyd-deploy` from a copy of the project (it writes build files into the folder)."""
    project = tmp_path / "project"
    project.mkdir()
    for name in PROJECT_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, project / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, project / name)
    cfg = (project / "scrapy.cfg").read_text(encoding="utf-8")
    (project / "scrapy.cfg").write_text(cfg.replace("http://127.0.0.1:6800/", url), encoding="utf-8")
    result = subprocess.run([str(BIN / "scrapyd-deploy")], cwd=project, capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr
    assert '"status": "ok"' in result.stdout + result.stderr, result.stdout + result.stderr


def wait_finished(base: str, job: str) -> dict:
    for _ in range(600):
        jobs = api(base, "listjobs.json?project=newsarchive")
        for done in jobs["finished"]:
            if done["id"] == job:
                return done
        time.sleep(0.5)
    pytest.fail(f"Scrapyd job {job} did not finish")


def test_a_crawl_scheduled_on_scrapyd_archives_the_site(scrapyd: str, pg_url: str, tmp_path: Path) -> None:
    deploy(tmp_path, scrapyd)
    assert api(scrapyd, "listspiders.json?project=newsarchive")["spiders"] == ["news"]
    config = tmp_path / "archive" / "newsarchive.toml"
    config.parent.mkdir()
    with DemoSite() as site:
        config.write_text(demo_config(site.base_url, database=pg_url), encoding="utf-8")
        scheduled = api(scrapyd, "schedule.json", project="newsarchive", spider="news", source=SOURCE_NAME,
                        setting=f"NEWSARCHIVE_CONFIG={config}")
        assert scheduled["status"] == "ok", scheduled
        wait_finished(scrapyd, scheduled["jobid"])
        article_paths = {a.path for a in demo_articles()}
        article_fetches = [p for p in site.requests.paths() if p in article_paths]
    log = next((tmp_path / "scrapyd" / "logs" / "newsarchive" / "news").glob("*.log")).read_text("utf-8")
    assert "Traceback" not in log, log[-3000:]
    assert "'finish_reason': 'finished'" in log
    engine = create_engine(pg_url)
    try:
        with engine.connect() as conn:
            urls = set(conn.scalars(select(Article.url)))
            runs = conn.execute(select(Source.name, CrawlRun.new_articles, CrawlRun.status)
                                .join(CrawlRun.source)).all()
    finally:
        engine.dispose()
    assert len(urls) == len(demo_articles()) == 30
    assert len(article_fetches) == 30  # each article page fetched once
    assert runs == [(SOURCE_NAME, 30, "finished")]
