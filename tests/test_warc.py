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


def test_every_record_is_its_own_gzip_member(tmp_path: Path) -> None:
    """A pointer's bytes are whole gzip members (one per record: the response, then its request),
    so a record can be read at its offset alone; `gzip` and warcio read the file as a whole."""
    import gzip
    import zlib

    store = WarcStore(tmp_path, prefix="src")
    bodies = [("<html><body>" + f"<p>Paragraph {i} of a story.</p>" * 200 + "</body></html>").encode()
              for i in range(3)]
    pointers = [store.write(f"https://ex.com/{i}", 200, "OK", [("Content-Type", "text/html")], body,
                            [("User-Agent", "newsarchive")]) for i, body in enumerate(bodies)]
    store.close()
    data = (tmp_path / pointers[0].file).read_bytes()
    for pointer, body in zip(pointers, bodies, strict=True):
        member = zlib.decompressobj(zlib.MAX_WBITS + 16)
        record = member.decompress(data[pointer.offset:pointer.offset + pointer.length])
        assert member.eof and not member.unused_data  # exactly one whole member
        assert record.startswith(b"WARC/1.") and record.endswith(body + b"\r\n\r\n")
        assert len(record) > 3 * pointer.length  # compressed
    assert gzip.decompress(data).count(b"WARC/1.") == 6
    with open(tmp_path / pointers[0].file, "rb") as fh:
        assert [r.rec_headers.get_header("WARC-Target-URI") for r in ArchiveIterator(fh)
                if r.rec_type == "response"] == [f"https://ex.com/{i}" for i in range(3)]


def test_digests_are_the_ones_warcio_computes(tmp_path: Path) -> None:
    """The store hashes the body itself (warcio would buffer and hash it twice): its payload and
    block digests must be exactly those warcio's own writer gives the same record, and pass
    warcio's digest check on reading."""
    from io import BytesIO

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    body = ("<html><body>" + "<p>Zürich — a story.</p>" * 3000 + "</body></html>").encode()
    headers = [("Content-Type", "text/html; charset=utf-8"), ("ETag", '"v1"')]
    store = WarcStore(tmp_path)
    pointer = store.write("https://ex.com/a", 200, "OK", headers, body, [("User-Agent", "newsarchive")])
    store.close()
    responses = []
    with open(tmp_path / pointer.file, "rb") as fh:
        for record in ArchiveIterator(fh, check_digests="raise"):  # raises on a wrong digest
            assert record.content_stream().read() == (body if record.rec_type == "response" else b"")
            if record.rec_type == "response":
                responses.append(record)
    [ours] = responses

    reference = WARCWriter(BytesIO(), gzip=False)
    http = StatusAndHeaders("200 OK", [*headers, ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
    theirs = reference.create_warc_record("https://ex.com/a", "response", payload=BytesIO(body),
                                          http_headers=http)
    reference.write_record(theirs)
    for name in ("WARC-Payload-Digest", "WARC-Block-Digest", "Content-Length"):
        assert ours.rec_headers.get_header(name) == theirs.rec_headers.get_header(name), name
    assert ours.rec_headers.get_header("WARC-Payload-Digest").startswith("sha1:")


def test_a_wrong_digest_is_caught_on_reading(tmp_path: Path) -> None:
    """The digest check the test above relies on does fail on a damaged record."""
    import gzip

    from warcio.exceptions import ArchiveLoadFailed

    store = WarcStore(tmp_path)
    pointer = store.write("https://ex.com/a", 200, "OK", [], b"<p>original text</p>")
    store.close()
    path = tmp_path / pointer.file
    path.write_bytes(gzip.compress(gzip.decompress(path.read_bytes()).replace(b"original", b"modified")))
    with open(path, "rb") as fh, pytest.raises(ArchiveLoadFailed):
        for record in ArchiveIterator(fh, check_digests="raise"):
            record.content_stream().read()


def test_check_reads_every_damaged_record_as_unreadable(tmp_path: Path) -> None:
    """Damaged deflate bytes can inflate to garbage without a decompression error (4% of these
    records did, with ISA-L's output): `newsarchive check` must still call each unreadable,
    by its digests or its missing target URI, not read an empty record."""
    import io
    import random

    from newsarchive.check import _read_response

    for seed in range(100):
        rng = random.Random(seed)
        store = WarcStore(tmp_path / str(seed))
        body = ("<html><body>" + "".join(f"<p>story {rng.random()} text</p>" for _ in range(200))
                + "</body></html>").encode()
        url = f"https://ex.com/story-{seed}"
        pointer = store.write(url, 200, "OK", [("Content-Type", "text/html")], body, [("User-Agent", "x")])
        store.close()
        data = bytearray((tmp_path / str(seed) / pointer.file).read_bytes())
        assert _read_response(io.BytesIO(bytes(data)), pointer.offset) == (url, len(body))
        data[pointer.offset + 20:pointer.offset + 60] = b"\xff" * 40
        with pytest.raises(Exception):  # noqa: B017 - warcio raises many kinds on damaged data
            _read_response(io.BytesIO(bytes(data)), pointer.offset)
