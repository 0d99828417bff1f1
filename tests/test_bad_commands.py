"""Bad commands, bad queries and a hostile environment (unknown source, malformed queries, a
read-only data folder, a full disk, a database from a newer version): one clear line and a
non-zero exit, never a traceback, never a partial write."""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from sites.hostile import GrowingSite

from newsarchive import api
from newsarchive.cli import cli
from newsarchive.config import load_config

MALFORMED_QUERIES = {
    "empty-field": "title:",
    "unbalanced-quote": '"harbour council',
    "unbalanced-open-paren": "(harbour OR council",
    "unbalanced-close-paren": "harbour) council)",
    "query-10000-chars": "x" * 10_000,
    "query-10000-chars-of-words": "council " * 1250,
    "deep-parens": "(" * 3000 + "council" + ")" * 3000,
    "lone-star": "*",
    "field-soup": "title:" * 1500,
    "bad-range": "published:[2020 to",
    "control-chars": "council\x00\x1b[31m\u202e",
}


@pytest.fixture(scope="module")
def base_archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("base")
    with GrowingSite(count=5, delay=0.0) as site:
        (folder / "newsarchive.toml").write_text(site.config_text(), encoding="utf-8")
        config = load_config(folder / "newsarchive.toml")
        api.crawl(config)
    api.index(config)
    return folder


def invoke(folder: Path, *args: str) -> tuple[int, str, str]:
    """Run the CLI in this process (as `newsarchive --config FOLDER/newsarchive.toml ARGS`)."""
    result = CliRunner().invoke(cli, ["--config", str(folder / "newsarchive.toml"), *args], catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"{args}: escaped the CLI: {result.exception!r}")
    return result.exit_code, result.stdout, result.stderr


def assert_one_line_error(code: int, err: str, what: str) -> None:
    assert code != 0, f"{what}: exit code 0"
    assert "Traceback" not in err, f"{what}: {err}"
    lines = [line for line in err.strip().splitlines() if not line.startswith("note: ")]
    assert len(lines) == 1 and lines[0].startswith("newsarchive: error: "), f"{what}: {err!r}"


