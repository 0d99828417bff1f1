"""Plain Python functions behind every CLI subcommand (the CLI is a thin shell over these)."""

from __future__ import annotations

import gzip
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

from archive.db import Database
from archive.extract import Extraction, extract_article
from archive.repository import Repository, article_to_dict, iso
from archive.warc import read_capture
from newsarchive.config import CONFIG_NAME, Config, starter_config
from newsarchive.errors import NotFoundError, UserError


def init(path: Path | None = None, *, force: bool = False) -> Path:
    """Write a commented starter config; never overwrite an existing one unless `force`."""
    path = path or Path.cwd() / CONFIG_NAME
    if path.exists() and not force:
        raise UserError(f"{path} already exists; edit it, or pass --force to overwrite it")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(starter_config(), encoding="utf-8")
    return path


@contextmanager
def open_archive(config: Config) -> Iterator[Repository]:
    db = Database(config.database_url)
    try:
        yield Repository(db)
    finally:
        db.close()


def crawl(config: Config, names: list[str] | None = None, *, progress: bool = False,
          log_level: str = "WARNING", revisit: bool = False) -> list[Any]:
    """Crawl the named (or all) sources; `revisit` fetches every archived article of them once
    more (conditional GET) to detect changes."""
    from crawler.runner import crawl as run_crawl

    with open_archive(config) as repo:  # create/upgrade the schema once, before any crawler process
        repo.backfill_dedup()  # articles stored before story clusters existed (no-op otherwise)
    extra = {"revisit_all": True} if revisit else {}
    return run_crawl(config, names, progress=progress, log_level=log_level, **extra)


def index(config: Config, *, rebuild: bool = False, progress: bool = False) -> Any:
    from search.index import SearchIndex

    with open_archive(config) as repo:
        search_index = SearchIndex(config.index_dir)
        try:
            return search_index.sync(repo, rebuild=rebuild, progress=progress)
        finally:
            search_index.close()


def build(config: Config, out: Path | None = None, *, progress: bool = False) -> Any:
    from publish import build_site

    out_dir = Path(out) if out else config.site_dir
    with open_archive(config) as repo:
        return build_site(repo.db, out_dir, site_title=config.archive["site_title"],
                          site_url=config.archive["site_url"], index_dir=config.index_dir,
                          user_templates=config.user_templates_dir, progress=progress)


def search(config: Config, query: str, **options: Any) -> Any:
    from search.index import SearchIndex

    if not config.index_dir.exists():
        raise UserError(f"no search index at {config.index_dir}; run `newsarchive index` first")
    search_index = SearchIndex(config.index_dir)
    try:
        return search_index.search(query, **options)
    finally:
        search_index.close()


def show(config: Config, id_or_url: str) -> dict[str, Any]:
    """One article as `show --json` prints it (with its `revisions`)."""
    with open_archive(config) as repo, repo.db.session() as s:
        return article_to_dict(repo.get_article(s, id_or_url), revisions=True)


def export(config: Config, out: IO[str], source: str | None = None) -> int:
    """Write every article as one JSON object per line, losslessly (archive.transfer); returns
    the count."""
    from archive.transfer import export_archive

    if source:
        config.source(source)
    with open_archive(config) as repo:
        return export_archive(repo.db, out, source)


# -- issue 4: import, diff, upgrade ---------------------------------------------------------
def import_file(config: Config, path: Path) -> Any:
    """Add the articles of a `newsarchive export` file; returns an archive.transfer.ImportReport."""
    from archive.transfer import import_archive

    if not Path(path).is_file():
        raise NotFoundError(f"no such file {path}; give a file written by `newsarchive export`")
    with open_archive(config) as repo, open(path, encoding="utf-8") as lines:
        return import_archive(repo.db, lines)


def diff(config: Config, id_or_url: str, rev_a: int | None = None, rev_b: int | None = None) -> dict[str, Any]:
    """Two revisions of an article (1 = oldest; default: the last two) and their word diff
    (`chunks`: [(op, text)] with op in equal/insert/delete)."""
    from archive.diff import word_diff

    with open_archive(config) as repo, repo.db.session() as s:
        article = repo.get_article(s, id_or_url)
        revisions = list(article.revisions)
        count = len(revisions)
        if rev_a is None and rev_b is None:
            if count < 2:
                raise UserError(f"article {article.id} has {count} revision; nothing to compare yet "
                                "(`newsarchive crawl --revisit` fetches archived articles again)")
            rev_a, rev_b = count - 1, count
        if rev_a is None or rev_b is None:
            raise UserError("give two revision numbers (REV_A REV_B), or none for the last change")
        for number in (rev_a, rev_b):
            if not 1 <= number <= count:
                raise UserError(f"article {article.id} has revisions 1 to {count}; {number} is not one")
        old, new = revisions[rev_a - 1], revisions[rev_b - 1]

        def info(number: int, rev: Any) -> dict[str, Any]:
            return {"number": number, "fetched_at": iso(rev.fetched_at), "title": rev.title,
                    "word_count": rev.word_count}
        return {"id": article.id, "url": article.url, "revisions": count,
                "from": info(rev_a, old), "to": info(rev_b, new),
                "title_chunks": word_diff(old.title, new.title), "chunks": word_diff(old.text, new.text)}


