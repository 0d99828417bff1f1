"""A small archive for the static-site tests, written through the real Repository."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from archive.db import Database
from archive.extract import Extraction, paragraphs_to_html
from archive.repository import Repository
from archive.warc import WarcPointer

STORIES = [
    # (source, title, authors, tags, day offset, text)
    ("harbor-times", "Volcano erupts near the northern harbor", ["Ana Lima"], ["Science", "Weather"], 0,
     "The volcano erupted shortly after dawn, sending ash over the northern harbor.\n"
     "Ferry crossings were suspended while geologists measured the plume."),
    ("harbor-times", "City council approves new tram line", ["Ben Ode"], ["Politics"], 3,
     "The city council approved the tram line after a long debate about costs.\n"
     "Construction of the tram line starts next spring along the river."),
    ("valley-post", "Harvest festival draws record crowds", ["Cleo Park", "Ana Lima"], ["Culture"], 10,
     "Record crowds visited the harvest festival in the valley this weekend.\n"
     "Farmers sold apples, cider and bread from dozens of stalls."),
    ("valley-post", "Storm warning issued for the valley", [], ["Weather"], 40,
     "Forecasters issued a storm warning for the valley as strong winds approached.\n"
     "Residents were asked to secure loose objects and avoid the river banks."),
    ("valley-post", "School robotics team wins national title", ["Dev Rao"], ["Education"], 75,
     "The school robotics team won the national title with a robot that sorts recycling.\n"
     "Their coach said the students built the machine from spare parts."),
]
BASE_DATE = datetime(2024, 3, 1, 9, 30, tzinfo=UTC)


def extraction(title: str, text: str, *, authors: list[str] | None = None, tags: list[str] | None = None,
               published: datetime | None = None, description: str = "", image_url: str = "",
               html: str | None = None, section: str = "") -> Extraction:
    return Extraction(ok=True, title=title, description=description, authors=authors or [],
                      published=published, language="en", tags=tags or [], section=section,
                      image_url=image_url, text=text,
                      html=paragraphs_to_html(text) if html is None else html,
                      word_count=len(text.split()))


def add_story(repo: Repository, source: str, title: str, text: str, *, url: str | None = None,
              **kwargs: object) -> int:
    source_id = repo.ensure_source(source, source.replace("-", " ").title())
    url = url or f"https://{source}.example/{abs(hash(title)) % 10**8}/story.html"
    result = repo.store_article(source_id, url, extraction(title, text, **kwargs),  # type: ignore[arg-type]
                                WarcPointer(file="test.warc.gz", offset=0, length=1))
    return result.article_id


def make_archive(path: Path) -> tuple[Database, Repository, dict[str, int]]:
    db = Database(f"sqlite:///{path}")
    repo = Repository(db)
    ids = {}
    for source, title, authors, tags, offset, text in STORIES:
        ids[title] = add_story(repo, source, title, text, authors=authors, tags=tags,
                               published=BASE_DATE + timedelta(days=offset),
                               description=f"{title.split()[0]} news from {source}.")
    return db, repo, ids


def add_bulk(repo: Repository, n: int, *, start: datetime = BASE_DATE - timedelta(days=400)) -> list[int]:
    """n more stories of similar length (so average field lengths settle), one every 3 days."""
    ids = []
    for i in range(n):
        source, title, authors, tags, _offset, text = STORIES[i % len(STORIES)]
        ids.append(add_story(repo, source, f"{title} ({i})", f"{text}\nStory number {i} of the bulk set.",
                             url=f"https://{source}.example/bulk/{i}.html", authors=authors, tags=tags,
                             published=start + timedelta(days=3 * i),
                             description=f"{title.split()[0]} news from {source}."))
    return ids
