"""`newsarchive schedule`: crawl each source when it is due, then index and rebuild the site.

APScheduler (3.x) decides when each source is due: `every 15m`, `hourly`, `daily` or a
five-field cron expression, per source or from `[crawl] schedule`. Jobs run one at a time in
the scheduler's own thread (DebugExecutor), so a slow crawl delays the next job instead of
overlapping it, and a job that came due several times meanwhile runs once (coalesce).
SIGTERM or Ctrl-C stops the loop after the item being run. Across processes and machines the
per-source crawl lock (newsarchive.locks) still keeps one crawl of a source at a time.
"""

from __future__ import annotations

import re
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from apscheduler.executors.debug import DebugExecutor
from apscheduler.schedulers.base import STATE_STOPPED
from apscheduler.schedulers.blocking import TIMEOUT_MAX, BlockingScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from newsarchive.config import Config, parse_duration
from newsarchive.errors import ConfigError

EVERY_RE = re.compile(r"^every\s+(.+)$", re.IGNORECASE)
NAMED = {"hourly": 3600.0, "daily": 86400.0, "weekly": 604800.0}


def parse_schedule(text: str, where: str = "schedule") -> BaseTrigger:
    """An APScheduler trigger from "every 15m", "hourly", "daily", "weekly" or a cron line."""
    value = text.strip()
    if value.lower() in NAMED:
        return IntervalTrigger(seconds=NAMED[value.lower()], timezone=UTC)
    match = EVERY_RE.match(value)
    if match:
        try:
            seconds = parse_duration(match.group(1))
        except ValueError as exc:
            raise ConfigError(f"{where}: {exc}") from None
        if seconds < 60:
            raise ConfigError(f"{where}: {value!r} is too often; schedule crawls at least a minute apart")
        return IntervalTrigger(seconds=seconds, timezone=UTC)
    if len(value.split()) == 5:
        try:
            return CronTrigger.from_crontab(value, timezone=UTC)
        except ValueError as exc:
            raise ConfigError(f"{where}: {value!r} is not a valid cron expression ({exc})") from None
    raise ConfigError(f"{where}: {value!r} is not a schedule; use \"every 15m\", \"hourly\", \"daily\" "
                      "or a cron expression such as \"*/20 * * * *\" (times in UTC)")


def source_triggers(config: Config) -> dict[str, BaseTrigger]:
    """Every source's trigger (its own schedule, else [crawl] schedule); checks them all first."""
    label = str(config.path or "newsarchive.toml")
    return {s.name: parse_schedule(s.schedule or config.crawl["schedule"],
                                   f"{label} source {s.name!r}" if s.schedule else f"{label} [crawl]")
            for s in config.sources}


class _Scheduler(BlockingScheduler):
    """BlockingScheduler whose wait between jobs can be replaced (tests drive a fake clock)."""

    def __init__(self, should_stop: Callable[[], bool],
                 wait: Callable[[threading.Event, float], None] | None = None, **options: Any) -> None:
        super().__init__(**options)
        self._should_stop = should_stop
        self._wait = wait or (lambda event, seconds: event.wait(seconds))

    def _main_loop(self) -> None:
        # As BlockingScheduler's, but a stop request ends the loop between two jobs: shutting
        # down from a signal handler in the middle of _process_jobs would lose its job store.
        wait_seconds: float | None = 0.0
        while self.state != STATE_STOPPED and not self._should_stop():
            if wait_seconds != 0.0:
                self._wait(self._event, TIMEOUT_MAX if wait_seconds is None else wait_seconds)
            self._event.clear()
            if self._should_stop():
                break
            wait_seconds = self._process_jobs()


class ArchiveScheduler:
    """Runs `job(source_name) -> summary line` for each source when due, one job at a time."""

    def __init__(self, config: Config, job: Callable[[str], str] | None = None, *,
                 echo: Callable[[str], None] = print,
                 wait: Callable[[threading.Event, float], None] | None = None,
                 now: Callable[[], datetime] | None = None) -> None:
        self.config = config
        self.now = now or (lambda: datetime.now(UTC))
        self.job = job or (lambda name: run_source(config, name))
        self.echo = echo
        self.stopping = False
        self.triggers = source_triggers(config)
        self.scheduler = _Scheduler(lambda: self.stopping, wait=wait, timezone=UTC, executors={"default": DebugExecutor()},
                                    job_defaults={"coalesce": True, "max_instances": 1,
                                                  "misfire_grace_time": None})

    def _run(self, name: str) -> None:
        if self.stopping:
            return
        try:
            line = self.job(name)
        except Exception as exc:  # noqa: BLE001 - one failing source must not stop the others
            line = f"{name}: failed: {exc}"
        self.echo(f"{self.now():%Y-%m-%d %H:%M:%S} {line}")

    def stop(self, *_: Any) -> None:
        """Stop after the item being run (safe from a signal handler)."""
        self.stopping = True
        self.scheduler.wakeup()

    def start(self, *, handle_signals: bool = True) -> None:
        """Run until stop(), SIGTERM or Ctrl-C; every source runs once at start, then when due."""
        for name, trigger in self.triggers.items():
            self.scheduler.add_job(self._run, trigger, args=[name], id=name, name=f"crawl {name}",
                                   next_run_time=self.now())
        previous = {}
        if handle_signals:
            for sig in (signal.SIGTERM, signal.SIGINT):
                previous[sig] = signal.signal(sig, self.stop)
        try:
            self.scheduler.start()
        finally:
            if self.scheduler.state != STATE_STOPPED:
                self.scheduler.shutdown(wait=False)
            for sig, handler in previous.items():
                signal.signal(sig, handler)


def run_source(config: Config, name: str) -> str:
    """One scheduled item: crawl the source, then index and rebuild the site if it changed."""
    from newsarchive import api

    [summary] = api.crawl(config, [name])
    line = summary.line()
    if summary.new_articles or summary.updated_articles:
        report = api.index(config)
        site = api.build(config)
        line += (f"; index {report.added} added, {report.updated} updated; "
                 f"site {site.pages_written} files written")
    return line
