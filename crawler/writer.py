"""The crawl's database writer: one process that stores articles, several per transaction.

Storing runs in its own process so that the crawl's event loop spends its time on downloads,
and there is still a single writer per crawl. Articles arrive faster than one at a time: while
the writer stores one batch, the next pages' extractions finish. `StoreQueue` hands the writer
what arrived within LINGER seconds (or while it was busy) in one transaction (group commit): with
a crawl at full speed that is 10-20 articles, one commit and one hand-off between processes
instead of 10-20. It lingers only while more articles are on their way (pages in extraction):
the last article of a crawl, or each one of a slow crawl, is stored at once.

A batch is stored whole or not at all. When one article of a batch fails for a reason of its own
(not the archive's storage), the writer stores the batch again one by one, so the others are kept
and only that article's item fails.
"""

from __future__ import annotations

import asyncio
import errno
import traceback
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.exc import OperationalError

from archive.db import Database, is_transient
from archive.repository import Capture, Repository, StoreResult
from newsarchive.errors import UserError

# Errors that no retry will cure: the archive cannot be written until the user acts.
STORAGE_ERRNOS = {errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOSPC, errno.EDQUOT, errno.EIO}
MAX_BATCH = 32  # articles per transaction at most: a batch holds SQLite's write lock ~2 ms each
# Seconds the writer waits for more articles when fewer than MAX_BATCH wait and more are on
# their way. Extraction, not the writer, sets a crawl's pace, so without it the writer is idle
# when each article arrives and stores them one by one; at 60-70 articles/s, 0.2 s gathers 10-20
# (a 2,000-page crawl: 113 transactions). docs/scaling.md: writer 2.4 -> 1.4 ms per article, the
# crawl process 5.2 -> 4.4. An article waits at most this long.
LINGER = 0.2
_LINGER_STEP = 0.02  # how often a lingering queue checks whether more are still on their way


def storage_fault(exc: BaseException) -> str | None:
    """One line describing why the archive cannot be written, or None for other errors."""
    if isinstance(exc, OSError) and exc.errno in STORAGE_ERRNOS:
        where = f" ({exc.filename})" if exc.filename else ""
        return f"{exc.strerror or exc}{where}"
    if isinstance(exc, OperationalError) and not is_transient(exc):
        return f"database: {str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else exc}"
    if isinstance(exc, UserError):  # e.g. a database from a newer schema, an unreachable server
        return str(exc)
    return None


@dataclass
class StorageFault:
    """What the writer returns for an article when the archive cannot be written (one line)."""

    message: str


class StoreError(Exception):
    """An article the writer could not store for a reason of its own; the message holds the
    writer's traceback (exceptions from a database driver do not always survive pickling)."""


_DATABASE_URL = ""  # the writer process's database
_WRITER: Repository | None = None  # ... opened at its first batch, once the crawl has upgraded it


def writer_init(database_url: str) -> None:
    global _DATABASE_URL
    _DATABASE_URL = database_url


def store_batch(captures: list[Capture]) -> list[StoreResult | StorageFault | StoreError]:
    """Store captures in one transaction; one result per capture, in order (runs in the writer)."""
    global _WRITER
    try:
        if _WRITER is None:
            _WRITER = Repository(Database(_DATABASE_URL, migrate=False))  # the crawl upgraded it
        return _WRITER.store_articles(captures)
    except Exception as exc:  # noqa: BLE001 - storage faults end the crawl; anything else is one article's
        message = storage_fault(exc)
        if message is not None:
            return [StorageFault(message) for _ in captures]
        if len(captures) == 1:
            return [StoreError("".join(traceback.format_exception(exc)).rstrip())]
    # One capture failed on its own: the others must not fail with it.
    return [store_batch([capture])[0] for capture in captures]


Result = StoreResult | StorageFault | StoreError


class StoreQueue:
    """Group commit in the crawl process: `store` waits for its capture's result while a single
    drain task sends whatever is waiting to the writer, up to MAX_BATCH at a time."""

    def __init__(self, run: Callable[[list[Capture]], Awaitable[list[Result]]],
                 max_batch: int = MAX_BATCH, linger: float = LINGER,
                 more_coming: Callable[[], bool] = lambda: True) -> None:
        self._run = run
        self._max_batch = max_batch
        self._linger = linger
        self._more_coming = more_coming
        self._waiting: list[tuple[Capture, asyncio.Future[Result]]] = []
        self._drain_task: asyncio.Task[None] | None = None
        self.batches = 0  # transactions sent, for the crawl's stats

    async def store(self, capture: Capture) -> Result:
        future: asyncio.Future[Result] = asyncio.get_running_loop().create_future()
        self._waiting.append((capture, future))
        if self._drain_task is None or self._drain_task.done():
            self._drain_task = asyncio.ensure_future(self._drain())
            self._drain_task.add_done_callback(self._drained)
        return await future

    async def _drain(self) -> None:
        while self._waiting:
            await self._gather()
            batch, self._waiting = self._waiting[:self._max_batch], self._waiting[self._max_batch:]
            self.batches += 1
            try:
                results = await self._run([capture for capture, _ in batch])
            except asyncio.CancelledError:
                for _, future in batch:
                    future.cancel()
                raise
            except Exception as exc:  # noqa: BLE001 - the batch's items each see it
                for _, future in batch:
                    if not future.done():
                        future.set_exception(exc)
                continue
            for (_, future), result in zip(batch, results, strict=True):
                if not future.done():  # (an item cancelled meanwhile)
                    future.set_result(result)

    async def _gather(self) -> None:
        """Wait up to `linger` seconds for a full batch while more captures are on their way."""
        deadline = asyncio.get_running_loop().time() + self._linger
        while len(self._waiting) < self._max_batch and self._more_coming():
            left = deadline - asyncio.get_running_loop().time()
            if left <= 0:
                return
            await asyncio.sleep(min(left, _LINGER_STEP))

    def _drained(self, task: asyncio.Task[None]) -> None:
        """The drain task was cancelled (the crawl is closing), even before it ran: nothing may
        be left waiting for it."""
        if task is self._drain_task and task.cancelled():
            waiting, self._waiting = self._waiting, []
            for _, future in waiting:
                future.cancel()
