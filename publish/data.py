"""What the site is made of, read from the archive (read-only): light article records and bodies."""

from __future__ import annotations

import hashlib
import json
import marshal
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import String, func, select, type_coerce

from archive.db import Database
from archive.models import Article, CrawlRun, Revision, Source
from publish.slugs import SlugRegistry, slugify


@dataclass
class Entry:
    """One article as listing pages and feeds see it (no body)."""

    id: int
    version: int
    content_hash: str
    source: str
    source_title: str
    title: str
    description: str
    authors: list[str]
    tags: list[str]
    section: str
    published: datetime | None
    modified: datetime | None
    fetched_at: datetime
    first_seen: datetime
    url: str
    canonical_url: str
    image_url: str
    language: str
    word_count: int
    slug: str = ""
    path: str = ""  # relative to the site root
    source_slug: str = ""
    author_links: list[tuple[str, str]] = field(default_factory=list)  # (name, path)
    tag_links: list[tuple[str, str]] = field(default_factory=list)
    skey: str = ""  # identifies everything pages show of this article (set with the paths)
    fingerprint: str = ""  # hash of the article's database row and revision counts (see load_entries)
    topics: list[str] | None = None  # tags plus the section (see topics())
    cluster_id: int | None = None  # story cluster (archive.dedup): same story published elsewhere
    revision_count: int = 0  # stored versions of the text (1 = never changed)
    revised_at: datetime | None = None  # when the newest revision was fetched (if revision_count > 1)
    date: datetime = field(init=False)  # filed under: published, else when it was first seen (UTC)

    def __post_init__(self) -> None:
        value = self.published or self.first_seen
        self.date = (value if value.tzinfo else value.replace(tzinfo=UTC)).astimezone(UTC)

    @property
    def display_title(self) -> str:
        return self.title.strip() or self.url

    def summary_key(self) -> tuple[object, ...]:
        """Everything a listing shows of this article (changes when the article does)."""
        return (self.id, self.version, self.content_hash, self.path, self.source_slug, self.title,
                self.description, self.authors, self.tags, str(self.date))


def _as_utc(value: datetime | str | None) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):  # SQLite's stored text (read raw: much faster than the ORM's parser)
        try:  # naive UTC as stored: parsed with its offset (much faster than .replace(tzinfo=UTC))
            return datetime.fromisoformat(value + "+00:00")
        except ValueError:  # it has an offset of its own (or is not a date: raise as before)
            value = datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _raw(column: Any, db: Database) -> Any:
    """On SQLite, read a DateTime or JSON column as its stored text (parsed by _as_utc/_names)."""
    return type_coerce(column, String) if db.engine.dialect.name == "sqlite" else column


def _names(value: list[Any] | str | None) -> list[str]:
    if isinstance(value, str):
        value = json.loads(value) if value not in ("", "[]", "null") else []
    if not isinstance(value, list):
        return []
    return [str(v).strip() for v in value if str(v).strip()]


ENTRY_CACHE_VERSION = 4
_sha1 = hashlib.sha1


def _row_for_cache(row: tuple[Any, ...]) -> tuple[Any, ...]:
    """A raw row as plain, marshal-able data (SQLite already gives text; other engines give
    datetimes and lists)."""
    out = []
    for v in row:
        if isinstance(v, datetime):
            v = v.isoformat()
        elif isinstance(v, list | dict):
            v = json.dumps(v, ensure_ascii=False, sort_keys=True)
        elif v is not None and not isinstance(v, str | int | float):
            v = str(v)
        out.append(v)
    return tuple(out)


def _revision_stats(conn: Any, db: Database) -> dict[int, tuple[int, Any]]:
    """Per article: (number of revisions, fetch time of the newest one — only when there are two or
    more, the only case where it is shown). Counting reads the article_id index alone."""
    counts = conn.execute(select(Revision.article_id, func.count()).group_by(Revision.article_id)).all()
    revised = [aid for aid, count in counts if count > 1]
    newest: dict[int, Any] = {}
    for start in range(0, len(revised), 500):
        newest.update(conn.execute(
            select(Revision.article_id, _raw(func.max(Revision.fetched_at), db))
            .where(Revision.article_id.in_(revised[start:start + 500])).group_by(Revision.article_id)).all())
    return {aid: (count, newest.get(aid)) for aid, count in counts}


