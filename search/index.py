"""SearchIndex: the Whoosh implementation of search.backend.SearchBackend."""

from __future__ import annotations

import math
import re
import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import nullcontext
from datetime import UTC, date, datetime
from datetime import time as dtime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from whoosh import collectors, query, sorting
from whoosh.classify import Bo1Model
from whoosh.index import FileIndex
from whoosh.searching import Searcher

from archive.models import Article, Source
from newsarchive.errors import UserError
from search.analysis import field_suffix, normalize_language
from search.backend import CheckReport, Hit, SearchResults, SyncReport
from search.bulk import BulkWriter
from search.documents import article_document, stored_text
from search.fastscore import fast_top
from search.filters import PublishedBetween, fold_date_ranges, to_long
from search.phrase import fast_phrases
from search.query import QueryLanguage
from search.rebuild import rebuild, rebuild_processes
from search.snippets import best_fragment
from search.store import IndexStore

if TYPE_CHECKING:
    from archive.repository import Repository

BATCH = 1000  # articles per commit in an incremental sync
WRITER_TIMEOUT = 10.0  # seconds to wait for Whoosh's write lock
#: A rebuild writes into an empty index with BulkWriter (search/bulk.py): 3x faster than SegmentWriter.
REBUILD_WRITER: dict[str, Any] = {"factory": BulkWriter}
FACETS = ("source", "year", "section")
SORTS = ("relevance", "newest")
_WORD = re.compile(r"\w+")


