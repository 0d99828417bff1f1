"""build_site: render the archive into a static folder, incrementally."""

from __future__ import annotations

import contextlib
import functools
import gc
import hashlib
import marshal
import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, Template

from archive.db import Database
from publish.data import (
    Entry,
    RevisionRow,
    load_bodies,
    load_crawl_runs,
    load_entries,
    load_revisions,
    load_texts,
)
from publish.env import make_environment, templates_fingerprint
from publish.pages import PER_PAGE, Pager, paginate, root_of, safe_url
from publish.related import RelatedFinder
from publish.revisions import cluster_siblings, diff_markup, revision_path
from publish.writer import SiteWriter, input_key
from search.export import ExportReport, SearchDocument, export_search_index

CACHE_DIR = Path(".newsarchive-cache")
BUILD_FORMAT = 5  # bump when the page set or its contexts change shape
FEED_ENTRIES = 50
SITEMAP_LIMIT = 50_000
CRAWL_LOG_RUNS = 200
STATIC_FILES = ("style.css", "stem.js", "search.js")


@dataclass
class BuildReport:
    pages_written: int
    pages_unchanged: int
    pages_deleted: int
    files_total: int
    seconds: float
    search: ExportReport | None = None
    phases: dict[str, float] = field(default_factory=dict)  # seconds per step of the build


@dataclass
class Task:
    rel: str
    key: str
    produce: Callable[[], str | bytes]
    article_id: int | None = None


def _no_page() -> str:  # article pages are rendered in batches, with their bodies (see _build)
    return ""