def load_entries(db: Database, cache: dict[str, Any] | None = None) -> list[Entry]:
    """Every article, newest first, with the slugs and paths of its pages assigned.

    `cache` (plain data, updated in place; keep it for the next call) remembers a hash of each
    article's row and what was derived from it (names, slug, fingerprint), so that the rows that did not
    change since the previous call are not parsed again. Every row's metadata (title, dek,
    authors, tags, dates, URLs, source), content hash, cluster and revision count are read and
    compared each time: an article edited in place, without a new version, is noticed too. Only
    the columns SQLite stores after the article's text (version, word count, capture times: reading
    them means walking past the text, half the time of the whole query) are read just for the rows
    where something else changed; they never change alone (a new capture changes the content hash).
    """
    head_cols = (Article.id, Source.name, Source.title, Article.title, Article.description,
                 _raw(Article.authors, db), _raw(Article.tags, db), Article.section, _raw(Article.published, db),
                 _raw(Article.modified, db), Article.url, Article.canonical_url, Article.image_url,
                 Article.language)
    tail_cols = (Article.id, Article.version, Article.word_count, _raw(Article.fetched_at, db),
                 _raw(Article.first_seen, db))
    plain = db.engine.dialect.name == "sqlite"  # rows are plain data already
    if cache is None:
        cache = {}
    old: dict[int, Any] = cache.get("rows", {}) if cache.get("v") == ENTRY_CACHE_VERSION else {}
    no_stats = (0, None)
    with db.session() as s:
        conn = s.connection()
        rows = conn.execute(select(*head_cols).join(Source, Article.source_id == Source.id)).all()
        # (each of these two is read from its own index alone)
        hashes = dict(conn.execute(select(Article.id, Article.content_hash)).all())
        clusters = dict(conn.execute(select(Article.id, Article.cluster_id)).all())
        stats = _revision_stats(conn, db)
        keyed = []
        missing = []
        for row in rows:
            aid = row[0]
            key = (*row, hashes.get(aid), clusters.get(aid), *stats.get(aid, no_stats))
            if not plain:
                key = _row_for_cache(key)
            key = _sha1(marshal.dumps(key, 2)).digest()  # format 2: the same bytes for equal rows
            hit = old.get(aid)
            if hit is not None and hit[0] == key:
                keyed.append((row, key, hit[1]))
            else:
                keyed.append((row, key, None))
                missing.append(aid)
        tails: dict[int, tuple[Any, ...]] = {}
        for start in range(0, len(missing), 500):
            for tail in conn.execute(select(*tail_cols).where(Article.id.in_(missing[start:start + 500]))).all():
                tails[tail[0]] = tail[1:] if plain else _row_for_cache(tail[1:])
    kept: dict[int, Any] = {}
    entries = []
    now = datetime.now(UTC)
    for row, key, derived in keyed:
        (aid, source, source_title, title, description, raw_authors, raw_tags, section, published, modified,
         url, canonical, image_url, language) = row
        if derived is None:
            authors, tags, section_name = _names(raw_authors), _names(raw_tags), (section or "").strip()
            topics = list(dict.fromkeys(tags))
            if section_name and section_name not in topics:
                topics.append(section_name)
            tail = tails.get(aid, (0, 0, None, None))
            fingerprint = _sha1(key + marshal.dumps(tail, 2)).hexdigest()[:20]
            derived = (authors, tags, topics, slugify(title or "", fallback="article"), fingerprint, tail)
        kept[aid] = (key, derived)
        version, words, fetched_at, first_seen = derived[5]
        revision_count, revised_at = stats.get(aid, no_stats)
        fetched = _as_utc(fetched_at) or now
        # (positional: in the order of Entry's fields; the lists are this build's own, never shared)
        e = Entry(aid, version or 0, hashes.get(aid) or "", source, source_title or source, title or "",
                  description or "", derived[0], derived[1], (section or "").strip(),
                  _as_utc(published) if published else None, _as_utc(modified) if modified else None,
                  fetched, _as_utc(first_seen) or fetched, url or "", canonical or "", image_url or "",
                  language or "", words or 0, cluster_id=clusters.get(aid), revision_count=revision_count,
                  revised_at=_as_utc(revised_at) if revised_at else None)
        e.topics, e.slug, e.fingerprint = derived[2], derived[3], derived[4]
        entries.append(e)
    links = cache.get("links") if old else None
    slugs = cache.get("slugs") if old else None
    cache.clear()
    entries.sort(key=lambda e: (e.date, e.id), reverse=True)
    new_links, new_slugs = assign_paths(entries, links if isinstance(links, dict) else None,
                                        slugs if isinstance(slugs, dict) else None)
    cache.update({"v": ENTRY_CACHE_VERSION, "rows": kept, "links": new_links, "slugs": new_slugs})
    return entries


