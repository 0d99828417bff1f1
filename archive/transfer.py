"""Lossless export and import of the archive as JSON Lines (`newsarchive export` / `import`).

One line per article, in id order. Each line starts with the keys of `show --json` (so a
consumer of that contract can read an export), followed by:

- `revisions`: every stored version, oldest first ({fetched_at, title, word_count, text, html,
  content_hash, warc_file, warc_offset});
- `aliases`: every URL that led to the article, sorted;
- `archive`: the remaining stored columns (source title and creation time, html, section,
  image URL, site name, hashes, story cluster, first/last seen, WARC pointer, HTTP validators).

Derived data is not exported: MinHash signatures are recomputed on import, and imported
articles are marked for the search index. A source with no article is not exported (it is
recreated from the config by the next crawl).

Import never overwrites: an article whose canonical URL is already archived is skipped. Ids
are kept when they are free (so SQLite -> JSONL -> PostgreSQL -> JSONL gives identical lines).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import IO, Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session, selectinload

from archive import dedup
from archive.db import Database, retrying
from archive.models import Alias, Article, Revision, Source
from archive.repository import ARTICLE_JSON_KEYS, article_to_dict, iso
from newsarchive.errors import UserError

ARCHIVE_KEYS = ("source_title", "source_created_at", "section", "image_url", "site_name", "html",
                "content_hash", "text_hash", "cluster_id", "first_seen", "last_seen", "warc_file",
                "warc_offset", "warc_length", "etag", "last_modified_header")
REVISION_KEYS = ("fetched_at", "title", "word_count", "text", "html", "content_hash", "warc_file",
                 "warc_offset")
_DATES = {"published", "modified", "fetched_at", "first_seen", "last_seen", "source_created_at"}


class ImportFormatError(UserError):
    """A line of an import file is not an exported article."""


@dataclass
class ImportReport:
    articles: int = 0
    skipped: int = 0
    revisions: int = 0
    aliases: int = 0
    sources: int = 0


def export_record(article: Article) -> dict[str, Any]:
    """The full export line of one article (see the module docstring)."""
    data = article_to_dict(article)
    data["revisions"] = [
        {"fetched_at": iso(r.fetched_at), "title": r.title, "word_count": r.word_count, "text": r.text,
         "html": r.html, "content_hash": r.content_hash, "warc_file": r.warc_file,
         "warc_offset": r.warc_offset}
        for r in article.revisions]
    data["aliases"] = sorted(a.url for a in article.aliases)
    data["archive"] = {
        "source_title": article.source.title, "source_created_at": iso(article.source.created_at),
        "section": article.section, "image_url": article.image_url, "site_name": article.site_name,
        "html": article.html, "content_hash": article.content_hash, "text_hash": article.text_hash,
        "cluster_id": article.cluster_id, "first_seen": iso(article.first_seen),
        "last_seen": iso(article.last_seen), "warc_file": article.warc_file,
        "warc_offset": article.warc_offset, "warc_length": article.warc_length, "etag": article.etag,
        "last_modified_header": article.last_modified_header,
    }
    return data


def iter_records(session: Session, source: str | None = None, batch: int = 500) -> Iterator[dict[str, Any]]:
    stmt = (select(Article).join(Source).order_by(Article.id)
            .options(selectinload(Article.revisions), selectinload(Article.aliases),
                     selectinload(Article.source)))
    if source:
        stmt = stmt.where(Source.name == source)
    for article in session.scalars(stmt.execution_options(yield_per=batch)):
        yield export_record(article)


def export_archive(db: Database, out: IO[str], source: str | None = None) -> int:
    """Write every article (of one source) as one JSON line; returns the count."""
    count = 0
    with db.session() as s:
        for record in iter_records(s, source):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
            count += 1
    return count


def _date(value: Any, where: str) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ImportFormatError(f"{where}: {value!r} is not an ISO date; is this a newsarchive export?") from None


def _parse(line: str, number: int) -> dict[str, Any]:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(f"line {number} is not JSON ({exc.msg}); import a file written by "
                                "`newsarchive export`") from None
    missing = [k for k in (*ARTICLE_JSON_KEYS, "revisions", "aliases", "archive")
               if not isinstance(record, dict) or k not in record]
    if missing:
        raise ImportFormatError(f"line {number} lacks {', '.join(missing)}; import a file written by "
                                "`newsarchive export` (version 0.1 or later)")
    return record


def _source(session: Session, record: dict[str, Any], cache: dict[str, int], report: ImportReport,
            number: int) -> int:
    name = record["source"]
    if name in cache:
        return cache[name]
    source = session.scalar(select(Source).where(Source.name == name))
    if source is None:
        extra = record["archive"]
        source = Source(name=name, title=extra.get("source_title") or "")
        created = _date(extra.get("source_created_at"), f"line {number}")
        if created is not None:
            source.created_at = created
        session.add(source)
        session.flush()
        report.sources += 1
    cache[name] = source.id
    return source.id


def _insert(session: Session, record: dict[str, Any], number: int, sources: dict[str, int],
            report: ImportReport) -> None:
    where = f"line {number}"
    if session.scalar(select(Article.id).where(Article.canonical_url == record["canonical_url"])):
        report.skipped += 1
        return
    extra = record["archive"]
    wanted_id = record.get("id")
    free = isinstance(wanted_id, int) and session.get(Article, wanted_id) is None
    article = Article(
        id=wanted_id if free else None, source_id=_source(session, record, sources, report, number),
        url=record["url"], canonical_url=record["canonical_url"], title=record["title"] or "",
        description=record["description"] or "", authors=list(record["authors"] or []),
        published=_date(record["published"], where), modified=_date(record["modified"], where),
        language=record["language"] or "", tags=list(record["tags"] or []), text=record["text"] or "",
        word_count=int(record["word_count"] or 0), fetched_at=_date(record["fetched_at"], where),
        section=extra.get("section") or "", image_url=extra.get("image_url") or "",
        site_name=extra.get("site_name") or "", html=extra.get("html") or "",
        content_hash=extra.get("content_hash") or "", text_hash=extra.get("text_hash") or "",
        first_seen=_date(extra.get("first_seen"), where), last_seen=_date(extra.get("last_seen"), where),
        warc_file=extra.get("warc_file") or "", warc_offset=int(extra.get("warc_offset") or 0),
        warc_length=int(extra.get("warc_length") or 0), etag=extra.get("etag") or "",
        last_modified_header=extra.get("last_modified_header") or "", version=1, needs_index=True)
    session.add(article)
    session.flush()
    cluster = extra.get("cluster_id")
    article.cluster_id = cluster if free and isinstance(cluster, int) else article.id
    for rev in record["revisions"]:
        session.add(Revision(
            article_id=article.id, fetched_at=_date(rev.get("fetched_at"), where), title=rev.get("title") or "",
            text=rev.get("text") or "", html=rev.get("html") or "", word_count=int(rev.get("word_count") or 0),
            content_hash=rev.get("content_hash") or "", warc_file=rev.get("warc_file") or "",
            warc_offset=int(rev.get("warc_offset") or 0)))
        report.revisions += 1
    taken = set(session.scalars(select(Alias.url).where(Alias.url.in_(record["aliases"])))) \
        if record["aliases"] else set()
    for url in record["aliases"]:
        if url not in taken:
            session.add(Alias(url=url, article_id=article.id))
            report.aliases += 1
    session.flush()
    keys = dedup.text_keys(article.text or "")
    if not article.text_hash:
        article.text_hash = keys.text_hash
    dedup.save_signature(session, article, keys)
    report.articles += 1


def _fix_sequences(session: Session) -> None:
    """After inserts with explicit ids, PostgreSQL's id sequences must move past them."""
    if session.bind is None or session.get_bind().dialect.name != "postgresql":
        return
    for table in ("sources", "articles"):
        session.execute(text(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
            f"GREATEST((SELECT COALESCE(MAX(id), 0) FROM {table}), 1))"))


def import_archive(db: Database, lines: Iterable[str], *, batch: int = 200) -> ImportReport:
    """Add the articles of an export to the archive (one transaction per batch of lines)."""
    report = ImportReport()
    sources: dict[str, int] = {}
    pending: list[tuple[int, dict[str, Any]]] = []

    def flush() -> None:
        snapshot = ImportReport(**vars(report))

        def write() -> None:  # may run again after a lock or a lost connection: start clean
            for key, value in vars(snapshot).items():
                setattr(report, key, value)
            sources.clear()
            with db.session() as s:
                for number, record in pending:
                    _insert(s, record, number, sources, report)
                _fix_sequences(s)
        retrying(write)
        pending.clear()

    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        pending.append((number, _parse(line, number)))
        if len(pending) >= batch:
            flush()
    if pending:
        flush()
    return report