def tree_digest(folder: Path) -> str:
    """What a folder holds: file bytes, and a database's rows (not its page layout; SQLite's
    -wal/-shm side files, made by merely opening a WAL database, are not data)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path.name.endswith(("-wal", "-shm")):
            continue
        digest.update(path.relative_to(folder).as_posix().encode())
        if path.suffix == ".sqlite":
            with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as conn:
                digest.update("\n".join(conn.iterdump()).encode())
        else:
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.mark.parametrize("args", [
    ["crawl", "no-such-source"], ["search", "harbour", "--source", "nope"], ["export", "--source", "nope"],
    ["reextract", "--source", "nope"], ["show", "99999"], ["show", "https://nowhere.example/x"],
    ["search", "harbour", "--since", "last week"], ["diff", "99999"], ["import", "no-such-file.jsonl"],
], ids=" ".join)
def test_unknown_names_are_one_line(base_archive: Path, args: list[str]) -> None:
    before = tree_digest(base_archive / "data")
    code, _out, err = invoke(base_archive, *args)
    assert_one_line_error(code, err, " ".join(args))
    assert tree_digest(base_archive / "data") == before


def test_unknown_source_through_the_real_command(base_archive: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "newsarchive", "--config", str(base_archive / "newsarchive.toml"),
                             "crawl", "no-such-source"], capture_output=True, text=True, timeout=120)
    assert_one_line_error(result.returncode, result.stderr, "crawl no-such-source")
    assert "unknown source 'no-such-source'" in result.stderr


@pytest.mark.parametrize("name", MALFORMED_QUERIES)
def test_malformed_queries_never_crash(base_archive: Path, name: str) -> None:
    code, out, err = invoke(base_archive, "search", MALFORMED_QUERIES[name])
    assert "Traceback" not in err + out
    assert code in (0, 2), err
    if code:
        assert_one_line_error(code, err, name)
    else:  # repaired: what was ignored is said on stderr, the results on stdout
        assert "results" in out
        assert all(line.startswith("note: ") for line in err.strip().splitlines() if line)


@pytest.mark.parametrize("name, note", [
    ("empty-field", "note: ignored 'title:': nothing follows it"),
    ("unbalanced-quote", "note: ignored an unmatched quote"),
    ("unbalanced-open-paren", "note: ignored unmatched parentheses"),
    ("lone-star", "note: ignored '*': a wildcard needs letters before it"),
])
def test_malformed_queries_are_repaired_and_say_how(base_archive: Path, name: str, note: str) -> None:
    """Decided for issue 8: a malformed query is not an error. Like issue 5's query language says,
    it is repaired, the repair is one `note:` line on stderr, and the search runs (exit 0)."""
    code, out, err = invoke(base_archive, "search", MALFORMED_QUERIES[name])
    assert code == 0, err
    assert "results" in out and "Traceback" not in out + err
    notes = [line for line in err.splitlines() if line.strip()]
    assert notes and all(line.startswith("note: ") for line in notes), err
    assert any(line.startswith(note) for line in notes), err


def test_database_from_a_newer_version_is_refused_untouched(base_archive: Path, tmp_path: Path) -> None:
    folder = tmp_path / "newer"
    shutil.copytree(base_archive, folder)
    db = folder / "data" / "archive.sqlite"
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999_from_the_future'")
        conn.commit()
    before = tree_digest(folder / "data")
    for args in (["crawl"], ["index"], ["build"], ["stats"], ["check"], ["export"], ["upgrade"]):
        code, _out, err = invoke(folder, *args)
        assert_one_line_error(code, err, " ".join(args))
        assert "newer" in err
    assert tree_digest(folder / "data") == before
    assert not (folder / "public").exists()


# -- the environment: read-only folder, full disk (real mounts; root only) ----------------------
def _mount(*args: str) -> bool:
    return subprocess.run(["mount", *args], capture_output=True).returncode == 0


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[None]:
    if os.geteuid() != 0 or not (_mount("--bind", str(folder), str(folder))):
        pytest.skip("needs root to bind-mount a folder read-only")
    try:
        if not _mount("-o", "remount,bind,ro", str(folder)):
            pytest.skip("cannot remount read-only here")
        yield
    finally:
        subprocess.run(["umount", str(folder)], check=True)


@contextlib.contextmanager
def small_disk(folder: Path, size_kb: int) -> Iterator[None]:
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() != 0 or not _mount("-t", "tmpfs", "-o", f"size={size_kb}k", "tmpfs", str(folder)):
        pytest.skip("needs root to mount a small tmpfs")
    try:
        yield
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def test_read_only_data_folder(base_archive: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    shutil.copytree(base_archive, folder)
    before = tree_digest(folder / "data")
    with read_only(folder / "data"):
        for args in (["index"], ["index", "--rebuild"], ["reextract"], ["check"]):
            code, out, err = invoke(folder, *args)
            assert_one_line_error(code, err, f"{' '.join(args)} ({out!r})")
        code, out, _err = invoke(folder, "search", "harbour")  # reading needs no write
        assert code == 0 and "results" in out
    assert tree_digest(folder / "data") == before
    assert api.check(load_config(folder / "newsarchive.toml")).ok


def test_crawl_into_a_read_only_data_folder_fails(base_archive: Path, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    shutil.copytree(base_archive, folder)
    reader = sqlite3.connect(folder / "data" / "archive.sqlite")  # a live archive: -wal/-shm exist
    reader.execute("SELECT count(*) FROM articles").fetchone()
    with read_only(folder / "data"):
        try:
            code, out, err = invoke(folder, "crawl")
        finally:
            # Closed before unmounting: SQLite defers closing the crawl's own descriptors of
            # this file while another connection in the process still holds its locks.
            reader.close()
    assert_one_line_error(code, err, f"crawl ({out!r})")
    assert "cannot write the archive" in err and "Read-only file system" in err, err


def test_full_disk_fails_in_one_line_and_loses_nothing(base_archive: Path, tmp_path: Path) -> None:
    disk = tmp_path / "disk"
    used_kb = sum(p.stat().st_size for p in base_archive.rglob("*") if p.is_file()) // 1024
    with small_disk(disk, used_kb + 160):
        shutil.copytree(base_archive, disk / "archive")
        folder = disk / "archive"
        config = load_config(folder / "newsarchive.toml")
        with GrowingSite(count=5, delay=0.0) as site:
            # the same archive and source, now fed by a site with more articles than the disk holds
            site.count = 120
            (folder / "newsarchive.toml").write_text(site.config_text(), encoding="utf-8")
            before = api.check(load_config(folder / "newsarchive.toml"))
            failures = []
            export = str(folder / "export.jsonl")  # on the full disk (a relative path would be the cwd's)
            for args in (["crawl"], ["index"], ["build"], ["export", "--out", export]):
                code, out, err = invoke(folder, *args)
                assert "Traceback" not in err + out, err
                if code:
                    failures.append(args[0])
                    assert_one_line_error(code, err, " ".join(args))
                    # the WARC write (ENOSPC) or the database's (SQLite's own words) meets it first
                    assert "No space left on device" in err or "database or disk is full" in err, err
            # 115 new stories do not fit: the crawl itself must say so, not print a summary
            assert "crawl" in failures, failures
            assert not list(folder.glob("export.jsonl*")) or (folder / "export.jsonl").is_file()
            # Room again: the same commands finish, and nothing archived before is missing.
            subprocess.run(["mount", "-o", "remount,size=65536k", str(disk)], check=True)
            for args in (["crawl"], ["index"], ["build"], ["check"]):
                code, out, err = invoke(folder, *args)
                assert code == 0, f"{args}: {err}"
        result = api.check(config)
        # 120 stories: the 5 archived before (the new site's copies of them became aliases) + 115
        assert result.ok and result.articles == 120 and before.articles == 5
