"""WARC capture of every fetched response (warcio), so text can always be re-extracted.

Each record is its own gzip member, flushed before the database points at it: a crash can
at worst leave a truncated last member, which no article refers to.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from pathlib import Path
from typing import Any, BinaryIO

from isal import isal_zlib
from warcio.archiveiterator import ArchiveIterator
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from newsarchive.errors import NotFoundError

MAX_FILE_BYTES = 1024**3  # start a new file after 1 GiB


@dataclass(frozen=True)
class WarcPointer:
    file: str  # name relative to the WARC folder
    offset: int
    length: int


@dataclass
class Capture:
    """One HTTP exchange as read back from a WARC file."""

    url: str
    status: int
    headers: dict[str, str]
    body: bytes
    fetched_at: datetime | None


#: gzip level of the records, in ISA-L's scale (0-3; 2 is its default). warcio compresses with
#: zlib at level 9. On the extraction dataset's real news pages (181 kB of HTML on average)
#: zlib 6 took 3.0 ms a page, zlib 9 4.7 ms, ISA-L 2 0.29 ms, for output 15% larger than zlib 6's
#: (docs/scaling.md): the crawl process compresses every page it fetches, so this is the
#: difference between WARC writing costing more than a Scrapy download and costing little.
GZIP_LEVEL = 2


class _GzipMembers:
    """What warcio writes a record to, made one gzip member per record (ISA-L's deflate; any
    gzip reader reads it): warcio calls flush() once, at the end of each record (with
    gzip=False, so that it does not wrap the file in its own level-9 compressor)."""

    def __init__(self, file: BinaryIO) -> None:
        self.file = file
        self._member: Any = None

    def write(self, data: bytes) -> None:
        if self._member is None:
            self._member = isal_zlib.compressobj(GZIP_LEVEL, isal_zlib.DEFLATED, isal_zlib.MAX_WBITS + 16)
        self.file.write(self._member.compress(data))

    def flush(self) -> None:
        if self._member is not None:
            self.file.write(self._member.flush())
            self._member = None
        self.file.flush()


def _sha1(*parts: bytes) -> str:
    """A WARC digest header value (warcio's form: the algorithm, then base32)."""
    digest = hashlib.sha1()
    for part in parts:
        digest.update(part)
    return "sha1:" + base64.b32encode(digest.digest()).decode("ascii")


def _safe_part(text: str) -> str:
    return re.sub(r"[^a-zA-Z0-9_-]", "-", text)[:40] or "x"


class WarcStore:
    """Appends request/response pairs to rotating gzip WARC files in one folder."""

    def __init__(self, folder: Path, prefix: str = "newsarchive") -> None:
        self.folder = folder
        self.prefix = _safe_part(prefix)
        self._file = None
        self._writer: WARCWriter | None = None
        self._name = ""

    def check_writable(self) -> None:
        """Raise OSError now when the folder cannot take files (read-only, no permission)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=self.folder):
            pass

    def _open(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC).strftime("%Y%m%d%H%M%S%f")
        self._name = f"{self.prefix}-{stamp}-{os.getpid()}.warc.gz"
        self._file = open(self.folder / self._name, "ab")  # noqa: SIM115 - kept open across records
        self._writer = WARCWriter(_GzipMembers(self._file), gzip=False)

    def write(self, url: str, status: int, reason: str, response_headers: list[tuple[str, str]],
              body: bytes, request_headers: list[tuple[str, str]] | None = None,
              method: str = "GET") -> WarcPointer:
        """Write the response (and its request) and return where the response record lives."""
        if self._file is None or self._file.tell() > MAX_FILE_BYTES:
            self.close()
            self._open()
        assert self._writer is not None and self._file is not None
        # Scrapy has already decoded the body: drop encoding headers so the record is consistent.
        headers = [(k, v) for k, v in response_headers
                   if k.lower() not in ("content-encoding", "transfer-encoding", "content-length")]
        headers.append(("Content-Length", str(len(body))))
        http_headers = StatusAndHeaders(f"{status} {reason or 'OK'}", headers, protocol="HTTP/1.1")
        offset = self._file.tell()
        # Length and digests given: warcio would otherwise copy the body into a temporary file
        # and hash it in 16 kB steps, twice (once creating the record, once writing it).
        http_headers.compute_headers_buffer(self._writer.header_filter)
        digests = {"WARC-Payload-Digest": _sha1(body),
                   "WARC-Block-Digest": _sha1(http_headers.headers_buff, body)}
        record = self._writer.create_warc_record(url, "response", payload=BytesIO(body), length=len(body),
                                                 http_headers=http_headers, warc_headers_dict=digests)
        self._writer.write_record(record)
        length = self._file.tell() - offset
        if request_headers is not None:
            path = url.split("://", 1)[-1]
            path = "/" + path.split("/", 1)[1] if "/" in path else "/"
            req = StatusAndHeaders(f"{method} {path} HTTP/1.1", request_headers, is_http_request=True)
            req_record = self._writer.create_warc_record(url, "request", http_headers=req)
            req_record.rec_headers.add_header("WARC-Concurrent-To", record.rec_headers.get_header("WARC-Record-ID"))
            self._writer.write_record(req_record)
        self._file.flush()
        return WarcPointer(self._name, offset, length)

    def close(self) -> None:
        if self._file is not None:
            self._file.flush()
            os.fsync(self._file.fileno())
            self._file.close()
        self._file = None
        self._writer = None


def read_capture(folder: Path, pointer: WarcPointer | tuple[str, int]) -> Capture:
    """Read back the response record a pointer refers to."""
    name, offset = (pointer.file, pointer.offset) if isinstance(pointer, WarcPointer) else pointer
    path = folder / name
    if not name or not path.exists():
        raise NotFoundError(f"WARC file {path} is missing; restore it from a backup to re-extract")
    with open(path, "rb") as fh:
        fh.seek(offset)
        for record in ArchiveIterator(fh):
            if record.rec_type != "response":
                continue
            http = record.http_headers
            date = record.rec_headers.get_header("WARC-Date")
            fetched = datetime.fromisoformat(date.replace("Z", "+00:00")) if date else None
            return Capture(
                url=record.rec_headers.get_header("WARC-Target-URI"),
                status=int(http.get_statuscode() or 0) if http else 0,
                headers={k: v for k, v in (http.headers if http else [])},
                body=record.content_stream().read(),
                fetched_at=fetched,
            )
    raise NotFoundError(f"no response record at {name}:{offset}; the WARC file may be damaged")