class SiteBuilder:
    def __init__(self, db: Database, out_dir: Path, *, site_title: str, site_url: str,
                 index_dir: Path | None, user_templates: Path | None) -> None:
        self.db = db
        self.out_dir = Path(out_dir)
        self.site_title = site_title
        self.site_url = site_url.rstrip("/")
        self.index_dir = index_dir
        self.env: Environment = make_environment(user_templates)
        self.global_key = input_key(BUILD_FORMAT, templates_fingerprint(user_templates), site_title, self.site_url)
        self.built_at = datetime.now(UTC).replace(microsecond=0)
        self._templates: dict[str, Template] = {}
        self.siblings: dict[int, list[Entry]] = {}
        self._revisions: tuple[int, list[RevisionRow]] = (-1, [])  # texts of the last article diffed

    # -- rendering ---------------------------------------------------------------------
    def render(self, template: str, rel: str, **context: Any) -> str:
        context.setdefault("root", root_of(rel))
        compiled = self._templates.get(template)
        if compiled is None:
            compiled = self._templates[template] = self.env.get_template(template)
        return compiled.render(site_title=self.site_title, site_url=self.site_url, page_path=rel,
                               built_at=self.built_at, **context)

    def listing_tasks(self, base: str, entries: list[Entry], *, kind: str, heading: str,
                      intro: str = "", children: list[dict[str, Any]] | None = None,
                      feed: str = "") -> Iterator[Task]:
        pagers: list[Pager[Entry]] = paginate(entries, base, PER_PAGE)
        for pager in pagers:
            rel = pager.path
            page_children = children if pager.number == 0 else None
            # Archive pages never show totals, so adding an article leaves them untouched.
            totals = (pager.total_pages, pager.total_items) if pager.number == 0 else None
            key = input_key(kind, heading, intro, page_children, feed, pager.number, pager.newer, pager.older,
                            totals, "".join([e.skey for e in pager.items]))  # skeys have one length

            def produce(pager: Pager[Entry] = pager, rel: str = rel,
                        page_children: list[dict[str, Any]] | None = page_children) -> str:
                return self.render("list.html", rel, kind=kind, heading=heading, intro=intro,
                                   children=page_children, pager=pager, articles=pager.items, feed=feed)
            yield Task(rel, key, produce)

    # -- the whole site ----------------------------------------------------------------
    def plan(self, entries: list[Entry], related: dict[int, list[Entry]]) -> list[Task]:
        tasks: list[Task] = []
        by_id = {e.id: e for e in entries}
        tasks += self.listing_tasks("", entries, kind="home", heading="Latest articles", feed="feed.xml")

        by_source: dict[str, list[Entry]] = defaultdict(list)
        by_author: dict[str, list[Entry]] = defaultdict(list)
        by_tag: dict[str, list[Entry]] = defaultdict(list)
        for e in entries:
            by_source[e.source_slug].append(e)
            for _name, path in e.author_links:
                by_author[path].append(e)
            for _name, path in e.tag_links:
                by_tag[path].append(e)
        for slug, items in sorted(by_source.items()):
            first = items[0]
            tasks += self.listing_tasks(f"sources/{slug}/", items, kind="source", heading=first.source_title,
                                        intro=f"Articles archived from {first.source}.",
                                        feed=f"sources/{slug}/feed.xml")
        directory = [{"label": items[0].source_title, "path": f"sources/{slug}/index.html", "count": len(items),
                      "note": items[0].source} for slug, items in sorted(by_source.items())]
        tasks.append(self.directory_task("sources/index.html", "Sources", directory))

        author_dir = []
        for path, items in sorted(by_author.items()):
            name = next(n for n, p in items[0].author_links if p == path)
            tasks += self.listing_tasks(path[: -len("index.html")], items, kind="author", heading=name)
            author_dir.append({"label": name, "path": path, "count": len(items), "note": ""})
        author_dir.sort(key=lambda d: d["label"].lower())
        tasks.append(self.directory_task("authors/index.html", "Authors", author_dir))

        tag_dir = []
        for path, items in sorted(by_tag.items()):
            name = next(n for n, p in items[0].tag_links if p == path)
            tasks += self.listing_tasks(path[: -len("index.html")], items, kind="tag", heading=name)
            tag_dir.append({"label": name, "path": path, "count": len(items), "note": ""})
        tag_dir.sort(key=lambda d: (-d["count"], d["label"].lower()))
        tasks.append(self.directory_task("tags/index.html", "Tags and sections", tag_dir))

        tasks += self.date_tasks(entries)

        self.siblings = cluster_siblings(entries)
        no_siblings: list[Entry] = []
        for e in entries:
            rel_list = related.get(e.id, no_siblings)
            siblings = self.siblings.get(e.id, no_siblings)
            # skey covers the article's whole row, its revision count and its links (skeys have one length)
            raw = f"article|{e.skey}|{''.join([r.skey for r in rel_list])}|"
            if siblings:
                raw += repr([(s.skey, s.source_title) for s in siblings])
            key = hashlib.sha1(raw.encode("utf-8", "surrogatepass")).hexdigest()
            tasks.append(Task(e.path, key, _no_page, article_id=e.id))
            if e.revision_count > 1:
                tasks += self.revision_tasks(e)

        tasks += self.feed_tasks(entries, by_source)
        tasks += self.misc_tasks(entries, by_id)
        return tasks

    def revision_tasks(self, e: Entry) -> list[Task]:
        """One diff page per revision after the first (revisions are never edited, only added)."""
        tasks = []
        for number in range(2, e.revision_count + 1):
            rel = revision_path(e, number)
            key = input_key("revision", e.skey, number)
            tasks.append(Task(rel, key, lambda e=e, number=number, rel=rel: self.revision_page(e, number, rel)))
        return tasks

    def revision_page(self, e: Entry, number: int, rel: str) -> str:
        if self._revisions[0] != e.id:
            self._revisions = (e.id, load_revisions(self.db, [e.id], with_text=True).get(e.id, []))
        revisions = self._revisions[1]
        if number > len(revisions):  # deleted while building: render what is left
            return self.render("revision.html", rel, article=e, revision=None, previous=None,
                               revisions=[], diff_html="", article_path=e.path)
        revision, previous = revisions[number - 1], revisions[number - 2]
        return self.render("revision.html", rel, article=e, revision=revision, previous=previous,
                           revisions=[self._with_path(e, r) for r in revisions],
                           diff_html=diff_markup(previous.text, revision.text), article_path=e.path)

    @staticmethod
    def _with_path(e: Entry, r: RevisionRow) -> dict[str, Any]:
        return {"number": r.number, "fetched_at": r.fetched_at, "title": r.title, "word_count": r.word_count,
                "path": revision_path(e, r.number) if r.number > 1 else e.path}

    def directory_task(self, rel: str, heading: str, items: list[dict[str, Any]]) -> Task:
        key = input_key("directory", heading, items)
        return Task(rel, key, lambda: self.render("directory.html", rel, heading=heading, items=items))

    def date_tasks(self, entries: list[Entry]) -> list[Task]:
        tasks: list[Task] = []
        years: dict[str, list[Entry]] = defaultdict(list)
        months: dict[str, list[Entry]] = defaultdict(list)
        days: dict[str, list[Entry]] = defaultdict(list)
        labels: dict[Any, str] = {}
        for e in entries:
            d = e.date.date()  # UTC
            day = labels.get(d)
            if day is None:
                day = labels[d] = d.strftime("%Y/%m/%d")
            years[day[:4]].append(e)
            months[day[:7]].append(e)
            days[day].append(e)
        overview = [{"label": y, "path": f"{y}/index.html", "count": len(items), "note": ""}
                    for y, items in sorted(years.items(), reverse=True)]
        tasks.append(self.directory_task("archive/index.html", "Archive by date", overview))
        months_of: dict[str, list[str]] = defaultdict(list)
        for m in sorted(months, reverse=True):
            months_of[m[:4]].append(m)
        days_of: dict[str, list[str]] = defaultdict(list)
        for d in sorted(days, reverse=True):
            days_of[d[:7]].append(d)
        for y in years:
            children = [{"label": _month_label(m), "path": f"{m}/index.html", "count": len(months[m]), "note": ""}
                        for m in months_of[y]]
            tasks.append(self.directory_task(f"{y}/index.html", f"Articles of {y}", children))
        for m, items in months.items():
            children = [{"label": _day_label(d), "path": f"{d}/index.html", "count": len(days[d])}
                        for d in days_of[m]]
            label = _month_label(m)
            tasks += self.listing_tasks(f"{m}/", items, kind="month", heading=label, children=children)
        for d, items in days.items():
            label = _day_label(d)
            tasks += self.listing_tasks(f"{d}/", items, kind="day", heading=label)
        return tasks

    def feed_tasks(self, entries: list[Entry], by_source: dict[str, list[Entry]]) -> list[Task]:
        tasks = []
        feeds = [("feed.xml", self.site_title, entries)] + [
            (f"sources/{slug}/feed.xml", f"{items[0].source_title} — {self.site_title}", items)
            for slug, items in sorted(by_source.items())]
        for rel, title, items in feeds:
            newest = items[:FEED_ENTRIES]
            key = input_key("feed", title, [e.skey for e in newest])

            def produce(rel: str = rel, title: str = title, newest: list[Entry] = newest) -> str:
                updated = max((e.modified or e.fetched_at for e in newest), default=self.built_at)
                return self.render("atom.xml", rel, feed_title=title, entries=newest, updated=updated,
                                   feed_path=rel)
            tasks.append(Task(rel, key, produce))
        return tasks

    @staticmethod
    def sitemap_urls(entries: list[Entry]) -> list[tuple[str, datetime | None]]:
        urls: list[tuple[str, datetime | None]] = [
            ("index.html", None), ("sources/index.html", None), ("archive/index.html", None)]
        for e in entries:
            urls.append((e.path, e.modified or e.fetched_at))
            # Diff pages list every revision, so each changes when a newer one is fetched.
            if e.revision_count > 1:
                urls += [(revision_path(e, n), e.revised_at) for n in range(2, e.revision_count + 1)]
        return urls

    def misc_tasks(self, entries: list[Entry], by_id: dict[int, Entry]) -> list[Task]:
        tasks = []
        n_urls = 3 + sum(max(1, e.revision_count) for e in entries)
        if n_urls <= SITEMAP_LIMIT:  # one sitemap: its list of URLs is only made when it is rendered
            key = input_key("sitemap", "".join([e.skey for e in entries]))  # skeys cover paths and dates
            tasks.append(Task("sitemap.xml", key, lambda: self.render("sitemap.xml", "sitemap.xml",
                                                                      urls=self.sitemap_urls(entries))))
        else:
            urls = self.sitemap_urls(entries)
            chunks = [urls[i:i + SITEMAP_LIMIT] for i in range(0, len(urls), SITEMAP_LIMIT)]
            names = []
            for i, chunk in enumerate(chunks, 1):
                rel = f"sitemap-{i}.xml"
                names.append(rel)
                tasks.append(Task(rel, input_key("sitemap", chunk),
                                  lambda rel=rel, chunk=chunk: self.render("sitemap.xml", rel, urls=chunk)))
            tasks.append(Task("sitemap.xml", input_key("sitemap-index", names),
                              lambda: self.render("sitemap_index.xml", "sitemap.xml", sitemaps=names)))
        tasks.append(Task("robots.txt", input_key("robots"), lambda: self.render("robots.txt", "robots.txt")))
        # 404.html is served for any missing path, at any depth: its links cannot be relative.
        not_found_root = self.site_url + "/" if self.site_url else "/"
        tasks.append(Task("404.html", input_key("404", not_found_root),
                          lambda: self.render("404.html", "404.html", root=not_found_root)))
        runs = load_crawl_runs(self.db, CRAWL_LOG_RUNS)
        tasks.append(Task("crawl/index.html", input_key("crawl-log", [list(vars(r).values()) for r in runs]),
                          lambda: self.render("crawl.html", "crawl/index.html", runs=runs)))
        sources = sorted({(e.source, e.source_title) for e in entries})
        tasks.append(Task("search/index.html", input_key("search", sources),
                          lambda: self.render("search.html", "search/index.html", sources=sources)))
        return tasks

    def article_page(self, e: Entry, html: str, text: str, related: list[Entry],
                     revisions: list[RevisionRow] | None = None) -> str:
        revs = [self._with_path(e, r) for r in revisions or []] if e.revision_count > 1 else []
        return self.render("article.html", e.path, article=e, body_html=html, body_text=text, related=related,
                           revisions=revs, updates=max(0, len(revs) - 1),
                           siblings=self.siblings.get(e.id, []),
                           original_url=safe_url(e.url) or safe_url(e.canonical_url),
                           canonical_url=safe_url(e.canonical_url), image_url=safe_url(e.image_url))

    def static_files(self, writer: SiteWriter) -> None:
        for name in STATIC_FILES:
            template = self.env.loader.get_source(self.env, f"static/{name}")[0]  # type: ignore[union-attr]
            writer.write(f"static/{name}", template)


