"""The scheduler: schedule parsing, due runs under a fake clock, clean stop on SIGTERM."""

from __future__ import annotations

import os
import signal
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import apscheduler.schedulers.base as aps_base
import pytest
from sites.newssite import NewsSite

from newsarchive.config import load_config
from newsarchive.errors import ConfigError
from newsarchive.schedule import ArchiveScheduler, parse_schedule, run_source

CONFIG = """
[crawl]
schedule = "hourly"
[[sources]]
name = "fast"
feeds = ["http://127.0.0.1:9/feed.xml"]
schedule = "every 15m"
[[sources]]
name = "slow"
feeds = ["http://127.0.0.1:9/feed.xml"]
[[sources]]
name = "nightly"
feeds = ["http://127.0.0.1:9/feed.xml"]
schedule = "30 2 * * *"
"""


class FakeClock:
    """Replaces APScheduler's idea of now; waiting just moves the clock forward."""

    def __init__(self, start: datetime, end: datetime) -> None:
        self.now_value = start
        self.end = end
        self.scheduler: ArchiveScheduler | None = None

    def now(self) -> datetime:
        return self.now_value

    def wait(self, event: threading.Event, seconds: float) -> None:
        if event.is_set():
            return
        target = self.now_value + timedelta(seconds=seconds)
        if target > self.end:
            assert self.scheduler is not None
            self.scheduler.stop()
            return
        self.now_value = target

    def datetime_class(self) -> type[datetime]:
        clock = self

        class FakeDatetime(datetime):
            @classmethod
            def now(cls, tz=None):  # type: ignore[override]
                return clock.now_value.astimezone(tz) if tz else clock.now_value

        return FakeDatetime


def test_parse_schedule() -> None:
    start = datetime(2025, 1, 1, 12, 0, tzinfo=UTC)
    every = parse_schedule("every 15m")
    assert every.get_next_fire_time(start, start) == start + timedelta(minutes=15)
    assert parse_schedule("hourly").get_next_fire_time(start, start) == start + timedelta(hours=1)
    cron = parse_schedule("*/20 * * * *")
    assert cron.get_next_fire_time(None, start + timedelta(minutes=1)) == start + timedelta(minutes=20)
    for bad, message in (("every 5s", "too often"), ("every soon", "not a duration"),
                         ("fortnightly", "not a schedule"), ("61 * * * *", "not a valid cron")):
        with pytest.raises(ConfigError, match=message):
            parse_schedule(bad)


def test_bad_schedule_in_config_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "newsarchive.toml"
    path.write_text(CONFIG.replace('"every 15m"', '"every now and then"'))
    with pytest.raises(ConfigError) as info:
        ArchiveScheduler(load_config(path), job=lambda name: name)
    assert "source 'fast'" in str(info.value) and "\n" not in str(info.value)


def test_sources_run_when_due_under_a_fake_clock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "newsarchive.toml"
    path.write_text(CONFIG)
    start = datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0)
    clock = FakeClock(start, start + timedelta(hours=15, minutes=5))
    monkeypatch.setattr(aps_base, "datetime", clock.datetime_class())
    runs: list[tuple[str, datetime]] = []
    lines: list[str] = []

    def job(name: str) -> str:
        runs.append((name, clock.now_value))
        if name == "fast" and len([r for r in runs if r[0] == "fast"]) == 3:
            clock.now_value += timedelta(minutes=40)  # a slow crawl: the due runs coalesce into one
        return f"{name}: ok"

    scheduler = ArchiveScheduler(load_config(path), job=job, echo=lines.append, wait=clock.wait,
                                 now=clock.now)
    clock.scheduler = scheduler
    scheduler.start(handle_signals=False)

    def times(name: str) -> list[datetime]:
        return [t for n, t in runs if n == name]

    # The slow third "fast" crawl (12:30-13:10) delays the 13:00 "slow" run; later ones are on time.
    assert times("slow") == [start, start + timedelta(minutes=70)] + [start + timedelta(hours=h)
                                                                     for h in range(2, 16)]
    fast = times("fast")
    assert fast[:3] == [start, start + timedelta(minutes=15), start + timedelta(minutes=30)]
    # The third run took 40 minutes: the runs due at :45 and 13:00 became one, right after it.
    assert fast[3] == start + timedelta(minutes=70)
    assert all(b - a == timedelta(minutes=15) for a, b in zip(fast[4:], fast[5:], strict=False))
    assert times("nightly") == [start, start.replace(hour=2, minute=30) + timedelta(days=1)]
    # Jobs never overlap and there is one summary line per run.
    assert len(lines) == len(runs) and all(line.endswith(": ok") for line in lines)


def test_sigterm_stops_after_the_current_item(tmp_path: Path) -> None:
    path = tmp_path / "newsarchive.toml"
    path.write_text(CONFIG)
    runs: list[str] = []

    def job(name: str) -> str:
        runs.append(name)
        os.kill(os.getpid(), signal.SIGTERM)  # arrives while this item runs
        runs.append(f"{name} finished")
        return f"{name}: ok"

    lines: list[str] = []
    before = signal.getsignal(signal.SIGTERM)
    ArchiveScheduler(load_config(path), job=job, echo=lines.append).start()
    assert runs == [runs[0], f"{runs[0]} finished"]  # the item ran to its end, nothing after it
    assert len(lines) == 1
    assert signal.getsignal(signal.SIGTERM) == before


def test_a_scheduled_run_crawls_indexes_and_builds(tmp_path: Path) -> None:
    with NewsSite(3) as site:
        path = tmp_path / "newsarchive.toml"
        path.write_text(site.config_text(), encoding="utf-8")
        config = load_config(path)
        line = run_source(config, "gazette")
        assert line.startswith("gazette: 3 pages fetched, 3 new")
        assert "index 3 added" in line and "site " in line
        assert (config.site_dir / "index.html").exists()
        again = run_source(config, "gazette")
        assert "0 new" in again and "index" not in again  # nothing changed: no index or build
