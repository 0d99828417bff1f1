"""A lean HTTP/1.1 server for the benchmark's site: the same pages and answers as the fixture's
http.server (NewsSite.respond), at a fraction of its CPU.

The crawl is measured on the machine's own cores, and the site's server shares them; a real
site's server runs elsewhere. http.server costs ≈ 0.8 ms of CPU per 125 kB page here (a thread
per connection, header parsing through the email package), which the benchmark would count
against the crawl. This one parses a request line and headers with plain string splits, keeps
connections alive, and runs in one asyncio thread. It is for benchmarks only: the tests keep the
standard library's server.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

from sites.newssite import Hit, NewsSite


class _Request:
    """What NewsSite.respond reads of a request: its path and headers."""

    def __init__(self, path: str, headers: dict[str, str]) -> None:
        self.path = path
        self.headers = headers


class _Protocol(asyncio.Protocol):
    def __init__(self, site: NewsSite) -> None:
        self.site = site
        self.buffer = b""
        self.transport: Any = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        while b"\r\n\r\n" in self.buffer:
            head, self.buffer = self.buffer.split(b"\r\n\r\n", 1)
            lines = head.decode("latin-1").split("\r\n")
            path = lines[0].split(" ")[1] if len(lines[0].split(" ")) > 1 else "/"
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(":")
                headers[name.strip().title()] = value.strip()
            status, out, body = self.site.respond(_Request(path, headers))  # type: ignore[arg-type]
            with self.site._lock:
                self.site.hits.append(Hit(path, status, time.monotonic(), headers))
            out = {**out, "Content-Length": str(len(body))}
            response = f"HTTP/1.1 {status} X\r\n" + "".join(f"{k}: {v}\r\n" for k, v in out.items()) + "\r\n"
            self.transport.write(response.encode("latin-1") + (body if status != 304 else b""))
            if headers.get("Connection", "").lower() == "close":
                self.transport.close()
                return


class FastServing:
    """Serve `site` on 127.0.0.1 with the lean server; sets site.base_url."""

    def __init__(self, site: NewsSite) -> None:
        self.site = site
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self._server: Any = None

    def start(self) -> None:
        self._server = self.loop.run_until_complete(
            self.loop.create_server(lambda: _Protocol(self.site), "127.0.0.1", 0, backlog=128))
        self.site.base_url = f"http://127.0.0.1:{self._server.sockets[0].getsockname()[1]}"
        self._thread.start()

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self._server.close)
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(10)