def build_site(db: Database, out_dir: Path, *, site_title: str = "News archive", site_url: str = "",
               index_dir: Path | None = None, user_templates: Path | None = None,
               progress: bool = False) -> BuildReport:
    """Render the archive into `out_dir`; only changed files are written, stale ones removed."""
    started = time.perf_counter()
    with _long_lived_objects() as settled:
        return _build(db, Path(out_dir), site_title=site_title, site_url=site_url, index_dir=index_dir,
                      user_templates=user_templates, progress=progress, started=started, settled=settled)


def _build(db: Database, out_dir: Path, *, site_title: str, site_url: str, index_dir: Path | None,
           user_templates: Path | None, progress: bool, started: float,
           settled: Callable[[], None]) -> BuildReport:
    phases: dict[str, float] = {}
    clock = [started]

    def lap(name: str) -> None:
        now = time.perf_counter()
        phases[name] = round(now - clock[0], 3)
        clock[0] = now

    builder = SiteBuilder(db, Path(out_dir), site_title=site_title, site_url=site_url, index_dir=index_dir,
                          user_templates=user_templates)
    writer = SiteWriter.open(Path(out_dir), builder.global_key)
    lap("open")
    state = _load_search_state(Path(out_dir))  # with the entry cache of the previous build
    entry_cache = state.pop(ENTRY_CACHE_KEY, None)
    if not isinstance(entry_cache, dict) or writer.is_full_build:
        entry_cache = {}
    entries = load_entries(db, entry_cache)
    by_id = {e.id: e for e in entries}
    lap("entries")
    finder = RelatedFinder(index_dir, writer.extra.get("related", {}))
    if finder.index is None and not finder.cache:  # no index, nothing remembered: no related lists
        related: dict[int, list[Entry]] = {}
    else:
        related = {e.id: [by_id[r] for r in finder.related(e.id, e.version) if r in by_id and r != e.id]
                   for e in entries}
    writer.extra["related"] = finder.cache_for(by_id)
    finder.close()
    lap("related")

    tasks = builder.plan(entries, related)
    settled()
    lap("plan")
    show_progress = progress and writer.is_full_build
    with _progress(show_progress, len(tasks) + len(entries)) as advance:
        pending_articles: list[Task] = []
        for task in tasks:
            if writer.up_to_date(task.rel, task.key):
                advance(1)
            elif task.article_id is not None:
                pending_articles.append(task)
            else:
                writer.write(task.rel, task.produce(), task.key)
                advance(1)
        lap("pages")
        for start in range(0, len(pending_articles), 200):
            batch = pending_articles[start:start + 200]
            bodies = load_bodies(db, [t.article_id for t in batch if t.article_id is not None])
            revised = load_revisions(db, [t.article_id for t in batch
                                          if t.article_id is not None and by_id[t.article_id].revision_count > 1])
            for task in batch:
                assert task.article_id is not None
                e = by_id[task.article_id]
                html, text = bodies.get(e.id, ("", ""))
                writer.write(task.rel, builder.article_page(e, html, text, related.get(e.id, []), revised.get(e.id)),
                             task.key)
                advance(1)
        builder.static_files(writer)
        lap("articles")
        search_report = export_search_index(_search_documents(entries), writer, prefix="search/",
                                            sources=[(e.source, e.source_title) for e in entries],
                                            progress=advance, state=state,
                                            load_texts=lambda ids: load_texts(db, ids))
        state[ENTRY_CACHE_KEY] = entry_cache
        _save_cache(Path(out_dir), SEARCH_STATE, state)
        lap("search")
    writer.finish()
    lap("finish")
    files_total = len(writer.new_files) + 1  # and the manifest
    return BuildReport(pages_written=writer.written, pages_unchanged=writer.unchanged,
                       pages_deleted=writer.deleted, files_total=files_total,
                       seconds=round(time.perf_counter() - started, 3), search=search_report, phases=phases)


