"""Several crawler processes sharing one crawl of a source through Redis (scrapy-redis).

scrapy-redis provides the shared request queue and dupefilter (see `redis_settings`). This
extension adds what a plain Spider needs on top to cooperate:

- Each process registers in a Redis hash `<prefix>:<source>:workers` with a heartbeat and
  whether it is busy. A process whose local work ran out stays open while another live
  worker is still busy (that one may yet push new requests), and wakes its engine as soon
  as the shared queue has something.
- A "round" lasts while any worker is registered. The last worker to leave deletes the
  queue and the dupefilter, so the next round fetches the feeds and sitemaps again, while
  within a round no URL is fetched twice. Workers whose heartbeat is older than
  `STALE_AFTER` (killed processes) are ignored and removed.
"""

from __future__ import annotations

import json
import os
import socket
import time
import uuid
from typing import Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured
from twisted.internet import task

STALE_AFTER = 30.0  # seconds without a heartbeat after which a worker counts as dead
HEARTBEAT = 0.5


def redis_settings(redis_url: str, prefix: str) -> dict[str, Any]:
    """Scrapy settings that put each source's queue and dupefilter in Redis.

    `%(spider)s` is the spider's name, "news-<source>", so every source has its own keys.
    """
    return {
        "REDIS_URL": redis_url,
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_PERSIST": True,  # the last worker of a round clears the keys (SharedCrawl)
        "SCHEDULER_QUEUE_KEY": f"{prefix}:%(spider)s:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:%(spider)s:dupefilter",
        "NEWSARCHIVE_REDIS_WORKERS_KEY": f"{prefix}:%(spider)s:workers",
    }


class SharedCrawl:
    def __init__(self, crawler: Any) -> None:
        from scrapy_redis.connection import get_redis_from_settings

        settings = crawler.settings
        self.crawler = crawler
        self.server = get_redis_from_settings(settings)
        self.workers_key = settings.get("NEWSARCHIVE_REDIS_WORKERS_KEY")
        self.queue_key = settings.get("SCHEDULER_QUEUE_KEY")
        self.dupefilter_key = settings.get("SCHEDULER_DUPEFILTER_KEY")
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.workers_pattern = self.workers_key
        self.loop: task.LoopingCall | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> SharedCrawl:
        if not crawler.settings.get("REDIS_URL") or not crawler.settings.get("NEWSARCHIVE_REDIS_WORKERS_KEY"):
            raise NotConfigured
        ext = cls(crawler)
        crawler.signals.connect(ext.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    # -- registry -----------------------------------------------------------------------
    def _announce(self, busy: bool) -> None:
        self.server.hset(self.workers_key, self.worker_id, json.dumps({"busy": busy, "seen": time.time()}))

    def live_workers(self) -> dict[str, dict[str, Any]]:
        """Registered workers with a recent heartbeat; stale ones are removed."""
        live = {}
        now = time.time()
        for key, value in self.server.hgetall(self.workers_key).items():
            worker = key.decode() if isinstance(key, bytes) else key
            try:
                state = json.loads(value)
            except ValueError:
                state = {"seen": 0}
            if now - float(state.get("seen", 0)) > STALE_AFTER:
                self.server.hdel(self.workers_key, worker)
                continue
            live[worker] = state
        return live

    def queue_length(self) -> int:
        kind = self.server.type(self.queue_key)
        kind = kind.decode() if isinstance(kind, bytes) else kind
        if kind == "zset":
            return int(self.server.zcard(self.queue_key))
        if kind == "list":
            return int(self.server.llen(self.queue_key))
        return 0

    # -- signals ------------------------------------------------------------------------
    def spider_opened(self, spider: Any) -> None:
        names = {"spider": spider.name}
        self.workers_key = self.workers_pattern % names
        self.queue_key = self.queue_key % names
        self.dupefilter_key = self.dupefilter_key % names
        self._announce(busy=True)
        self.loop = task.LoopingCall(self.tick)
        self.loop.start(HEARTBEAT, now=False)

    def tick(self) -> None:
        engine = self.crawler.engine
        idle = engine.spider_is_idle()
        self._announce(busy=not idle)
        if self.queue_length():
            # Work another process queued: ask the scheduler now, not at the engine's next 5 s
            # heartbeat (a process with nothing in flight counts as busy while the shared queue
            # is not empty, yet would not pull from it until then).
            slot = getattr(engine, "_slot", None)
            if slot is not None:
                slot.nextcall.schedule()

    def spider_idle(self, spider: Any) -> None:
        self._announce(busy=False)
        if self.queue_length():
            raise DontCloseSpider
        others_busy = any(state.get("busy") for worker, state in self.live_workers().items()
                          if worker != self.worker_id)
        if others_busy:
            raise DontCloseSpider

    def spider_closed(self, spider: Any, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        self.server.hdel(self.workers_key, self.worker_id)
        if not self.live_workers():
            # Last one out ends the round: the next crawl fetches feeds and sitemaps again.
            self.server.delete(self.queue_key, self.dupefilter_key, self.workers_key)
