"""The revisit policy: when an archived article page is fetched again.

News articles change most in their first hours (corrections, updates, new paragraphs), then
rarely. An article is due at each checkpoint `anchor + offset` (anchor: publication date, or
first capture when the page has none) that lies between its last capture and now; with the
default offsets 1h, 6h, 24h, 3d, 7d a page is fetched at most five more times and never
after a week, unless a sitemap `lastmod` newer than the last capture says it changed.
Revisits use a conditional GET (the article's ETag / Last-Modified), so an unchanged page
usually costs a 304 and no body.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta

from archive.repository import ArticleState
from newsarchive.config import parse_duration


def offsets(texts: Iterable[str]) -> list[timedelta]:
    """Checkpoint offsets from the config's revisit_after (e.g. ["1h", "6h", "3d"]), ascending."""
    return sorted(timedelta(seconds=parse_duration(t)) for t in texts)


def _aware(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value


def next_checkpoint(state: ArticleState, checkpoints: list[timedelta]) -> datetime | None:
    """The first checkpoint after the last capture, or None when the schedule is over."""
    anchor = _aware(state.published or state.first_seen)
    last = _aware(state.last_seen)
    for offset in checkpoints:
        if anchor + offset > last:
            return anchor + offset
    return None


def is_due(state: ArticleState, now: datetime, checkpoints: list[timedelta]) -> bool:
    """True when a checkpoint passed since the last capture."""
    due = next_checkpoint(state, checkpoints)
    return due is not None and due <= _aware(now)


def lastmod_is_newer(state: ArticleState, lastmod: datetime | None) -> bool:
    """A sitemap/feed date newer than the last capture means the page changed since."""
    return lastmod is not None and _aware(lastmod) > _aware(state.last_seen)
