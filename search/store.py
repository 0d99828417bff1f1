"""Where the index lives on disk: generations swapped atomically, and the writer locks.

    index_dir/CURRENT        name of the live generation (replaced atomically with os.replace)
    index_dir/gen-000001/    a Whoosh index
    index_dir/sync.lock      held by whoever syncs or rebuilds (one writer at a time)
    index_dir/WRITER         pid of the process holding the Whoosh write lock (stale lock recovery)

A rebuild writes a new generation beside the live one, then points CURRENT at it: searchers
that are open keep reading the old generation, which is removed one rebuild later.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import filelock
from whoosh import index as whoosh_index
from whoosh.index import FileIndex, LockError
from whoosh.writing import SegmentWriter

from newsarchive.errors import UserError
from search import mmapfiles
from search.schema import build_schema

CURRENT = "CURRENT"
WRITER_PID = "WRITER"
GEN_PREFIX = "gen-"


mmapfiles.install()  # index files are read in place, not copied into memory

class IndexLockedError(UserError):
    """Another process is writing the index."""


class IndexCorruptError(UserError):
    """The index cannot be read."""


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class IndexStore:
    def __init__(self, index_dir: Path) -> None:
        self.dir = Path(index_dir)
        self._sync_lock: filelock.FileLock | None = None  # re-entrant within this process

    # -- generations --------------------------------------------------------------------
    def current_name(self) -> str | None:
        try:
            name = (self.dir / CURRENT).read_text().strip()
        except FileNotFoundError:
            return None
        return name or None

    def current_path(self) -> Path:
        """The live generation, created empty the first time."""
        name = self.current_name()
        if name and whoosh_index.exists_in(str(self.dir / name)):
            return self.dir / name
        with self.sync_lock(timeout=60):
            name = self.current_name()
            if name and whoosh_index.exists_in(str(self.dir / name)):
                return self.dir / name
            path = self.new_generation()
            self.publish(path)
            return path

    def generations(self) -> list[Path]:
        if not self.dir.exists():
            return []
        return sorted(p for p in self.dir.iterdir() if p.is_dir() and p.name.startswith(GEN_PREFIX))

    def new_generation(self) -> Path:
        """An empty index in a new folder beside the live one (not live yet)."""
        self.dir.mkdir(parents=True, exist_ok=True)
        numbers = [int(p.name[len(GEN_PREFIX):]) for p in self.generations()
                   if p.name[len(GEN_PREFIX):].isdigit()]
        path = self.dir / f"{GEN_PREFIX}{max(numbers, default=0) + 1:06d}"
        path.mkdir()
        whoosh_index.create_in(str(path), build_schema())
        return path

    def publish(self, path: Path) -> None:
        """Make `path` the live generation, atomically (readers see the old or the new one)."""
        tmp = self.dir / f"{CURRENT}.tmp"
        with open(tmp, "w") as fh:
            fh.write(path.name + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.dir / CURRENT)
        with contextlib.suppress(OSError):
            fd = os.open(self.dir, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)

    def remove_old_generations(self, keep: int = 1) -> None:
        """Delete generations older than the live one, keeping `keep` previous ones for
        searchers that may still read them."""
        live = self.current_name()
        older = [p for p in self.generations() if live and p.name < live]
        for path in older[:max(0, len(older) - keep)]:
            shutil.rmtree(path, ignore_errors=True)
        for path in self.generations():  # rebuilds that died before publishing
            if live and path.name > live and not self._recent(path):
                shutil.rmtree(path, ignore_errors=True)

    @staticmethod
    def _recent(path: Path, seconds: float = 24 * 3600) -> bool:
        return time.time() - path.stat().st_mtime < seconds

    def open(self) -> FileIndex:
        path = self.current_path()
        try:
            return whoosh_index.open_dir(str(path))
        except Exception as exc:  # noqa: BLE001 - Whoosh raises many kinds on a damaged index
            raise IndexCorruptError(f"cannot read the search index in {path} ({exc}); "
                                    "rebuild it with `newsarchive index --rebuild`") from None

    def open_path(self, path: Path) -> FileIndex:
        return whoosh_index.open_dir(str(path))

    # -- locks --------------------------------------------------------------------------
    @contextlib.contextmanager
    def sync_lock(self, timeout: float = 30.0) -> Iterator[None]:
        """One sync or rebuild at a time (across processes). The OS releases it if we die."""
        self.dir.mkdir(parents=True, exist_ok=True)
        if self._sync_lock is None:
            self._sync_lock = filelock.FileLock(str(self.dir / "sync.lock"), thread_local=False)
        lock = self._sync_lock
        try:
            lock.acquire(timeout=timeout)
        except filelock.Timeout:
            raise IndexLockedError(
                f"another `newsarchive index` is running on {self.dir}; wait for it to finish "
                "and retry") from None
        try:
            yield
        finally:
            lock.release()

    def writer(self, ix: FileIndex, *, timeout: float = 10.0, notices: list[str] | None = None,
               factory: Callable[..., SegmentWriter] | None = None, **kwargs: object) -> SegmentWriter:
        """Whoosh's writer (or `factory(ix, ...)`), waiting `timeout` s for its lock; recovers a
        lock whose recorded owner is dead (it can outlive its owner in a forked child, or on a
        network file system)."""
        path = Path(ix.storage.folder)
        make = (lambda **kw: factory(ix, **kw)) if factory is not None else ix.writer
        try:
            writer = make(timeout=timeout, **kwargs)
        except LockError:
            owner = self._writer_pid(path)
            if owner is not None and not _pid_alive(owner) and owner != os.getpid():
                # The lock file's inode is still locked by an orphan; a fresh file is a fresh lock.
                (path / f"{ix.indexname}_WRITELOCK").unlink(missing_ok=True)
                if notices is not None:
                    notices.append(f"recovered a stale index lock left by process {owner}, "
                                   "which is no longer running")
                writer = make(timeout=timeout, **kwargs)
            else:
                who = f"process {owner}" if owner else "another process"
                raise IndexLockedError(
                    f"the search index {path} is locked by {who}; wait for it to finish, or stop it "
                    f"and retry (waited {timeout:g} s)") from None
        (path / WRITER_PID).write_text(str(os.getpid()))
        return writer

    @staticmethod
    def _writer_pid(path: Path) -> int | None:
        try:
            return int((path / WRITER_PID).read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
