"""What the spider hands to the archive: one raw HTTP exchange, nothing interpreted yet."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class PageItem:
    """A fetched page that may hold an article."""

    source: str
    url: str  # after redirects
    status: int
    headers: list[tuple[str, str]]
    body: bytes
    request_headers: list[tuple[str, str]] = field(default_factory=list)
    request_url: str = ""  # the URL first requested, before redirects
    method: str = "GET"