def _month_label(month: str) -> str:
    """"2024/03" -> "March 2024"."""
    return datetime(int(month[:4]), int(month[5:7]), 1).strftime("%B %Y")


@functools.lru_cache(maxsize=100_000)
def _day_label(day: str) -> str:
    """"2024/03/01" -> "Friday 01 March 2024"."""
    return datetime(int(day[:4]), int(day[5:7]), int(day[8:10])).strftime("%A %d %B %Y")


# The search export's state, and (under ENTRY_CACHE_KEY) the article rows of the previous build.
SEARCH_STATE = CACHE_DIR / "search-state.marshal"
ENTRY_CACHE_KEY = "publish-entries"


def _load_search_state(out_dir: Path) -> dict[str, Any]:
    """The search export's state of the previous build."""
    (out_dir / CACHE_DIR / "search-docs.marshal").unlink(missing_ok=True)  # the cache of build format 3
    return _load_cache(out_dir, SEARCH_STATE)


def _load_cache(out_dir: Path, rel: Path) -> dict[str, Any]:
    """Plain data kept by the previous build (marshal: nothing executes when it is read)."""
    try:
        data = marshal.loads((out_dir / rel).read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    return data if isinstance(data, dict) else {}


def _save_cache(out_dir: Path, rel: Path, data: dict[str, Any]) -> None:
    path = out_dir / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(marshal.dumps(data))
    os.replace(tmp, path)


class _SearchView:
    """An article as the search export sees it (a SearchDocument without its text). The export
    reads the id, date, source and identity of every document, the rest only for the documents it
    analyzes, so those are looked up when asked for."""

    __slots__ = ("_e", "date", "id", "ident", "source")
    text = ""

    def __init__(self, e: Entry) -> None:
        self._e, self.id, self.date, self.source = e, e.id, e.date, e.source
        self.ident = f"{e.skey}:{e.version}:{e.content_hash}"  # skey covers the other fields

    title = property(lambda self: self._e.display_title)
    path = property(lambda self: self._e.path)
    description = property(lambda self: self._e.description)
    authors = property(lambda self: self._e.authors)
    tags = property(lambda self: [name for name, _ in self._e.tag_links])
    key = property(lambda self: f"{self._e.version}:{self._e.content_hash}")


def _search_documents(entries: list[Entry]) -> list[SearchDocument]:
    """The index's view of every article, without text (read by the export only when needed)."""
    return [_SearchView(e) for e in entries]  # type: ignore[misc]  # quacks like a SearchDocument


@contextlib.contextmanager
def _long_lived_objects() -> Iterator[Callable[[], None]]:
    """Keep the cyclic garbage collector from rescanning the build's long-lived data.

    Loading and planning allocate tens of thousands of objects that live for the whole build
    (entries, their caches, one task per page, the manifest); each automatic full collection
    would walk all of them again (a third of an incremental build's time at 10,000 articles).
    The collector is paused while they are made (they form no garbage cycles) and, once the
    caller says they are settled, they are frozen out of its sight (gc.freeze) and it runs again
    for everything made afterwards (rendering). Nothing is changed for a process that froze
    objects of its own.
    """
    enabled = gc.isenabled()
    own_freeze = gc.get_freeze_count() == 0
    gc.disable()

    def settled() -> None:
        if own_freeze:
            gc.freeze()
        if enabled:
            gc.enable()

    try:
        yield settled
    finally:
        if enabled:
            gc.enable()
        if own_freeze:
            gc.unfreeze()


@contextlib.contextmanager
def _progress(enabled: bool, total: int) -> Iterator[Callable[[int], None]]:
    if not enabled:
        yield lambda _n: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    with Progress(TextColumn("building site"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                  transient=True) as bar:
        task = bar.add_task("build", total=total)
        yield lambda n: bar.advance(task, n)