def topics(entry: Entry) -> list[str]:
    """Tags plus the section (a section is listed like a tag)."""
    if entry.topics is not None:
        return entry.topics
    out = list(dict.fromkeys(entry.tags))
    if entry.section and entry.section not in out:
        out.append(entry.section)
    return out


def assign_paths(entries: list[Entry], links: dict[int, Any] | None = None,
                 slugs: dict[str, dict[str, str]] | None = None) -> tuple[dict[int, Any], dict[str, dict[str, str]]]:
    """Set every entry's paths, links and skey. With the `links` and `slugs` this returned for the
    previous build, an entry whose row is unchanged (same fingerprint) and none of whose names
    (source, authors, tags) got another slug keeps what was worked out then."""
    sources = SlugRegistry("source").assign_all([e.source for e in entries])
    authors = SlugRegistry("author").assign_all([a for e in entries for a in e.authors])
    tags = SlugRegistry("tag").assign_all([t for e in entries for t in topics(e)])
    new_slugs = {"source": sources, "author": authors, "tag": tags}
    moved: set[str] = set()  # names (of any kind) whose slug is not the one of the previous build
    if links is None or slugs is None:
        links = {}
    else:
        for kind, now in new_slugs.items():
            before = slugs.get(kind, {})
            moved.update(name for name, slug in now.items() if before.get(name) != slug)
    author_paths = {a: f"authors/{slug}/index.html" for a, slug in authors.items()}
    tag_paths = {t: f"tags/{slug}/index.html" for t, slug in tags.items()}
    sha1 = hashlib.sha1
    new_links: dict[int, Any] = {}
    for e in entries:
        hit = links.get(e.id) if e.fingerprint else None
        if (hit is not None and hit[0] == e.fingerprint
                and not (moved and (e.source in moved or moved.intersection(e.authors)
                                    or moved.intersection(topics(e))))):
            _, e.path, e.source_slug, e.author_links, e.tag_links, e.skey = hit
            if not e.slug:
                e.slug = e.path[len(f"articles/{e.id}-"):-len("/index.html")]
            new_links[e.id] = hit
            continue
        if not e.slug:
            e.slug = slugify(e.title, fallback="article")
        e.path = f"articles/{e.id}-{e.slug}/index.html"
        e.source_slug = sources[e.source]
        e.author_links = [(a, author_paths[a]) for a in dict.fromkeys(e.authors)]
        e.tag_links = [(t, tag_paths[t]) for t in topics(e)]
        if e.fingerprint:  # everything of the row is in the fingerprint: add what depends on other rows
            raw = f"{e.fingerprint}|{e.path}|{e.source_slug}|{e.author_links}|{e.tag_links}"
            e.skey = sha1(raw.encode("utf-8", "surrogatepass")).hexdigest()[:20]
            new_links[e.id] = (e.fingerprint, e.path, e.source_slug, e.author_links, e.tag_links, e.skey)
        else:
            raw = repr((e.summary_key(), e.author_links, e.tag_links))
            e.skey = sha1(raw.encode("utf-8", "surrogatepass")).hexdigest()[:20]
    return new_links, new_slugs


