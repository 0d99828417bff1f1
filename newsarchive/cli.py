"""The `newsarchive` command: thin click shells over newsarchive.api."""

from __future__ import annotations

import functools
import json
import os
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import click

from newsarchive import api
from newsarchive.config import Config, load_config
from newsarchive.errors import UserError


def fail(message: str, code: int = 2) -> None:
    click.echo(f"newsarchive: error: {message}", err=True)
    sys.exit(code)


def user_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn every error a user can cause into one line on stderr and a non-zero exit."""
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except UserError as exc:
            fail(str(exc), exc.exit_code)
        except KeyboardInterrupt:
            fail("interrupted; what was archived so far is kept, rerun the command to continue", 130)
        except BrokenPipeError:
            sys.exit(0)
        except OSError as exc:
            where = f" ({exc.filename})" if exc.filename else ""
            fail(f"{exc.strerror or exc}{where}; check the path, its permissions and free disk space", 1)
        except Exception as exc:
            if os.environ.get("NEWSARCHIVE_DEBUG"):
                raise
            from sqlalchemy.exc import SQLAlchemyError
            if isinstance(exc, SQLAlchemyError):
                fail(f"database error: {str(exc).splitlines()[0]}; check [archive] database", 1)
            fail(f"unexpected {type(exc).__name__}: {exc}; rerun with NEWSARCHIVE_DEBUG=1 and "
                 "report the traceback", 1)
    return wrapper


class Context:
    def __init__(self, config_path: str | None) -> None:
        self.config_path = config_path
        self._config: Config | None = None

    @property
    def config(self) -> Config:
        if self._config is None:
            self._config = load_config(self.config_path)
        return self._config


pass_ctx = click.make_pass_decorator(Context)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--config", "config_path", type=click.Path(dir_okay=False), default=None,
              help="Config file (default: $NEWSARCHIVE_CONFIG or ./newsarchive.toml).")
@click.version_option(package_name="newsarchive")
@click.pass_context
def cli(ctx: click.Context, config_path: str | None) -> None:
    """A self-hosted archive of news articles: crawl, keep clean text, search, publish."""
    ctx.obj = Context(config_path)


@cli.command()
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@pass_ctx
@user_errors
def init(ctx: Context, force: bool) -> None:
    """Write a commented starter newsarchive.toml."""
    path = api.init(Path(ctx.config_path) if ctx.config_path else None, force=force)
    click.echo(f"wrote {path}; add a [[sources]] table, then run `newsarchive crawl`")


def _print_summaries(summaries: list[Any]) -> None:
    for summary in summaries:
        click.echo(summary.line())


@cli.command()
@click.argument("sources", nargs=-1)
@click.option("-v", "--verbose", is_flag=True, help="Show Scrapy's log.")
@click.option("--revisit", is_flag=True,
              help="Also fetch every archived article of these sources once more (conditional GET) "
                   "to detect changes.")
@pass_ctx
@user_errors
def crawl(ctx: Context, sources: tuple[str, ...], verbose: bool, revisit: bool) -> None:
    """Crawl all (or the named) sources; articles already archived are not fetched again."""
    summaries = api.crawl(ctx.config, list(sources), progress=sys.stderr.isatty() and not verbose,
                          log_level="INFO" if verbose else "WARNING", revisit=revisit)
    _print_summaries(summaries)


@cli.command()
@click.option("--rebuild", is_flag=True, help="Build a fresh index and swap it in.")
@pass_ctx
@user_errors
def index(ctx: Context, rebuild: bool) -> None:
    """Bring the search index in line with the archive."""
    report = api.index(ctx.config, rebuild=rebuild, progress=sys.stderr.isatty())
    click.echo(f"index: {report.added} added, {report.updated} updated, {report.deleted} deleted, "
               f"{report.total} documents ({report.seconds:.1f} s)")


@cli.command()
@click.option("--out", type=click.Path(file_okay=False), default=None, help="Output folder (default: site_dir).")
@pass_ctx
@user_errors
def build(ctx: Context, out: str | None) -> None:
    """Render the static site."""
    report = api.build(ctx.config, Path(out) if out else None, progress=sys.stderr.isatty())
    out_dir = Path(out) if out else ctx.config.site_dir
    click.echo(f"site: {report.pages_written} files written, {report.pages_unchanged} unchanged, "
               f"{report.pages_deleted} removed in {out_dir} ({report.seconds:.1f} s)")


@cli.command()
@pass_ctx
@user_errors
def run(ctx: Context) -> None:
    """Crawl, index and build: the job a scheduler runs."""
    _print_summaries(api.crawl(ctx.config, None, progress=sys.stderr.isatty()))
    report = api.index(ctx.config)
    click.echo(f"index: {report.added} added, {report.updated} updated, {report.deleted} deleted")
    site = api.build(ctx.config)
    click.echo(f"site: {site.pages_written} files written, {site.pages_unchanged} unchanged "
               f"in {ctx.config.site_dir}")


def terminal_snippet(snippet: str, *, color: bool) -> str:
    """A search snippet (HTML with <mark> around matches) as terminal text."""
    import html
    import re

    on, off = ("\x1b[1m", "\x1b[0m") if color else ("[", "]")
    text = snippet.replace("<mark>", on).replace("</mark>", off)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def _parse_date(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise UserError(f"{name} {value!r} is not a date; use YYYY-MM-DD") from None


@cli.command()
@click.argument("query")
@click.option("--limit", default=10, show_default=True, type=click.IntRange(1, 1000), help="Hits per page.")
@click.option("--page", default=1, show_default=True, type=click.IntRange(1), help="Page of results.")
@click.option("--source", default=None, help="Only this source.")
@click.option("--since", default=None, help="Published on or after YYYY-MM-DD.")
@click.option("--until", default=None, help="Published on or before YYYY-MM-DD.")
@click.option("--sort", type=click.Choice(["relevance", "newest"]), default="relevance", show_default=True)
@click.option("--facets", is_flag=True, help="Show counts by source, year and section.")
@click.option("--collapse", is_flag=True, help="One hit per story cluster (syndicated copies collapsed).")
@click.option("--json", "as_json", is_flag=True, help="Print a JSON array of hits.")
@pass_ctx
@user_errors
def search(ctx: Context, query: str, limit: int, page: int, source: str | None, since: str | None,
           until: str | None, sort: str, facets: bool, collapse: bool, as_json: bool) -> None:
    """Keyword search (query language: docs/search.md)."""
    if source:
        ctx.config.source(source)
    results = api.search(ctx.config, query, limit=limit, page=page, source=source,
                         since=_parse_date(since, "--since"), until=_parse_date(until, "--until"),
                         sort=sort, facets=facets, collapse=collapse)
    for notice in results.notices:
        click.echo(f"note: {notice}", err=True)
    if as_json:
        click.echo(json.dumps([hit.to_json() for hit in results.hits], ensure_ascii=False, indent=2))
        return
    if results.suggestion:
        click.echo(f"did you mean: {results.suggestion}")
    click.echo(f"{results.total} results" + (f" (page {results.page} of {results.pages})" if results.pages > 1 else ""))
    first = (results.page - 1) * limit
    for rank, hit in enumerate(results.hits, start=first + 1):
        day = hit.published.date().isoformat() if hit.published else "undated"
        click.echo(f"{rank:>3}. {day}  [{hit.source}]  {hit.title}")
        click.echo(f"     {hit.url}")
        if hit.snippet:
            click.echo("     " + terminal_snippet(hit.snippet, color=sys.stdout.isatty()))
    if facets and results.facets:
        for name, counts in results.facets.items():
            click.echo(f"{name}: " + ", ".join(f"{k} ({v})" for k, v in counts))


@cli.command()
@click.argument("id_or_url")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_ctx
@user_errors
def show(ctx: Context, id_or_url: str, as_json: bool) -> None:
    """One archived article, by id or URL."""
    article = api.show(ctx.config, id_or_url)
    if as_json:
        click.echo(json.dumps(article, ensure_ascii=False, indent=2))
        return
    click.echo(article["title"])
    byline = ", ".join(article["authors"])
    click.echo(" · ".join(x for x in (article["source"], byline, article["published"] or "undated") if x))
    click.echo(article["url"])
    if len(article.get("revisions", [])) > 1:
        click.echo(f"updated {len(article['revisions']) - 1} times; see `newsarchive diff {article['id']}`")
    click.echo("")
    click.echo(article["text"])


@cli.command()
@click.argument("target")
@click.option("--url", default=None, help="The page's original URL (for a file).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (keys as `show --json`).")
@click.pass_context
@user_errors
def extract(click_ctx: click.Context, target: str, url: str | None, as_json: bool) -> None:
    """Extract one page (file, .gz file or URL) without archiving it."""
    result = api.extract(target, url)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        if not result["ok"]:
            sys.exit(1)
        return
    if not result["ok"]:
        raise UserError(f"no article found in {target}: {result['reason']}")
    click.echo(result["title"])
    meta = [", ".join(result["authors"]), result["published"] or "", result["language"]]
    click.echo(" · ".join(m for m in meta if m))
    click.echo("")
    click.echo(result["text"])


@cli.command()
@click.option("--source", default=None, help="Only this source.")
@pass_ctx
@user_errors
def reextract(ctx: Context, source: str | None) -> None:
    """Re-run extraction on archived articles from their WARC records."""
    checked, changed = api.reextract(ctx.config, source)
    click.echo(f"re-extracted {checked} articles: {changed} changed")
    if changed and ctx.config.index_dir.exists():
        report = api.index(ctx.config)
        click.echo(f"index: {report.updated} updated")


@cli.command()
@click.option("--source", default=None, help="Only this source.")
@click.option("--out", type=click.Path(dir_okay=False), default=None, help="File to write (default: stdout).")
@pass_ctx
@user_errors
def export(ctx: Context, source: str | None, out: str | None) -> None:
    """Every article as JSON Lines."""
    if out:
        target = Path(out)
        tmp = target.with_name(target.name + ".part")
        try:
            with open(tmp, "w", encoding="utf-8") as fh:
                count = api.export(ctx.config, fh, source)
            tmp.replace(target)
        except BaseException:
            tmp.unlink(missing_ok=True)  # never leave half an export behind (full disk, Ctrl-C)
            raise
        click.echo(f"exported {count} articles to {target}", err=True)
    else:
        api.export(ctx.config, sys.stdout, source)


@cli.command("import")
@click.argument("file", type=click.Path(dir_okay=False))
@pass_ctx
@user_errors
def import_(ctx: Context, file: str) -> None:
    """Add the articles of a `newsarchive export` file (existing articles are kept as they are)."""
    report = api.import_file(ctx.config, Path(file))
    click.echo(f"imported {report.articles} articles ({report.revisions} revisions, {report.aliases} aliases, "
               f"{report.sources} new sources); {report.skipped} already archived")


@cli.command()
@click.argument("id_or_url")
@click.argument("revisions", nargs=-1, type=click.IntRange(1))
@click.option("--json", "as_json", is_flag=True, help="Print JSON (the diff as [op, text] chunks).")
@pass_ctx
@user_errors
def diff(ctx: Context, id_or_url: str, revisions: tuple[int, ...], as_json: bool) -> None:
    """Word-level diff of an article's revisions: REV_A REV_B (1 = oldest; default: the last change)."""
    from archive.diff import has_changes, render_text

    if len(revisions) not in (0, 2):
        raise UserError("give two revision numbers (REV_A REV_B), or none for the last change")
    result = api.diff(ctx.config, id_or_url, *(revisions or (None, None)))
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    color = sys.stdout.isatty()
    old, new = result["from"], result["to"]
    click.echo(f"article {result['id']}: revision {old['number']} ({old['fetched_at']}) -> "
               f"revision {new['number']} ({new['fetched_at']}) of {result['revisions']}")
    if has_changes(result["title_chunks"]):
        click.echo("title: " + render_text(result["title_chunks"], color=color))
    click.echo("")
    click.echo(render_text(result["chunks"], color=color) if has_changes(result["chunks"]) else "(text unchanged)")


