"""Page planning helpers: relative roots, stable pagination, date grouping, safe external URLs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar
from urllib.parse import urlsplit

T = TypeVar("T")

PER_PAGE = 20


def root_of(rel: str) -> str:
    """The relative prefix leading from the page at `rel` back to the site root."""
    return "../" * rel.count("/")


def safe_url(url: str) -> str:
    """An external http(s) URL as given, or "" for anything else (javascript:, data:, relative...)."""
    url = (url or "").strip()
    if len(url) > 4096 or any(ord(c) < 32 for c in url):
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return url if parts.scheme.lower() in ("http", "https") and parts.netloc else ""


@dataclass
class Pager(Generic[T]):
    """One page of a listing. `number` 0 is the front page (newest); archive pages count up from
    the oldest, so adding a newer article changes only the front page (and rarely adds a page)."""

    items: Sequence[T]
    number: int
    path: str
    newer: str | None
    older: str | None
    total_pages: int
    total_items: int


def page_path(base: str, number: int) -> str:
    return f"{base}index.html" if number == 0 else f"{base}page/{number}/index.html"


def paginate(items: Sequence[T], base: str, per_page: int = PER_PAGE) -> list[Pager[T]]:
    """Split newest-first `items` into the front page plus stable archive pages."""
    n = len(items)
    full = n // per_page
    if full <= 1:
        return [Pager(items, 0, page_path(base, 0), None, None, 1, n)]
    front_count = n - (full - 1) * per_page  # between per_page and 2*per_page-1
    pages: list[Pager[T]] = []
    numbers = [0, *range(full - 1, 0, -1)]  # front, then full-1 ... 1 (older and older)
    for index, number in enumerate(numbers):
        if number == 0:
            chunk = items[:front_count]
        else:
            end = n - (number - 1) * per_page
            chunk = items[end - per_page:end]
        newer = page_path(base, numbers[index - 1]) if index > 0 else None
        older = page_path(base, numbers[index + 1]) if index + 1 < len(numbers) else None
        pages.append(Pager(chunk, number, page_path(base, number), newer, older, len(numbers), n))
    return pages
