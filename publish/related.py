"""Related articles from the Whoosh index's more-like-this, cached between builds.

The index is optional: without it (or without the API) articles simply have no related list.
Results are cached per article version, so an incremental build only asks the index about new
or changed articles.
"""

from __future__ import annotations

import contextlib
import logging
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)
RELATED_LIMIT = 5


def _hit_id(hit: Any) -> int | None:
    if isinstance(hit, int):
        return hit
    value = hit.get("id") if isinstance(hit, dict) else getattr(hit, "id", None)
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


class RelatedFinder:
    def __init__(self, index_dir: Path | None, cache: dict[str, Any]) -> None:
        self.cache = {k: v for k, v in cache.items() if isinstance(v, list) and len(v) == 2}
        self.used: dict[str, Any] = {}
        self.index: Any = None
        if index_dir is not None and Path(index_dir).exists():
            try:
                from search.index import SearchIndex  # written by the search engineer

                self.index = SearchIndex(Path(index_dir))
                if not hasattr(self.index, "more_like_this"):
                    self.index = None
            except Exception as exc:  # no index yet, or an index it cannot open: build without
                log.warning("related articles unavailable: %s", exc)
                self.index = None

    def related(self, article_id: int, version: int) -> list[int]:
        key = str(article_id)
        cached = self.cache.get(key)
        if cached is not None and cached[0] == version and (self.index is None or cached[1]):
            self.used[key] = cached
            return list(cached[1])
        ids: list[int] = []
        if self.index is not None:
            try:
                hits = self.index.more_like_this(article_id, limit=RELATED_LIMIT)
                ids = [i for i in (_hit_id(h) for h in hits or []) if i is not None][:RELATED_LIMIT]
            except Exception as exc:  # a missing document or a broken index must not stop the build
                log.debug("more_like_this(%s) failed: %s", article_id, exc)
        self.used[key] = [version, ids]
        return ids

    def cache_for(self, known: dict[int, Any]) -> dict[str, Any]:
        return {k: v for k, v in self.used.items() if int(k) in known}

    def close(self) -> None:
        close = getattr(self.index, "close", None)
        if callable(close):
            with contextlib.suppress(Exception):  # closing a read-only index cannot lose anything
                close()
