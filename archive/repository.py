"""The archive's repository API: the only code that writes the database."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, TypeVar

from sqlalchemy import Connection, Insert, Select, Update, bindparam, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, defer

from archive import dedup
from archive.db import Database, retrying
from archive.extract import Extraction
from archive.models import Alias, Article, CrawlRun, FeedState, Page, Revision, Source, utcnow
from archive.urls import canonicalize, choose_canonical
from archive.warc import WarcPointer
from newsarchive.errors import NotFoundError

ARTICLE_JSON_KEYS = ("id", "url", "canonical_url", "source", "title", "authors", "published", "modified",
                     "language", "tags", "description", "text", "word_count", "fetched_at")
REVISION_JSON_KEYS = ("fetched_at", "title", "word_count")
T = TypeVar("T")
_NO_BODY = (defer(Article.text), defer(Article.html))


def content_hash(title: str, text: str) -> str:
    normalized = re.sub(r"\s+", " ", f"{title}\n{text}").strip().lower()
    return hashlib.sha256(normalized.encode("utf-8")).hexdigest()


def iso(value: datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


def article_to_dict(article: Article, *, revisions: bool = False) -> dict[str, Any]:
    """The JSON shape of `show --json` (a contract). `revisions=True` adds `revisions`: one
    {fetched_at, title, word_count} per stored version of the text, oldest first."""
    data = {
        "id": article.id,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "source": article.source.name,
        "title": article.title,
        "authors": list(article.authors or []),
        "published": iso(article.published),
        "modified": iso(article.modified),
        "language": article.language,
        "tags": list(article.tags or []),
        "description": article.description,
        "text": article.text,
        "word_count": article.word_count,
        "fetched_at": iso(article.fetched_at),
    }
    if revisions:
        data["revisions"] = [{"fetched_at": iso(r.fetched_at), "title": r.title, "word_count": r.word_count}
                             for r in article.revisions]
    return data


# The store path's statements, built once: building a statement cost more than running it.
_EXTRACTED_COLUMNS = ("title", "description", "authors", "published", "modified", "language", "section",
                      "tags", "image_url", "site_name", "text", "html", "word_count")


@lru_cache(maxsize=1)
def _find_stmt() -> Select[Any]:
    return (select(Article.id, Article.canonical_url)
            .where(or_(Article.canonical_url == bindparam("canonical"),
                       Article.id.in_(select(Alias.article_id)
                                      .where(Alias.url.in_(bindparam("aliases", expanding=True))))))
            .order_by(Article.id).with_for_update())


@lru_cache(maxsize=1)
def _same_content_stmt() -> Select[Any]:
    return (select(Article.id).where(Article.source_id == bindparam("source_id"),
                                     Article.content_hash == bindparam("digest"))
            .order_by(Article.id).limit(1).with_for_update())


@lru_cache(maxsize=1)
def _insert_article_stmt() -> Insert:
    return insert(Article.__table__)


@lru_cache(maxsize=1)
def _own_cluster_stmt() -> Update:
    table = Article.__table__
    return update(table).where(table.c.id == bindparam("aid")).values(cluster_id=table.c.id)


@lru_cache(maxsize=1)
def _insert_revision_stmt() -> Insert:
    return insert(Revision.__table__)


@lru_cache(maxsize=1)
def _insert_alias_stmt() -> Insert:
    return insert(Alias.__table__)


def _revision_row(article_id: int, ex: Extraction, pointer: WarcPointer, fetched_at: datetime,
                  digest: str) -> dict[str, Any]:
    return dict(article_id=article_id, fetched_at=fetched_at, title=ex.title, text=ex.text, html=ex.html,
                word_count=ex.word_count, content_hash=digest, warc_file=pointer.file,
                warc_offset=pointer.offset)


@dataclass(frozen=True)
class ArticleState:
    """What the crawler needs to decide whether to revisit an archived article."""

    id: int
    published: datetime | None
    first_seen: datetime
    last_seen: datetime  # last capture (200 or 304)
    etag: str
    last_modified: str


@dataclass
class StoreResult:
    outcome: str  # "new", "updated", "unchanged", "duplicate" (same text as another URL of the source)
    article_id: int


@dataclass(frozen=True)
class Capture:
    """One fetched page's extraction, to be stored (see `Repository.store_article`)."""

    source_id: int
    fetched_url: str
    extraction: Extraction
    pointer: WarcPointer
    etag: str = ""
    last_modified: str = ""
    request_url: str = ""
    keys: dedup.TextKeys | None = None
    fetched_at: datetime | None = None