@cli.command()
@pass_ctx
@user_errors
def upgrade(ctx: Context) -> None:
    """Bring the database schema up to date (SQLite: backed up first). Other commands do it too."""
    click.echo(api.upgrade(ctx.config))


@cli.command()
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--dir", "directory", type=click.Path(file_okay=False), default=None,
              help="Folder to serve (default: site_dir).")
@pass_ctx
@user_errors
def serve(ctx: Context, port: int, directory: str | None) -> None:
    """Serve the built site on 127.0.0.1 for previewing."""
    from newsarchive.serve import serve_folder

    folder = Path(directory) if directory else ctx.config.site_dir
    if not (folder / "index.html").exists():
        raise UserError(f"no site in {folder}; run `newsarchive build` first")
    serve_folder(folder, port)


@cli.command()
@pass_ctx
@user_errors
def check(ctx: Context) -> None:
    """Verify database, WARC records and search index agree; one line per problem, exit 1 if any."""
    result = api.check(ctx.config)
    for problem in result.problems:
        click.echo(problem)
    if not result.ok:
        raise UserError(f"{len(result.problems)} problems found in the archive (listed above)")
    click.echo(result.summary())


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@pass_ctx
@user_errors
def stats(ctx: Context, as_json: bool) -> None:
    """Articles per source, newest article, last crawl."""
    data = api.stats(ctx.config)
    if as_json:
        click.echo(json.dumps(data, indent=2))
        return
    click.echo(f"{data['articles']} articles")
    for row in data["sources"]:
        last = row["last_crawl"]
        crawl_text = (f"last crawl {last['started_at']}: {last['pages_fetched']} pages, "
                      f"{last['new_articles']} new, {last['updated_articles']} updated, "
                      f"{last.get('not_modified', 0)} not modified, {last['errors']} errors"
                      + ("" if last["status"] == "finished" else f" ({last['status']})")) if last else "never crawled"
        click.echo(f"  {row['name']}: {row['articles']} articles, newest {row['newest_published'] or '-'}; "
                   f"{crawl_text}")


@cli.command()
@pass_ctx
@user_errors
def schedule(ctx: Context) -> None:
    """Run in the foreground: crawl each source when due, then index and build; Ctrl-C stops."""
    config = ctx.config
    click.echo(f"scheduling {len(config.sources)} sources (times in UTC); stop with Ctrl-C or SIGTERM",
               err=True)
    api.schedule(config, echo=click.echo)
    click.echo("scheduler stopped", err=True)


def main() -> None:
    cli(prog_name="newsarchive")


if __name__ == "__main__":
    main()