class SearchIndex:
    """The article index in `index_dir` (see search.store for the layout).

    One instance keeps a searcher open between searches (opening one costs far more than a
    query) and follows syncs and rebuilds made by other processes.
    """

    def __init__(self, index_dir: Path, *, writer_timeout: float = WRITER_TIMEOUT) -> None:
        self.store = IndexStore(Path(index_dir))
        self.writer_timeout = writer_timeout
        self._lock = threading.RLock()
        self._gen: str | None = None
        self._ix: FileIndex | None = None
        self._searcher: Searcher | None = None
        self._language: QueryLanguage | None = None

    # -- reading ------------------------------------------------------------------------
    def _index(self) -> FileIndex:
        with self._lock:
            name = self.store.current_name()
            if self._ix is None or name != self._gen:
                self._close_searcher()
                self._ix = self.store.open()
                self._gen = self.store.current_name()
            return self._ix

    def searcher(self) -> Searcher:
        """The long-lived searcher, refreshed when the index changed."""
        with self._lock:
            ix = self._index()
            if self._searcher is None:
                self._searcher = ix.searcher()
                self._language = None
            elif not self._searcher.up_to_date():
                # Not Searcher.refresh(): it reuses segment readers with their old deletions.
                self._searcher.close()
                self._searcher = ix.searcher()
                self._language = None
            return self._searcher

    def _query_language(self, searcher: Searcher) -> QueryLanguage:
        if self._language is None:
            present = set(searcher.reader().indexed_field_names())
            self._language = QueryLanguage(searcher.schema, present)
        return self._language

    def _close_searcher(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
        self._searcher, self._language = None, None

    def close(self) -> None:
        with self._lock:
            self._close_searcher()
            if self._ix is not None:
                self._ix.close()
            self._ix, self._gen = None, None

    def __enter__(self) -> SearchIndex:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def doc_count(self) -> int:
        return self.searcher().doc_count()

    # -- searching ----------------------------------------------------------------------
    def search(self, query_text: str, *, limit: int = 10, page: int = 1, source: str | None = None,
               since: date | None = None, until: date | None = None, sort: str = "relevance",
               facets: bool = False, collapse: bool = False) -> SearchResults:
        if sort not in SORTS:
            raise UserError(f"unknown sort {sort!r}; use one of: {', '.join(SORTS)}")
        limit, page = max(1, int(limit)), max(1, int(page))
        with self._lock:
            searcher = self.searcher()
            parsed = self._query_language(searcher).parse(query_text)
            q = parsed.query
            # Filters go inside the query, not `filter=`: matched lazily, never materialized.
            if source and q is not query.NullQuery:
                q = query.And([q, query.Term("source", source.strip().lower())])
            q = fast_phrases(fold_date_ranges(q))
            if (since or until) and q is not query.NullQuery:
                start = to_long(datetime.combine(since, dtime.min)) if since else None
                end = to_long(datetime.combine(until, dtime.max)) if until else None
                q = PublishedBetween(q, start, end)
            # optimize=False: block-quality skipping finds the top 10 sooner but then needs a
            # second full pass for the exact total; one unoptimized pass is faster (measured).
            kwargs: dict[str, Any] = {"optimize": False}
            if sort == "newest":
                kwargs.update(sortedby="published", reverse=True)
            if facets:
                kwargs.update(groupedby={name: sorting.FieldFacet(name) for name in FACETS},
                              maptype=sorting.Count)
            if collapse:
                kwargs.update(collapse="dupkey", collapse_limit=1)
            if q is query.NullQuery:
                return SearchResults([], 0, page, 0, {n: [] for n in FACETS} if facets else {},
                                     None, parsed.notices)
            body_terms = self._positive_terms(q, searcher)
            # Words, ANDs of words and exact phrases, with or without a date range, ranked by
            # relevance: scored a block at a time (search/fastscore.py); everything else
            # (facets, newest first, collapsing, other query shapes) through Whoosh's collector.
            ranked_only = sort == "relevance" and not facets and not collapse
            fast = fast_top(searcher, q, page * limit) if ranked_only else None
            if fast is not None:
                top, total = fast
                hits = [self._make_hit(searcher.stored_fields(docnum), score, body_terms)
                        for score, docnum in top[(page - 1) * limit: page * limit]]
                facet_counts = {}
            else:
                collector = searcher.collector(limit=page * limit, **kwargs)
                _count_every_match(collector)
                searcher.search_with_collector(q, collector)
                results = collector.results()
                total = len(results)  # exact; with collapse, collapsed copies are not counted
                hits = [self._hit(hit, body_terms) for hit in results[(page - 1) * limit: page * limit]]
                facet_counts = self._facet_counts(results) if facets else {}
            pages = max(1, math.ceil(total / limit)) if total else 0
            suggestion = self._did_you_mean(searcher, query_text, parsed.words, total)
            return SearchResults(hits, total, page, pages, facet_counts, suggestion, parsed.notices)

    def _hit(self, hit: Any, body_terms: dict[str, set[str]]) -> Hit:
        stored = hit.fields()
        return self._make_hit(stored, float(hit.score or 0.0), body_terms)

    @staticmethod
    def _make_hit(stored: dict[str, Any], score: float, body_terms: dict[str, set[str]] | None,
                  snippet: str | None = None) -> Hit:
        lang = stored.get("language", "")
        field = "body" + field_suffix(lang)
        if snippet is None:
            terms = set(body_terms.get(field, set())) if body_terms else set()
            snippet = best_fragment(stored_text(stored.get("text")) or stored.get("summary", ""), terms,
                                    normalize_language(lang))
        published = stored.get("published")
        if published is not None and published.tzinfo is None:
            published = published.replace(tzinfo=UTC)
        return Hit(id=int(stored["id"]), url=stored.get("url", ""), title=stored.get("headline", ""),
                   source=stored.get("source", ""), published=published, score=score, snippet=snippet)

    @staticmethod
    def _positive_terms(q: query.Query, searcher: Searcher) -> dict[str, set[str]]:
        """Terms of body fields the query looks for (not under NOT), multi-term queries
        (prefix*, fuzzy~) expanded to the indexed terms they match."""
        terms: dict[str, set[str]] = {}
        reader = searcher.reader()

        def walk(node: query.Query) -> None:
            if isinstance(node, query.Not):
                return
            if isinstance(node, query.AndNot):
                walk(node.a)
                return
            if isinstance(node, (query.Term, query.Phrase, query.MultiTerm)) and \
                    str(getattr(node, "fieldname", "")).startswith("body"):
                bucket = terms.setdefault(node.fieldname, set())
                if isinstance(node, query.Term):
                    bucket.add(node.text)
                elif isinstance(node, query.Phrase):
                    bucket.update(node.words)
                else:
                    for i, word in enumerate(node._btexts(reader)):
                        if i >= 200:
                            break
                        bucket.add(word.decode("utf-8") if isinstance(word, bytes) else word)
                return
            if node.is_leaf():
                return
            for child in node.children():
                walk(child)

        walk(q)
        return terms

    @staticmethod
    def _facet_counts(results: Any) -> dict[str, list[tuple[str, int]]]:
        out: dict[str, list[tuple[str, int]]] = {}
        for name in FACETS:
            groups = results.groups(name)
            items = [(_as_text(k), int(v)) for k, v in groups.items() if _as_text(k)]
            if name == "year":
                items.sort(key=lambda kv: kv[0], reverse=True)
            else:
                items.sort(key=lambda kv: (-kv[1], kv[0]))
            out[name] = items
        return out

    def _did_you_mean(self, searcher: Searcher, text: str, words: list[str], total: int) -> str | None:
        """A corrected query when a typed word is in no document but close to an indexed one."""
        language = self._query_language(searcher)
        suggestion, changed = text, False
        for word in dict.fromkeys(words):
            if self._known(searcher, language, word):
                continue
            best = self._correct(searcher, word)
            if best and best != word.lower():
                suggestion = re.sub(rf"(?<![\w:]){re.escape(word)}(?!\w)", best, suggestion, count=1)
                changed = True
        return suggestion if changed and suggestion.strip() != text.strip() else None

    @staticmethod
    def _known(searcher: Searcher, language: QueryLanguage, word: str) -> bool:
        reader = searcher.reader()
        for field in language.default_fields:
            analyzer = searcher.schema[field].analyzer
            tokens = [t.text for t in analyzer(word, mode="query")]
            if not tokens:
                return True  # a stop word: never "unknown"
            if reader.doc_frequency(field, tokens[0]) > 0:
                return True
        return False

    @staticmethod
    def _correct(searcher: Searcher, word: str) -> str | None:
        low = word.lower()
        candidates: dict[str, tuple[int, int]] = {}  # word -> (distance rank, -frequency)
        reader = searcher.reader()
        for field in ("title", "authors"):
            if field not in reader.indexed_field_names() and f"spell_{field}" not in \
                    reader.indexed_field_names():
                continue
            try:
                corrector = searcher.corrector(field)
            except Exception:  # noqa: BLE001 - a field without a spelling lexicon
                continue
            maxdist = 1 if len(low) <= 4 else 2
            for rank, suggestion in enumerate(corrector.suggest(low, limit=3, maxdist=maxdist)):
                if suggestion not in candidates or candidates[suggestion][0] > rank:
                    candidates[suggestion] = (rank, rank)
        if not candidates:
            return None
        return min(candidates, key=lambda s: (candidates[s][0], s))

    def suggest(self, word: str, limit: int = 5) -> list[str]:
        with self._lock:
            searcher = self.searcher()
            try:
                return list(searcher.corrector("title").suggest(word.lower(), limit=limit, maxdist=2))
            except Exception:  # noqa: BLE001
                return []

    def facets(self, query_text: str = "") -> dict[str, list[tuple[str, int]]]:
        if not query_text.strip():
            with self._lock:
                results = self.searcher().search(query.Every(), limit=1, groupedby={
                    n: sorting.FieldFacet(n) for n in FACETS}, maptype=sorting.Count)
                return self._facet_counts(results)
        return self.search(query_text, limit=1, facets=True).facets

    # -- related articles ---------------------------------------------------------------
    def more_like_this(self, article_id: int, limit: int = 5) -> list[Hit]:
        """Articles about the same thing (title + body key terms), not the article itself nor
        near-duplicates of it."""
        with self._lock:
            searcher = self.searcher()
            docnum = searcher.document_number(id=str(article_id))
            if docnum is None:
                return []
            stored = searcher.stored_fields(docnum)
            field = "body" + field_suffix(stored.get("language", ""))
            text = stored_text(stored.get("text"))
            source_text = f"{stored.get('headline', '')}\n{stored.get('summary', '')}\n{text}"
            results = searcher.more_like(docnum, field, text=source_text, top=limit * 3 + 5,
                                         numterms=25, model=Bo1Model)
            own = _shingles(source_text)
            hits: list[Hit] = []
            for hit in results:
                fields = hit.fields()
                if fields.get("dupkey") == stored.get("dupkey"):
                    continue
                other = f"{fields.get('headline', '')}\n{fields.get('summary', '')}\n" \
                        f"{stored_text(fields.get('text'))}"
                if _jaccard(own, _shingles(other)) >= 0.5:
                    continue
                hits.append(self._make_hit(fields, float(hit.score or 0.0), None))
                if len(hits) >= limit:
                    break
            return hits

    # -- writing ------------------------------------------------------------------------
    def add(self, documents: Iterable[dict[str, Any]]) -> int:
        """Add or replace documents (dicts from search.documents.article_document)."""
        count = 0
        with self.store.sync_lock():
            ix = self._index()
            writer = self.store.writer(ix, timeout=self.writer_timeout)
            try:
                for doc in documents:
                    writer.update_document(**doc)
                    count += 1
            except BaseException:
                writer.cancel()
                raise
            writer.commit()
        return count

    def delete(self, article_ids: Iterable[int]) -> int:
        ids = [str(i) for i in article_ids]
        if not ids:
            return 0
        with self.store.sync_lock():
            ix = self._index()
            writer = self.store.writer(ix, timeout=self.writer_timeout)
            deleted = sum(writer.delete_by_term("id", i) for i in ids)
            writer.commit()
        return deleted

    def sync(self, repo: Repository, *, rebuild: bool = False, progress: bool = False) -> SyncReport:
        """Bring the index in line with the archive: new and changed articles (needs_index),
        articles no longer in the database removed; `rebuild` builds a new index beside the live
        one and swaps it in atomically."""
        started = time.perf_counter()
        report = SyncReport()
        with self.store.sync_lock():
            ix = self._index()
            if rebuild or ix.doc_count_all() == 0:
                self._rebuild(repo, report, progress)
            else:
                self._incremental(repo, ix, report, progress)
                self._delete_orphans(repo, report)
            self.store.remove_old_generations()
        report.total = self._index().doc_count()  # from the table of contents: no reader opened
        report.seconds = time.perf_counter() - started
        return report

    def _incremental(self, repo: Repository, ix: FileIndex, report: SyncReport, progress: bool) -> None:
        with repo.db.session() as s:
            sources = dict(s.execute(select(Source.id, Source.name)).all())
            pending = s.scalar(select(_count()).where(Article.needs_index.is_(True))) or 0
        seen: set[int] = set()
        with _progress(progress, pending, "indexing") as advance:
            while True:
                versions: dict[int, int] = {}
                with repo.db.session() as s:
                    batch = [a for a in repo.articles_needing_index(s, limit=BATCH) if a.id not in seen]
                    if not batch:
                        break
                    searcher = self.searcher()
                    writer = self.store.writer(ix, timeout=self.writer_timeout, notices=report.notices)
                    try:
                        for article in batch:
                            exists = searcher.document_number(id=str(article.id)) is not None
                            if article.source_id not in sources:
                                sources.update(s.execute(select(Source.id, Source.name)).all())
                            writer.update_document(**article_document(article, sources[article.source_id]))
                            versions[article.id] = article.version
                            seen.add(article.id)
                            if exists:
                                report.updated += 1
                            else:
                                report.added += 1
                    except BaseException:
                        writer.cancel()
                        raise
                    writer.commit()  # the default merge policy merges small segments only
                repo.mark_indexed(versions)  # after the commit: a crash in between re-indexes, never loses
                advance(len(versions))

    def _delete_orphans(self, repo: Repository, report: SyncReport) -> None:
        """Remove articles the database no longer has (the archive has no delete events)."""
        searcher = self.searcher()
        with repo.db.session() as s:
            db_count = s.scalar(select(_count())) or 0
            # Every article was just indexed, so equal counts mean nothing was deleted (unless the
            # index was already inconsistent: `check` finds that). Saves reading 100k ids.
            if db_count == searcher.doc_count():
                return
            in_db = set(s.scalars(select(Article.id)))
        indexed = _live_ids(searcher)
        orphans = indexed - in_db
        if orphans:
            report.deleted += self.delete_unlocked(orphans, report)

    def delete_unlocked(self, article_ids: Iterable[int], report: SyncReport | None = None) -> int:
        ix = self._index()
        writer = self.store.writer(ix, timeout=self.writer_timeout,
                                   notices=report.notices if report else None)
        deleted = sum(writer.delete_by_term("id", str(i)) for i in article_ids)
        writer.commit()
        return deleted

    def _rebuild(self, repo: Repository, report: SyncReport, progress: bool) -> None:
        """Every article into a new generation (in parallel processes past a few thousand
        articles, search/rebuild.py), then make it the live index (atomically)."""
        with repo.db.session() as s:
            ids = list(s.scalars(select(Article.id).order_by(Article.id)))
        path = self.store.new_generation()
        ix = self.store.open_path(path)
        writer = self.store.writer(ix, timeout=self.writer_timeout, notices=report.notices, **REBUILD_WRITER)
        try:
            with _progress(progress, len(ids), "rebuilding") as advance:
                versions = rebuild(repo.db, writer, path, ids, rebuild_processes(len(ids)), advance)
        except BaseException:
            if not writer.is_closed:
                writer.cancel()
            raise
        ix.close()
        self.store.publish(path)
        report.added = len(versions)
        for chunk in _chunks(list(versions.items()), 5000):
            repo.mark_indexed(dict(chunk))

    # -- consistency --------------------------------------------------------------------
    def check(self, repo: Repository, fix: bool = False) -> CheckReport:
        """Compare the index with the database; `fix` indexes what is missing or stale and
        removes what the database no longer has."""
        report = CheckReport()
        with self.store.sync_lock():
            searcher = self.searcher()
            indexed = _live_versions(searcher)
            with repo.db.session() as s:
                in_db = dict(s.execute(select(Article.id, Article.version)).all())
            report.missing = sorted(set(in_db) - set(indexed))
            report.orphaned = sorted(set(indexed) - set(in_db))
            report.stale = sorted(i for i in set(in_db) & set(indexed) if in_db[i] != indexed[i])
            if fix and not report.ok:
                self._fix(repo, report)
                report.fixed = True
        return report

    def _fix(self, repo: Repository, report: CheckReport) -> None:
        ix = self._index()
        todo = report.missing + report.stale
        versions: dict[int, int] = {}
        writer = self.store.writer(ix, timeout=self.writer_timeout)
        try:
            for i in report.orphaned:
                writer.delete_by_term("id", str(i))
            with repo.db.session() as s:
                sources = dict(s.execute(select(Source.id, Source.name)).all())
                for chunk in _chunks(todo, 500):
                    for article in s.scalars(select(Article).where(Article.id.in_(chunk))):
                        writer.update_document(**article_document(article, sources[article.source_id]))
                        versions[article.id] = article.version
        except BaseException:
            writer.cancel()
            raise
        writer.commit()
        repo.mark_indexed(versions)


# -- helpers ---------------------------------------------------------------------------------
def _as_text(value: Any) -> str:
    if isinstance(value, bytes):
        return value.decode("utf-8")
    return "" if value is None else str(value)


def _count_every_match(collector: Any) -> None:
    """Stop Whoosh's collector from dropping the rest of a posting list once it cannot reach
    the top N ("replace" with a minimum score): those documents were then missing from the total
    (an AND of two words at 20,000 articles: 706 instead of 717; a new segment: 20 instead of 320)."""
    while collector is not None:
        if isinstance(collector, collectors.ScoredCollector):
            collector.replace = 0
        collector = getattr(collector, "child", None)


def _count() -> Any:
    from sqlalchemy import func

    return func.count(Article.id)


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _live_ids(searcher: Searcher) -> set[int]:
    """Article ids of the documents not deleted (from the id column: no stored fields read)."""
    ids: set[int] = set()
    for reader, _offset in _leaf_readers(searcher):
        column = reader.column_reader("id")
        ids.update(int(_as_text(column[d])) for d in reader.all_doc_ids())
    return ids


def _live_versions(searcher: Searcher) -> dict[int, int]:
    out: dict[int, int] = {}
    for reader, _offset in _leaf_readers(searcher):
        ids, versions = reader.column_reader("id"), reader.column_reader("version")
        for d in reader.all_doc_ids():
            out[int(_as_text(ids[d]))] = int(versions[d])
    return out


def _leaf_readers(searcher: Searcher) -> list[tuple[Any, int]]:
    return searcher.reader().leaf_readers()


def _shingles(text: str, size: int = 3) -> set[tuple[str, ...]]:
    words = _WORD.findall(text.lower())
    return {tuple(words[i:i + size]) for i in range(max(0, len(words) - size + 1))}


def _jaccard(a: set, b: set) -> float:
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def _progress(enabled: bool, total: int, label: str) -> Any:
    if not enabled or total == 0:
        return nullcontext(lambda n: None)
    return _RichProgress(total, label)


class _RichProgress:
    def __init__(self, total: int, label: str) -> None:
        from rich.progress import Progress

        self.progress = Progress(transient=True)
        self.total, self.label = total, label

    def __enter__(self) -> Any:
        self.progress.__enter__()
        task = self.progress.add_task(self.label, total=self.total)
        return lambda n: self.progress.advance(task, n)

    def __exit__(self, *exc: object) -> None:
        self.progress.__exit__(*exc)
