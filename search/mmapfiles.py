"""Read index files in place: Whoosh copies each of them into memory on open.

Whoosh maps a segment file with mmap, then wraps each part of it in a `BufferFile` whose reads go
through `io.BytesIO(memoryview)` — and BytesIO copies the view. Opening a searcher therefore
read every posting and term file into private memory: ~1 GB of RSS for a 100,000-article index
(793 MB on disk), in every process that searches, and in the rebuild that reports the new total.
`_ViewFile` gives BufferFile the same file interface over the memoryview without copying, so the
pages stay the kernel's shared, reclaimable file cache (tests/test_search_bulk.py measures it).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

from whoosh.filedb import structfile


class _ViewFile:
    """A read-only, seekable file over a memoryview (what BufferFile needs from BytesIO)."""

    def __init__(self, view: memoryview) -> None:
        self._view = view
        self._pos = 0

    def read(self, size: int | None = -1) -> bytes:
        start = self._pos
        end = len(self._view) if size is None or size < 0 else min(len(self._view), start + size)
        self._pos = max(start, end)
        return self._view[start:end].tobytes()

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        view, start = self._view, self._pos
        limit = len(view) if size is None or size < 0 else min(len(view), start + size)
        end = start
        while end < limit:
            end += 1
            if view[end - 1] == 10:
                break
        self._pos = end
        return view[start:end].tobytes()

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: 0, os.SEEK_CUR: self._pos, os.SEEK_END: len(self._view)}[whence]
        self._pos = max(0, base + offset)
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        self._view = memoryview(b"")


_original_init = structfile.BufferFile.__init__


def _init_without_copy(self: Any, buf: Any, name: str | None = None, onclose: Any = None) -> None:
    _original_init(self, b"", name=name, onclose=onclose)
    self._buf = buf
    self.file = _ViewFile(buf) if isinstance(buf, memoryview) else structfile.BytesIO(buf)


def install() -> None:
    """Make Whoosh's BufferFile read in place (idempotent)."""
    structfile.BufferFile.__init__ = _init_without_copy  # type: ignore[method-assign]
