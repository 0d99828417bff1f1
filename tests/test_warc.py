from __future__ import annotations

from pathlib import Path

import pytest
from warcio.archiveiterator import ArchiveIterator

from archive.warc import WarcStore, read_capture
from newsarchive.errors import NotFoundError


def test_write_and_read_back(tmp_path: Path) -> None:
    store = WarcStore(tmp_path, prefix="src")
    body = "<html><body><p>Héllo</p></body></html>".encode()
    first = store.write("https://ex.com/a", 200, "OK", [("Content-Type", "text/html; charset=utf-8"),
                                                         ("Content-Encoding", "gzip")], body,
                        [("User-Agent", "newsarchive")])
    second = store.write("https://ex.com/b", 404, "Not Found", [], b"missing")
    store.close()
    capture = read_capture(tmp_path, first)
    assert capture.url == "https://ex.com/a"
    assert capture.status == 200
    assert capture.body == body
    assert capture.headers["Content-Type"] == "text/html; charset=utf-8"
    assert "Content-Encoding" not in capture.headers
    assert read_capture(tmp_path, second).body == b"missing"
    with open(tmp_path / first.file, "rb") as fh:
        kinds = [r.rec_type for r in ArchiveIterator(fh)]
    assert kinds == ["response", "request", "response"]


def test_missing_file_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="missing"):
        read_capture(tmp_path, ("gone.warc.gz", 0))


def test_truncated_tail_keeps_earlier_records(tmp_path: Path) -> None:
    store = WarcStore(tmp_path)
    pointer = store.write("https://ex.com/a", 200, "OK", [], b"first")
    store.write("https://ex.com/b", 200, "OK", [], b"second" * 1000)
    store.close()
    path = tmp_path / pointer.file
    data = path.read_bytes()
    path.write_bytes(data[: len(data) - 50])  # a crash mid-write
    assert read_capture(tmp_path, pointer).body == b"first"