def upgrade(config: Config) -> str:
    """Bring the database schema to the newest version (with a backup for SQLite) and fill in
    what new versions derive from stored articles; returns a one-line report."""
    from archive.db import current_revision

    db = Database(config.database_url)
    try:
        message = db.upgrade_message
        backfilled = Repository(db).backfill_dedup()
        revision = current_revision(db.engine)
    finally:
        db.close()
    parts = [message or f"database schema is up to date ({revision})"]
    if backfilled:
        parts.append(f"story clusters computed for {backfilled} articles")
    return "; ".join(parts)


def check(config: Config) -> Any:
    """Consistency of database, WARC files and search index (newsarchive.check.CheckResult)."""
    from newsarchive.check import check_archive

    with open_archive(config) as repo:
        return check_archive(config, repo)


def stats(config: Config) -> dict[str, Any]:
    with open_archive(config) as repo:
        return repo.stats()


def read_page(target: str, *, timeout: float = 30.0, max_bytes: int = 20 * 1024 * 1024) -> tuple[bytes, str | None]:
    """The bytes of a local file (gzip or not) or of a URL, and the URL when one was fetched."""
    if target.startswith(("http://", "https://")):
        request = urllib.request.Request(target, headers={"User-Agent": "newsarchive/0.1"})
        try:
            with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - http(s) only
                return response.read(max_bytes), response.geturl()
        except OSError as exc:
            raise UserError(f"cannot fetch {target} ({exc}); check the URL and your connection") from None
    path = Path(target)
    if not path.is_file():
        raise NotFoundError(f"no such file {target}; give a path to an HTML file or an http(s) URL")
    data = path.read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise UserError(f"{target} looks gzip-compressed but cannot be read ({exc})") from None
    return data, None


def extract(target: str, url: str | None = None, config: Config | None = None,
            source: str | None = None) -> dict[str, Any]:
    """Extract one page without archiving it; keys as `show --json` plus extraction details."""
    body, fetched_url = read_page(target)
    page_url = url or fetched_url
    overrides: dict[str, Any] = {}
    if config is not None and source:
        src = config.source(source)
        overrides = {"body_selector": src.body_selector, "remove_selectors": list(src.remove_selectors)}
    ex = extract_article(body, page_url, **overrides)
    return extraction_to_dict(ex, page_url or "")


def extraction_to_dict(ex: Extraction, url: str) -> dict[str, Any]:
    from archive.repository import iso
    from archive.urls import canonicalize

    canonical = ex.canonical_url or (canonicalize(url) if url else "")
    return {
        "id": None, "url": url, "canonical_url": canonical, "source": None, "title": ex.title,
        "authors": ex.authors, "published": iso(ex.published), "modified": iso(ex.modified),
        "language": ex.language, "tags": ex.tags, "description": ex.description, "text": ex.text,
        "word_count": ex.word_count, "fetched_at": None, "section": ex.section,
        "image_url": ex.image_url, "site_name": ex.site_name, "ok": ex.ok, "reason": ex.reason,
    }


def reextract(config: Config, source: str | None = None) -> tuple[int, int]:
    """Re-run extraction on every archived article from its WARC record: (checked, changed).

    Each source's learned boilerplate is applied to the new text and its statistics are
    refreshed from the new extractions.
    """
    from archive.boilerplate import BoilerplateModel, learn_and_reclean

    if source:
        config.source(source)
    checked = changed = 0
    sources = {s.name: s for s in config.sources}
    with open_archive(config) as repo:
        with repo.db.session() as s:
            rows = [(a.id, a.warc_file, a.warc_offset, a.url, a.source.name, a.source_id)
                    for a in repo.iter_articles(s, source=source)]
        models: dict[int, BoilerplateModel] = {}
        for article_id, warc_file, offset, url, source_name, source_id in rows:
            capture = read_capture(config.warc_dir, (warc_file, offset))
            src = sources.get(source_name)
            ex = extract_article(capture.body, url, encoding=_charset(capture.headers),
                                 body_selector=src.body_selector if src else "",
                                 remove_selectors=list(src.remove_selectors) if src else [])
            checked += 1
            if not ex.ok:
                continue
            model = models.get(source_id)
            if model is None:
                model = models[source_id] = BoilerplateModel.load(repo, source_id)
            if repo.update_extraction(article_id, model.clean(ex)):
                changed += 1
            model.observe(article_id, ex)
        for source_id, model in models.items():
            changed += learn_and_reclean(repo, source_id, model)
    return checked, changed


def _charset(headers: dict[str, str]) -> str | None:
    from archive.extraction.decode import header_charset

    return header_charset(next((v for k, v in headers.items() if k.lower() == "content-type"), None))


def schedule(config: Config, *, echo: Any = print) -> None:
    """Crawl each source when its schedule says so, then index and build; returns on SIGTERM/Ctrl-C."""
    from newsarchive.schedule import ArchiveScheduler

    if not config.sources:
        raise UserError("no sources configured; add a [[sources]] table to "
                        f"{config.path or 'newsarchive.toml'}")
    scheduler = ArchiveScheduler(config, echo=echo)  # checks every schedule before anything runs
    with open_archive(config):  # create/upgrade the schema once, before any crawl
        pass
    scheduler.start()
