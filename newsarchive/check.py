"""`newsarchive check`: is the archive consistent after a crash, a restore or a bad day?

Verifies, without changing anything:
- the database itself (SQLite: `PRAGMA quick_check`);
- every article and revision points at a readable WARC response record of its own URL;
- the search index and the database agree: every indexed document is an article, and every
  article the database marks as indexed is in the index at its current version (articles
  waiting for `newsarchive index` are not problems);
- no Whoosh write lock left behind by a dead process blocks the next `newsarchive index`;
- no article is stored twice (same canonical URL once canonicalized, a canonical URL that is
  another article's alias, or the same content twice in one source).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, text

from archive.models import Alias, Article, Revision
from archive.urls import canonicalize

if TYPE_CHECKING:
    from archive.repository import Repository
    from newsarchive.config import Config

MAX_LISTED = 20  # ids listed in one problem line


@dataclass
class CheckResult:
    problems: list[str] = field(default_factory=list)
    articles: int = 0
    warc_records: int = 0
    indexed: int | None = None  # None: no index yet
    pending_index: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        index = "no search index yet" if self.indexed is None else f"{self.indexed} indexed documents"
        pending = f", {self.pending_index} waiting for `newsarchive index`" if self.pending_index else ""
        return (f"archive is consistent: {self.articles} articles, {self.warc_records} WARC records readable, "
                f"{index}{pending}")


def _ids(ids: list[int]) -> str:
    shown = ", ".join(str(i) for i in ids[:MAX_LISTED])
    return shown + (f" and {len(ids) - MAX_LISTED} more" if len(ids) > MAX_LISTED else "")


def check_archive(config: Config, repo: Repository) -> CheckResult:
    result = CheckResult()
    _check_database(repo, result)
    _check_warc(config.warc_dir, repo, result)
    _check_duplicates(repo, result)
    _check_index(config.index_dir, repo, result)
    return result


def _check_database(repo: Repository, result: CheckResult) -> None:
    if repo.db.engine.dialect.name != "sqlite":
        return
    with repo.db.engine.connect() as conn:
        rows = [r[0] for r in conn.execute(text("PRAGMA quick_check")).all()]
    if rows != ["ok"]:
        result.problems.append(f"database: SQLite integrity check failed: {'; '.join(rows[:3])}; restore "
                               "data/archive.sqlite from a backup")


def _read_response(fh: Any, offset: int) -> tuple[str, int]:
    """(target URL, body length) of the WARC response record at `offset`; raises when unreadable.

    The record's digests are checked: damaged compressed bytes can inflate to garbage without a
    decompression error, and only the digests (and a missing target URI) tell it apart."""
    from warcio.archiveiterator import ArchiveIterator

    fh.seek(offset)
    for record in ArchiveIterator(fh, check_digests="raise"):
        if record.rec_type != "response":
            raise ValueError(f"a {record.rec_type} record, not a response")
        url = record.rec_headers.get_header("WARC-Target-URI")
        if not url:
            raise ValueError("a record without a target URI")
        return url, len(record.content_stream().read())
    raise ValueError("no record there")


def _check_warc(warc_dir: Path, repo: Repository, result: CheckResult) -> None:
    # (file, offset) -> who points at it and the URL the record must hold
    wanted: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    with repo.db.session() as s:
        for aid, url, wfile, offset in s.execute(select(Article.id, Article.url, Article.warc_file,
                                                        Article.warc_offset)):
            result.articles += 1
            if not wfile:
                result.problems.append(f"article {aid}: no WARC record (empty pointer); re-crawl {url}")
                continue
            wanted[wfile].append((offset, f"article {aid}", url))
        for rid, aid, wfile, offset in s.execute(select(Revision.id, Revision.article_id, Revision.warc_file,
                                                        Revision.warc_offset)):
            if wfile:
                wanted[wfile].append((offset, f"article {aid} revision {rid}", ""))
    for wfile, pointers in sorted(wanted.items()):
        path = warc_dir / wfile
        if not path.is_file():
            owners = sorted({who.split(" revision")[0] for _o, who, _u in pointers})
            result.problems.append(f"{', '.join(owners[:MAX_LISTED])}: WARC file {path} is missing; "
                                   "restore it from a backup")
            continue
        with open(path, "rb") as fh:
            for offset, who, url in sorted(pointers):
                try:
                    record_url, _length = _read_response(fh, offset)
                except Exception as exc:  # noqa: BLE001 - warcio raises many kinds on damaged data
                    result.problems.append(f"{who}: WARC record {wfile}:{offset} is unreadable ({exc}); "
                                           "run `newsarchive reextract` after restoring the file")
                    continue
                if url and record_url != url:
                    result.problems.append(f"{who}: WARC record {wfile}:{offset} holds {record_url}, not {url}")
                    continue
                result.warc_records += 1


def _check_duplicates(repo: Repository, result: CheckResult) -> None:
    with repo.db.session() as s:
        rows = s.execute(select(Article.id, Article.source_id, Article.canonical_url, Article.content_hash)).all()
        aliases = dict(s.execute(select(Alias.url, Alias.article_id)).all())
    by_key: dict[str, list[int]] = defaultdict(list)
    by_content: dict[tuple[int, str], list[int]] = defaultdict(list)
    for aid, source_id, canonical, digest in rows:
        by_key[canonicalize(canonical)].append(aid)
        if digest:
            by_content[(source_id, digest)].append(aid)
        owner = aliases.get(canonical)
        if owner is not None and owner != aid:
            result.problems.append(f"article {aid}: its canonical URL {canonical} is an alias of article {owner}")
    for key, ids in sorted(by_key.items()):
        if len(ids) > 1:
            result.problems.append(f"articles {_ids(sorted(ids))}: duplicates of one canonical URL {key}")
    for (_source, _digest), ids in sorted(by_content.items()):
        if len(ids) > 1:
            result.problems.append(f"articles {_ids(sorted(ids))}: the same content stored twice in one source")


def _check_index(index_dir: Path, repo: Repository, result: CheckResult) -> None:
    from search.index import SearchIndex
    from search.store import CURRENT, IndexStore

    with repo.db.session() as s:
        pending = set(s.scalars(select(Article.id).where(Article.needs_index.is_(True))))
        indexed_in_db = list(s.scalars(select(Article.id).where(Article.needs_index.is_(False))))
    result.pending_index = len(pending)
    store = IndexStore(index_dir)
    if not (index_dir / CURRENT).is_file() or store.current_name() is None:
        if indexed_in_db:
            result.problems.append(f"search index: missing in {index_dir}, but articles "
                                   f"{_ids(sorted(indexed_in_db))} are marked as indexed; run "
                                   "`newsarchive index --rebuild`")
        return
    index = SearchIndex(index_dir, writer_timeout=2.0)
    try:
        try:
            report = index.check(repo)
        except Exception as exc:  # noqa: BLE001 - a damaged index is a finding, not a crash
            result.problems.append(f"search index: cannot be read ({str(exc).splitlines()[0] if str(exc) else type(exc).__name__}); "
                                   "run `newsarchive index --rebuild`")
            return
        result.indexed = index.doc_count()
        missing = sorted(set(report.missing) - pending)
        stale = sorted(set(report.stale) - pending)
        if missing:
            result.problems.append(f"search index: articles {_ids(missing)} are marked as indexed but are not in "
                                   "the index; run `newsarchive index --rebuild`")
        if stale:
            result.problems.append(f"search index: articles {_ids(stale)} are indexed at an old version; "
                                   "run `newsarchive index --rebuild`")
        if report.orphaned:
            result.problems.append(f"search index: documents {_ids(report.orphaned)} are not in the database; "
                                   "run `newsarchive index`")
        _check_writer_lock(index, result)
    finally:
        index.close()


def _check_writer_lock(index: Any, result: CheckResult) -> None:
    """Take and give back Whoosh's write lock, as the next `newsarchive index` would (a lock whose
    owner died is recovered by search.store; one that cannot be taken is reported)."""
    from search.store import IndexLockedError

    try:
        ix = index._index()
        writer = index.store.writer(ix, timeout=2.0)
    except IndexLockedError as exc:
        result.problems.append(f"search index: {exc}")
        return
    writer.cancel()