@dataclass(frozen=True)
class _Prepared:
    """What a capture's storing needs that no transaction can change (computed once, not per retry)."""

    capture: Capture
    canonical: str
    digest: str
    aliases: frozenset[str]

    @classmethod
    def of(cls, capture: Capture) -> _Prepared:
        if capture.fetched_at is None:
            capture = replace(capture, fetched_at=utcnow())
        ex = capture.extraction
        return cls(capture, choose_canonical(capture.fetched_url, ex.canonical_url),
                   content_hash(ex.title, ex.text),
                   frozenset(canonicalize(u) for u in (capture.fetched_url, capture.request_url) if u))


class Repository:
    def __init__(self, db: Database) -> None:
        self.db = db

    # -- sources and runs ---------------------------------------------------------------
    def _write(self, func: Callable[[], T]) -> T:
        """Run one write transaction: again when a concurrent writer inserted the same unique
        row first (the retry then finds it), and with backoff while the database is locked or
        unreachable (then one clear error line; committed work is never lost)."""
        def attempt() -> T:
            for n in range(3):
                try:
                    return func()
                except IntegrityError:
                    if n == 2:
                        raise
            raise AssertionError("unreachable")
        return retrying(attempt)

    def ensure_source(self, name: str, title: str = "") -> int:
        return self._write(lambda: self._ensure_source(name, title))

    def _ensure_source(self, name: str, title: str) -> int:
        with self.db.session() as s:
            source = s.scalar(select(Source).where(Source.name == name))
            if source is None:
                source = Source(name=name, title=title)
                s.add(source)
                s.flush()
            elif title and source.title != title:
                source.title = title
            return source.id

    def start_run(self, source_id: int) -> int:
        def write() -> int:
            with self.db.session() as s:
                run = CrawlRun(source_id=source_id)
                s.add(run)
                s.flush()
                return run.id
        return self._write(write)

    def finish_run(self, run_id: int, stats: dict[str, Any], status: str = "finished") -> None:
        self._write(lambda: self._finish_run(run_id, stats, status))

    def _finish_run(self, run_id: int, stats: dict[str, Any], status: str) -> None:
        with self.db.session() as s:
            run = s.get(CrawlRun, run_id)
            if run is None:
                return
            for key in ("pages_fetched", "new_articles", "updated_articles", "unchanged", "skipped",
                        "not_modified", "errors"):
                setattr(run, key, int(stats.get(key, 0)))
            run.errors_by_kind = dict(stats.get("errors_by_kind", {}))
            run.finished_at = utcnow()
            run.status = status

    # -- what is already known (incremental crawling) -----------------------------------
    def known_article_urls(self, source_id: int) -> set[str]:
        """Canonical forms of every URL that led to an article of this source."""
        with self.db.session() as s:
            urls = set(s.scalars(select(Article.canonical_url).where(Article.source_id == source_id)))
            urls.update(s.scalars(select(Alias.url).join(Article).where(Article.source_id == source_id)))
        return {canonicalize(u) for u in urls}

    def article_states(self, source_id: int) -> dict[str, ArticleState]:
        """Every canonical URL and alias of this source's articles -> the article's revisit state."""
        states: dict[str, ArticleState] = {}
        with self.db.session() as s:
            rows = s.execute(select(Article.id, Article.canonical_url, Article.published, Article.first_seen,
                                    Article.last_seen, Article.etag, Article.last_modified_header)
                             .where(Article.source_id == source_id))
            by_id = {}
            for row in rows:
                state = ArticleState(row[0], row[2], row[3], row[4], row[5], row[6])
                by_id[row[0]] = state
                states[canonicalize(row[1])] = state
            for url, article_id in s.execute(select(Alias.url, Alias.article_id).join(Article)
                                             .where(Article.source_id == source_id)):
                states.setdefault(canonicalize(url), by_id[article_id])
        return states

    def mark_not_modified(self, article_ids: list[int], when: datetime | None = None) -> None:
        """A revisit answered 304: the article was seen, unchanged, at `when`."""
        if article_ids:
            with self.db.session() as s:
                s.execute(update(Article).where(Article.id.in_(article_ids))
                          .values(last_seen=when or utcnow()))

    def feed_states(self, urls: list[str]) -> dict[str, tuple[str, str]]:
        """Conditional-GET validators (ETag, Last-Modified) of feeds and sitemaps, by URL."""
        if not urls:
            return {}
        with self.db.session() as s:
            return {row.url: (row.etag, row.last_modified)
                    for row in s.scalars(select(FeedState).where(FeedState.url.in_(urls)))}

    def save_feed_states(self, states: dict[str, tuple[str, str]]) -> None:
        with self.db.session() as s:
            for url, (etag, last_modified) in states.items():
                row = s.scalar(select(FeedState).where(FeedState.url == url))
                if row is None:
                    row = FeedState(url=url)
                    s.add(row)
                row.etag, row.last_modified, row.fetched_at = etag[:255], last_modified[:64], utcnow()

    # -- writing captures ---------------------------------------------------------------
    def record_page(self, source_id: int, url: str, status: int, reason: str,
                    pointer: WarcPointer | None = None) -> None:
        """Remember a fetched page that held no article."""
        def write() -> None:
            with self.db.session() as s:
                page = s.scalar(select(Page).where(Page.url == url))
                if page is None:
                    page = Page(url=url, source_id=source_id)
                    s.add(page)
                page.status, page.reason, page.fetched_at = status, reason[:2000], utcnow()
                if pointer:
                    page.warc_file, page.warc_offset = pointer.file, pointer.offset
        self._write(write)

    def store_article(self, source_id: int, fetched_url: str, extraction: Extraction,
                      pointer: WarcPointer, *, fetched_at: datetime | None = None,
                      etag: str = "", last_modified: str = "", request_url: str = "",
                      keys: dedup.TextKeys | None = None) -> StoreResult:
        """Insert or update the article a capture yielded, in one transaction; idempotent for an
        unchanged page. `request_url` is the URL first requested (before redirects): it becomes
        an alias too. `keys` = `dedup.text_keys(extraction.text)` when the caller computed them
        elsewhere (the crawler does, in its extraction workers); otherwise they are computed here."""
        [result] = self.store_articles([Capture(source_id, fetched_url, extraction, pointer, etag=etag,
                                                last_modified=last_modified, request_url=request_url,
                                                keys=keys, fetched_at=fetched_at)])
        return result

    def store_articles(self, captures: Sequence[Capture]) -> list[StoreResult]:
        """`store_article` for several captures in one transaction: all are stored or none.

        The crawl's writer stores what arrived while it was busy in one go: one commit instead of
        one per article (a third of the time on SQLite; on PostgreSQL one WAL flush instead of
        several). Captures are applied in order, so a later one sees what an earlier one stored."""
        prepared = [_Prepared.of(capture) for capture in captures]

        def write() -> list[StoreResult]:
            with self.db.session() as s:
                return [self._store(s, p) for p in prepared]
        return self._write(write)

    def _store(self, s: Session, prepared: _Prepared) -> StoreResult:
        capture, canonical, digest = prepared.capture, prepared.canonical, prepared.digest
        aliases = set(prepared.aliases)  # grows below; a retried transaction starts again from these
        source_id, fetched_url, ex, pointer, keys = (capture.source_id, capture.fetched_url, capture.extraction,
                                                     capture.pointer, capture.keys)
        fetched_at, etag, last_modified = capture.fetched_at, capture.etag, capture.last_modified
        assert fetched_at is not None  # set by _Prepared.of
        conn = s.connection()
        # FOR UPDATE (PostgreSQL): a concurrent writer of the same article waits, then sees
        # this transaction's text, so the same change is never stored twice. One statement
        # finds the article by its canonical URL (preferred) or by one of the aliases.
        found = conn.execute(_find_stmt(), {"canonical": canonical, "aliases": sorted(aliases)}).all()
        article_id = next((row.id for row in found if row.canonical_url == canonical),
                          found[0].id if found else None)
        same_text = None
        if article_id is None and ex.word_count >= dedup.MIN_EXACT_WORDS:
            # The same text under another URL of this source (slug change, print/section
            # variant): one article, and this URL becomes an alias of it.
            same_text = conn.scalar(_same_content_stmt(), {"source_id": source_id, "digest": digest})
        if article_id is None and same_text is None:
            return self._insert_new(conn, source_id, fetched_url, canonical, ex, pointer, fetched_at,
                                    digest, etag, last_modified, aliases, keys)
        # The text and HTML columns are not read: a revisit of an unchanged page compares
        # hashes only, and a changed page overwrites them.
        article = s.get(Article, article_id or same_text, options=_NO_BODY)
        assert article is not None  # locked by the statement that found it
        if article.source_id != source_id:
            # Another source owns this URL; never let a page overwrite another site's article.
            return StoreResult("unchanged", article.id)
        outcome = "unchanged"
        if article_id is None and article.canonical_url != canonical:
            outcome = "duplicate"
            aliases.add(canonical)
        # (the same canonical URL found by its text means a concurrent writer created it meanwhile)
        elif article.content_hash != digest:
            outcome = "updated"
        if outcome == "updated":
            self._apply(article, fetched_url, ex, pointer, fetched_at, digest)
            article.version += 1
            article.needs_index = True
        article.last_seen = fetched_at
        if outcome != "duplicate":  # validators belong to the URL that was fetched
            article.etag, article.last_modified_header = etag[:255], last_modified[:64]
        s.flush()
        if outcome == "updated":
            # A plain INSERT: appending to article.revisions would load every earlier one.
            conn.execute(insert(Revision.__table__), [_revision_row(article.id, ex, pointer, fetched_at, digest)])
            s.expire(article, ["revisions"])
        if outcome == "updated" or not article.text_hash:
            dedup.assign_cluster(s, article, keys)
        known = set(s.scalars(select(Alias.url).where(Alias.url.in_(aliases))))
        if aliases - known:
            conn.execute(insert(Alias.__table__), [{"url": url, "article_id": article.id}
                                                   for url in sorted(aliases - known)])
        s.flush()
        return StoreResult(outcome, article.id)

    @staticmethod
    def _insert_new(conn: Connection, source_id: int, fetched_url: str, canonical: str, ex: Extraction,
                    pointer: WarcPointer, fetched_at: datetime, digest: str, etag: str, last_modified: str,
                    aliases: set[str], keys: dedup.TextKeys | None) -> StoreResult:
        """A new article: its row, first revision, clustering rows and aliases as plain INSERTs
        (Core). The ORM's unit of work cost three times what the statements do, and a crawl
        stores mostly new articles (docs/scaling.md)."""
        if keys is None or not keys.matches(ex.text):
            keys = dedup.text_keys(ex.text)
        # Clustered before the INSERT: the matching articles are older, so their cluster ids
        # (smallest member ids) are smaller than the new article's id.
        matches = dedup.matching_clusters(conn, keys, ex.word_count)
        cluster = min(matches) if matches else None
        row = {name: getattr(ex, name) for name in _EXTRACTED_COLUMNS}
        row.update(source_id=source_id, url=fetched_url, canonical_url=canonical, content_hash=digest,
                   text_hash=keys.text_hash, cluster_id=cluster, fetched_at=fetched_at, first_seen=fetched_at,
                   last_seen=fetched_at, warc_file=pointer.file, warc_offset=pointer.offset,
                   warc_length=pointer.length, etag=etag[:255], last_modified_header=last_modified[:64],
                   version=1, needs_index=True)
        article_id = conn.execute(_insert_article_stmt(), row).inserted_primary_key[0]
        if cluster is None:  # a story of its own: its cluster is itself
            conn.execute(_own_cluster_stmt(), {"aid": article_id})
        else:
            dedup.merge_clusters(conn, matches - {cluster}, cluster, article_id)
        conn.execute(_insert_revision_stmt(), [_revision_row(article_id, ex, pointer, fetched_at, digest)])
        dedup.insert_signature(conn, article_id, keys)
        # Found by none of its aliases: none is stored yet.
        conn.execute(_insert_alias_stmt(), [{"url": url, "article_id": article_id} for url in sorted(aliases)])
        return StoreResult("new", article_id)

    @staticmethod
    def _apply(article: Article, fetched_url: str, ex: Extraction, pointer: WarcPointer,
               fetched_at: datetime, digest: str) -> None:
        article.url = fetched_url
        for name in ("title", "description", "authors", "published", "modified", "language", "section",
                     "tags", "image_url", "site_name", "text", "html", "word_count"):
            setattr(article, name, getattr(ex, name))
        article.content_hash = digest
        article.fetched_at = fetched_at
        article.warc_file, article.warc_offset, article.warc_length = pointer.file, pointer.offset, pointer.length

    def update_extraction(self, article_id: int, ex: Extraction) -> bool:
        """Replace an article's text and metadata (re-extraction); True when something changed."""
        return self._write(lambda: self._update_extraction(article_id, ex))

    def _update_extraction(self, article_id: int, ex: Extraction) -> bool:
        with self.db.session() as s:
            article = s.get(Article, article_id)
            if article is None:
                return False
            before = article_to_dict(article) | {"html": article.html, "section": article.section,
                                                 "image_url": article.image_url}
            digest = content_hash(ex.title, ex.text)
            for name in ("title", "description", "authors", "published", "modified", "language",
                         "section", "tags", "image_url", "site_name", "text", "html", "word_count"):
                setattr(article, name, getattr(ex, name))
            article.content_hash = digest
            after = article_to_dict(article) | {"html": article.html, "section": article.section,
                                                "image_url": article.image_url}
            if before == after:
                return False
            if article.revisions:
                latest = article.revisions[-1]
                latest.title, latest.text, latest.html = ex.title, ex.text, ex.html
                latest.word_count, latest.content_hash = ex.word_count, digest
            article.version += 1
            article.needs_index = True
            s.flush()
            dedup.assign_cluster(s, article)
            return True

    # -- reading ------------------------------------------------------------------------
    def get_article(self, session: Session, id_or_url: str | int) -> Article:
        article = None
        key = str(id_or_url).strip()
        if key.isdigit():
            article = session.get(Article, int(key))
        else:
            canonical = canonicalize(key)
            article = session.scalar(select(Article).where(
                or_(Article.canonical_url == canonical, Article.url == key)))
            if article is None:
                alias = session.scalar(select(Alias).where(Alias.url == canonical))
                article = alias.article if alias else None
        if article is None:
            raise NotFoundError(f"no archived article {key!r}; find one with `newsarchive search`")
        return article

    def iter_articles(self, session: Session, source: str | None = None,
                      batch: int = 500) -> Iterator[Article]:
        stmt = select(Article).join(Source).order_by(Article.id)
        if source:
            stmt = stmt.where(Source.name == source)
        yield from session.scalars(stmt.execution_options(yield_per=batch))

    def stats(self) -> dict[str, Any]:
        with self.db.session() as s:
            rows = s.execute(
                select(Source.name, func.count(Article.id), func.max(Article.published),
                       func.max(Article.fetched_at))
                .join(Article, Article.source_id == Source.id, isouter=True)
                .group_by(Source.name).order_by(Source.name)).all()
            last_runs = {}
            for run in s.scalars(select(CrawlRun).order_by(CrawlRun.started_at.desc()).limit(200)):
                last_runs.setdefault(run.source.name, run)
            return {
                "sources": [
                    {"name": name, "articles": count, "newest_published": iso(newest),
                     "last_fetched": iso(fetched),
                     "last_crawl": _run_dict(last_runs.get(name))}
                    for name, count, newest, fetched in rows],
                "articles": sum(r[1] for r in rows),
            }

    # -- search index sync --------------------------------------------------------------
    def articles_needing_index(self, session: Session, limit: int = 500) -> list[Article]:
        stmt = select(Article).where(Article.needs_index.is_(True)).order_by(Article.id).limit(limit)
        return list(session.scalars(stmt))

    def mark_indexed(self, versions: dict[int, int]) -> None:
        """Clear the change marker of articles still at the version that was indexed."""
        if not versions:
            return
        table = Article.__table__
        # One executemany in Core: per-row ORM statements took ~10 kB each while the session lived
        # (200 MB at 20,000 articles after a rebuild).
        statement = (table.update().where(table.c.id == bindparam("article_id"),
                                          table.c.version == bindparam("indexed_version"))
                     .values(needs_index=False))
        with self.db.session() as s:
            s.execute(statement, [{"article_id": a, "indexed_version": v} for a, v in versions.items()])

    def mark_all_for_index(self) -> None:
        with self.db.session() as s:
            s.execute(update(Article).values(needs_index=True))

    # -- identity, story clusters, revisions, revisit (issue 4) ----------------------------
    def cluster_siblings(self, session: Session, article_id: int) -> list[Article]:
        """The other articles of an article's story cluster (the same story published elsewhere,
        or under another URL), oldest first: the site's "also published by …"."""
        article = session.get(Article, article_id)
        if article is None or article.cluster_id is None:
            return []
        return [a for a in dedup.cluster_members(session, article.cluster_id) if a.id != article_id]

    def backfill_dedup(self, batch: int = 200) -> int:
        """Compute text hashes, signatures and clusters of articles stored before they existed
        (after a schema upgrade); returns how many articles were processed."""
        done = 0
        while True:
            def step() -> int:
                with self.db.session() as s:
                    rows = list(s.scalars(select(Article).where(Article.text_hash == "")
                                          .order_by(Article.id).limit(batch)))
                    for article in rows:
                        dedup.assign_cluster(s, article)
                        s.flush()
                    return len(rows)
            count = self._write(step)
            done += count
            if count < batch:
                return done

    def revisit_candidates(self, source_id: int) -> list[tuple[str, str, str]]:
        """(url, etag, last_modified) of every article of a source, for `crawl --revisit`."""
        with self.db.session() as s:
            rows = s.execute(select(Article.url, Article.etag, Article.last_modified_header)
                             .where(Article.source_id == source_id).order_by(Article.id)).all()
        return [(url, etag or "", last_modified or "") for url, etag, last_modified in rows]

    # -- learned boilerplate (archive.boilerplate) ----------------------------------------
    def replace_article_fingerprints(self, source_id: int, fingerprints: dict[int, set[str]]) -> None:
        """Store the paragraph fingerprints of articles, replacing what each had before."""
        from sqlalchemy import delete

        from archive.models import ArticleFingerprint

        if not fingerprints:
            return
        with self.db.session() as s:
            ids = list(fingerprints)
            for start in range(0, len(ids), 500):
                s.execute(delete(ArticleFingerprint).where(ArticleFingerprint.article_id.in_(ids[start:start + 500])))
            # one executemany (Core): ORM objects for ~15 rows per article cost ~0.3 ms per article
            rows = [{"article_id": article_id, "fingerprint": fp, "source_id": source_id}
                    for article_id, fps in fingerprints.items() for fp in sorted(fps)]
            if rows:
                s.execute(insert(ArticleFingerprint.__table__), rows)

    def fingerprint_counts(self, source_id: int, min_count: int = 2) -> tuple[int, dict[str, int]]:
        """(articles observed, distinct-article count of each fingerprint seen at least min_count times)."""
        from archive.models import ArticleFingerprint

        with self.db.session() as s:
            articles = s.scalar(select(func.count(func.distinct(ArticleFingerprint.article_id)))
                                .where(ArticleFingerprint.source_id == source_id)) or 0
            rows = s.execute(select(ArticleFingerprint.fingerprint, func.count())
                             .where(ArticleFingerprint.source_id == source_id)
                             .group_by(ArticleFingerprint.fingerprint)
                             .having(func.count() >= min_count))
            return articles, {fp: count for fp, count in rows}

    def fingerprinted_articles(self, source_id: int) -> set[int]:
        """Ids of the articles whose fingerprints are stored."""
        from archive.models import ArticleFingerprint

        with self.db.session() as s:
            return set(s.scalars(select(ArticleFingerprint.article_id).distinct()
                                 .where(ArticleFingerprint.source_id == source_id)))

    def learned_boilerplate(self, source_id: int) -> dict[str, str]:
        """Learned boilerplate of a source: fingerprint -> sample text."""
        from archive.models import BoilerplateBlock

        with self.db.session() as s:
            return {b.fingerprint: b.sample for b in
                    s.scalars(select(BoilerplateBlock).where(BoilerplateBlock.source_id == source_id))}

    def save_boilerplate_blocks(self, source_id: int, blocks: dict[str, tuple[str, int]]) -> None:
        """Insert or update learned blocks: fingerprint -> (sample, article_count)."""
        from archive.models import BoilerplateBlock

        with self.db.session() as s:
            existing = {b.fingerprint: b for b in
                        s.scalars(select(BoilerplateBlock).where(BoilerplateBlock.source_id == source_id))}
            for fp, (sample, count) in blocks.items():
                row = existing.get(fp)
                if row is None:
                    s.add(BoilerplateBlock(source_id=source_id, fingerprint=fp, sample=sample[:2000],
                                           article_count=count))
                else:
                    row.article_count = count

    def article_bodies(self, source_id: int) -> list[tuple[int, str, str]]:
        """(id, text, html) of every article of a source, for re-cleaning."""
        with self.db.session() as s:
            return [tuple(r) for r in s.execute(select(Article.id, Article.text, Article.html)
                                                .where(Article.source_id == source_id).order_by(Article.id))]

    def update_article_body(self, article_id: int, text: str, html: str, word_count: int) -> bool:
        """Replace an article's text and HTML (boilerplate removed); True when it changed."""
        with self.db.session() as s:
            article = s.get(Article, article_id)
            if article is None or (article.text == text and article.html == html):
                return False
            digest = content_hash(article.title, text)
            article.text, article.html, article.word_count, article.content_hash = text, html, word_count, digest
            if article.revisions:
                latest = article.revisions[-1]
                latest.text, latest.html, latest.word_count, latest.content_hash = text, html, word_count, digest
            article.version += 1
            article.needs_index = True
            return True


def _run_dict(run: CrawlRun | None) -> dict[str, Any] | None:
    if run is None:
        return None
    return {"started_at": iso(run.started_at), "finished_at": iso(run.finished_at),
            "pages_fetched": run.pages_fetched, "new_articles": run.new_articles,
            "updated_articles": run.updated_articles, "unchanged": run.unchanged, "skipped": run.skipped,
            "not_modified": run.not_modified, "errors": run.errors,
            "errors_by_kind": dict(run.errors_by_kind or {}), "status": run.status}
