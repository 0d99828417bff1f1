"""One crawl of a source at a time, across processes and machines.

SQLite archives live on one machine, so a lock file (filelock: `flock` on POSIX) is enough;
PostgreSQL archives may be shared by many machines, so the lock is a session-level
`pg_advisory_lock` held on a dedicated connection. Both are released by the operating system
or the database server when the holder dies (its file descriptors or its connection close),
so a killed crawler never leaves a source locked.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from types import TracebackType
from typing import Any

from newsarchive.errors import UserError


class LockedError(UserError):
    """The source is being crawled by another process."""


def advisory_key(name: str) -> int:
    """A stable signed 64-bit key for pg_advisory_lock from a lock name."""
    digest = hashlib.blake2b(f"newsarchive:{name}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


class SourceLock:
    """An exclusive lock named after a source; use `acquire()`/`release()` or `with`.

    `timeout` is how long `acquire` waits: 0 tries once, a negative value waits forever.
    """

    def __init__(self, database_url: str, lock_dir: Path, name: str, *, timeout: float = 0) -> None:
        self.database_url = database_url
        self.lock_dir = Path(lock_dir)
        self.name = name
        self.timeout = timeout
        self._file_lock: Any = None
        self._engine: Any = None
        self._conn: Any = None

    @property
    def uses_postgres(self) -> bool:
        return self.database_url.startswith(("postgresql", "postgres"))

    @property
    def held(self) -> bool:
        return self._conn is not None or (self._file_lock is not None and self._file_lock.is_locked)

    def acquire(self) -> bool:
        """Take the lock; False when another process holds it past the timeout."""
        if self.held:
            return True
        return self._acquire_pg() if self.uses_postgres else self._acquire_file()

    def _acquire_file(self) -> bool:
        from filelock import FileLock, Timeout

        self.lock_dir.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.lock_dir / f"{self.name}.lock"), is_singleton=False)
        try:
            lock.acquire(timeout=self.timeout, poll_interval=0.1)
        except Timeout:
            return False
        self._file_lock = lock
        return True

    def _acquire_pg(self) -> bool:
        import time

        from sqlalchemy import create_engine, text
        from sqlalchemy.pool import NullPool

        self._engine = create_engine(self.database_url, poolclass=NullPool)
        conn = self._engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        key = advisory_key(self.name)
        deadline = time.monotonic() + self.timeout
        while True:
            if conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key}).scalar():
                self._conn = conn
                return True
            if self.timeout >= 0 and time.monotonic() >= deadline:
                conn.close()
                self._engine.dispose()
                self._engine = None
                return False
            time.sleep(0.2)

    def release(self) -> None:
        if self._file_lock is not None:
            self._file_lock.release()
            self._file_lock = None
        if self._conn is not None:
            from sqlalchemy import text

            try:
                self._conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": advisory_key(self.name)})
            finally:
                self._conn.close()
                self._conn = None
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def __enter__(self) -> SourceLock:
        if not self.acquire():
            raise LockedError(f"source {self.name!r} is being crawled by another process; "
                              "wait for that crawl to finish (a killed crawler releases it at once)")
        return self

    def __exit__(self, kind: type[BaseException] | None, value: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.release()


def source_lock(config: Any, source: str, *, timeout: float = 0) -> SourceLock:
    """The crawl lock of one source of this archive (config: newsarchive.config.Config)."""
    return SourceLock(config.database_url, config.data_dir / "locks", f"crawl-{source}", timeout=timeout)