def load_bodies(db: Database, ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    """(html, text) of the given articles."""
    ids = list(ids)
    out: dict[int, tuple[str, str]] = {}
    with db.session() as s:
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for aid, html, text in s.execute(
                    select(Article.id, Article.html, Article.text).where(Article.id.in_(chunk))):
                out[aid] = (html or "", text or "")
    return out


def load_texts(db: Database, ids: Iterable[int]) -> dict[int, str]:
    """Plain text of the given articles (for the search index)."""
    ids = list(ids)
    out: dict[int, str] = {}
    with db.session() as s:
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            for aid, text in s.execute(select(Article.id, Article.text).where(Article.id.in_(chunk))):
                out[aid] = text or ""
    return out


@dataclass
class RevisionRow:
    """One stored version of an article (numbered from 1, oldest first)."""

    number: int
    fetched_at: datetime
    title: str
    word_count: int
    text: str = ""


def load_revisions(db: Database, ids: Iterable[int], *, with_text: bool = False) -> dict[int, list[RevisionRow]]:
    """The revisions of the given articles, oldest first (by fetch time); texts only if asked."""
    ids = list(ids)
    out: dict[int, list[RevisionRow]] = {}
    cols = [Revision.article_id, _raw(Revision.fetched_at, db), Revision.title, Revision.word_count]
    if with_text:
        cols.append(Revision.text)
    with db.session() as s:
        for start in range(0, len(ids), 500):
            chunk = ids[start:start + 500]
            rows = s.execute(select(*cols).where(Revision.article_id.in_(chunk))
                             .order_by(Revision.article_id, Revision.fetched_at, Revision.id))
            for row in rows:
                revs = out.setdefault(row[0], [])
                revs.append(RevisionRow(number=len(revs) + 1, fetched_at=_as_utc(row[1]) or datetime.now(UTC),
                                        title=row[2] or "", word_count=row[3] or 0,
                                        text=(row[4] or "") if with_text else ""))
    return out


@dataclass
class CrawlRunRow:
    """One crawl run as the crawl log page shows it."""

    id: int
    source: str
    source_title: str
    started_at: datetime
    finished_at: datetime | None
    pages_fetched: int
    new_articles: int
    updated_articles: int
    not_modified: int
    errors: int
    errors_by_kind: dict[str, int]
    status: str

    @property
    def duration(self) -> str:
        """"1 h 02 min", "3 min 05 s", "12 s", or "" while running."""
        if self.finished_at is None:
            return ""
        seconds = max(0, int((self.finished_at - self.started_at).total_seconds()))
        if seconds >= 3600:
            return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"
        if seconds >= 60:
            return f"{seconds // 60} min {seconds % 60:02d} s"
        return f"{seconds} s"


def load_crawl_runs(db: Database, limit: int = 200) -> list[CrawlRunRow]:
    """The most recent crawl runs, newest first."""
    with db.session() as s:
        rows = s.execute(
            select(CrawlRun.id, Source.name, Source.title, CrawlRun.started_at, CrawlRun.finished_at,
                   CrawlRun.pages_fetched, CrawlRun.new_articles, CrawlRun.updated_articles,
                   CrawlRun.not_modified, CrawlRun.errors, CrawlRun.errors_by_kind, CrawlRun.status)
            .join(Source, CrawlRun.source_id == Source.id)
            .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc()).limit(limit)).all()
    out = []
    for (rid, name, title, started, finished, pages, new, updated, not_modified, errors, by_kind,
         status) in rows:
        kinds = {str(k): int(v) for k, v in (by_kind or {}).items() if isinstance(v, int | float)}
        out.append(CrawlRunRow(
            id=rid, source=name, source_title=title or name, started_at=_as_utc(started) or datetime.now(UTC),
            finished_at=_as_utc(finished), pages_fetched=pages or 0, new_articles=new or 0,
            updated_articles=updated or 0, not_modified=not_modified or 0, errors=errors or 0,
            errors_by_kind=dict(sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))),
            status=status or ""))
    return out
