"""The narrow interface between newsarchive and a search engine, and the values it returns.

Whoosh (search.index.SearchIndex) implements it today; another engine can replace it by
implementing `SearchBackend` without touching crawler/, archive/ or publish/.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from archive.repository import Repository


@dataclass
class Hit:
    """One search result. `snippet` is HTML: escaped text with matched words in <mark>."""

    id: int
    url: str
    title: str
    source: str
    published: datetime | None
    score: float
    snippet: str

    def to_json(self) -> dict[str, Any]:
        return {"id": self.id, "url": self.url, "title": self.title, "source": self.source,
                "published": self.published.isoformat() if self.published else None,
                "score": round(self.score, 4), "snippet": self.snippet}


@dataclass
class SearchResults:
    hits: list[Hit]
    total: int
    page: int
    pages: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)  # source, year, section
    suggestion: str | None = None  # "did you mean"
    notices: list[str] = field(default_factory=list)  # what the parser changed in the query


@dataclass
class SyncReport:
    added: int = 0
    updated: int = 0
    deleted: int = 0
    total: int = 0  # documents in the index afterwards
    seconds: float = 0.0
    notices: list[str] = field(default_factory=list)  # e.g. a stale lock that was recovered


@dataclass
class CheckReport:
    """Differences between the index and the database (article ids)."""

    missing: list[int] = field(default_factory=list)  # in the database, not in the index
    stale: list[int] = field(default_factory=list)  # indexed at another version than the database's
    orphaned: list[int] = field(default_factory=list)  # in the index, no longer in the database
    fixed: bool = False

    @property
    def ok(self) -> bool:
        return not (self.missing or self.stale or self.orphaned)


@runtime_checkable
class SearchBackend(Protocol):
    """What newsarchive needs from a search engine."""

    def sync(self, repo: Repository, *, rebuild: bool = False, progress: bool = False) -> SyncReport:
        """Index new and changed articles, remove deleted ones (everything when rebuild)."""

    def add(self, documents: Iterable[dict[str, Any]]) -> int:
        """Add or replace documents (see search.documents.article_document); returns the count."""

    def delete(self, article_ids: Iterable[int]) -> int:
        """Remove articles from the index; returns how many were there."""

    def search(self, query: str, *, limit: int = 10, page: int = 1, source: str | None = None,
               since: date | None = None, until: date | None = None, sort: str = "relevance",
               facets: bool = False, collapse: bool = False) -> SearchResults: ...

    def facets(self, query: str = "") -> dict[str, list[tuple[str, int]]]:
        """Counts by source, year and section for everything `query` matches (all when empty)."""

    def more_like_this(self, article_id: int, limit: int = 5) -> list[Hit]: ...

    def suggest(self, word: str, limit: int = 5) -> list[str]:
        """Indexed words close to `word` (spelling corrections)."""

    def close(self) -> None: ...
