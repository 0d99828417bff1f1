"""Revision diff pages and story-cluster siblings of the article pages."""

from __future__ import annotations

from collections import defaultdict

import nh3
from markupsafe import Markup

from archive.diff import diff_html
from publish.data import Entry

# diff_html escapes all text itself; this allow-list is defence in depth (br: single line breaks).
DIFF_TAGS = {"p", "br", "ins", "del"}


def diff_markup(old_text: str, new_text: str) -> Markup:
    """The word-level diff of two texts as sanitized <p> paragraphs with <ins>/<del>."""
    cleaned = nh3.clean(diff_html(old_text or "", new_text or ""), tags=DIFF_TAGS, attributes={},
                        clean_content_tags={"script", "style"})
    return Markup(cleaned)  # noqa: S704 - sanitized just above


def revision_path(entry: Entry, number: int) -> str:
    """The diff page of revision `number` (2 and up) of an article, relative to the site root."""
    return f"{entry.path[: -len('index.html')]}revisions/{number}/index.html"


def cluster_siblings(entries: list[Entry]) -> dict[int, list[Entry]]:
    """For each clustered article, the other articles of its story cluster (newest first)."""
    clusters: dict[int, list[Entry]] = defaultdict(list)
    for e in entries:  # entries are newest first already
        if e.cluster_id is not None:
            clusters[e.cluster_id].append(e)
    out: dict[int, list[Entry]] = {}
    for members in clusters.values():
        if len(members) > 1:
            for e in members:
                out[e.id] = [m for m in members if m.id != e.id]
    return out
