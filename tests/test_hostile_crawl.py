"""Crawl the hostile site (tests/sites/hostile.py), then index and build: the crawl ends in
bounded time and memory, counts every failure by kind, archives every good article, and the
built site carries none of the pages' script."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from hostile_checks import descendants, peak_rss_mb, scan_site
from sites.hostile import ACCENTED, CASES, CHARSET_PATHS, GOOD, XSS_PATHS, HostileSite
from sqlalchemy import select

from archive.models import Article, CrawlRun, Page
from newsarchive import api
from newsarchive.config import load_config

CRAWL_BOUND_S = 180  # the test config's limits make it ~30 s; this only catches a crawl that never ends
MEMORY_BOUND_MB = 700  # a 50 MB body or a 256 MB gzip bomb read whole would pass this in one process


@dataclass
class HostileRun:
    site: HostileSite
    config: Any
    summary: Any
    seconds: float
    peak_mb: float
    articles: dict[str, Any] = field(default_factory=dict)  # path -> Article
    pages: dict[str, str] = field(default_factory=dict)  # path -> reason (no article)
    site_dir: Path | None = None


def crawl_with_bounds(config: Any) -> tuple[list[Any], float, float]:
    """api.crawl in a thread, sampling the peak memory of every process it starts."""
    import os

    result: dict[str, Any] = {}

    def run() -> None:
        try:
            result["summaries"] = api.crawl(config)
        except BaseException as exc:  # noqa: BLE001 - re-raised in the test
            result["error"] = exc

    started = time.monotonic()
    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    peaks: dict[int, float] = {}
    while thread.is_alive() and time.monotonic() - started < CRAWL_BOUND_S:
        for pid in descendants(os.getpid()):
            peaks[pid] = max(peaks.get(pid, 0.0), peak_rss_mb(pid))
        thread.join(0.25)
    seconds = time.monotonic() - started
    assert not thread.is_alive(), f"the crawl of the hostile site did not end within {CRAWL_BOUND_S} s"
    if "error" in result:
        raise result["error"]
    return result["summaries"], seconds, max(peaks.values(), default=0.0)


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HostileRun]:
    folder = tmp_path_factory.mktemp("hostile")
    # 10,000 links here; the 100,000-link page has its own (slow) test below.
    with HostileSite(link_count=10_000) as site:
        (folder / "newsarchive.toml").write_text(site.config_text(), encoding="utf-8")
        config = load_config(folder / "newsarchive.toml")
        [summary], seconds, peak = crawl_with_bounds(config)
        run = HostileRun(site, config, summary, seconds, peak)
        with api.open_archive(config) as repo, repo.db.session() as s:
            for article in s.scalars(select(Article)):
                run.articles[article.url.split(site.base_url, 1)[-1]] = article
                s.expunge(article)
            for page in s.scalars(select(Page)):
                run.pages[page.url.split(site.base_url, 1)[-1]] = page.reason
        yield run


def test_crawl_ends_within_bounds(hostile_run: HostileRun) -> None:
    assert hostile_run.summary.finish_reason in ("", "finished")
    assert hostile_run.seconds < CRAWL_BOUND_S
    assert 0 < hostile_run.peak_mb < MEMORY_BOUND_MB, hostile_run.peak_mb


def test_every_failure_is_counted_by_kind(hostile_run: HostileRun) -> None:
    summary = hostile_run.summary
    kinds = summary.errors_by_kind
    assert summary.errors == sum(kinds.values())

    def has(*words: str) -> bool:
        return any(any(w in kind for w in words) for kind in kinds)

    assert kinds.get("http_429") and kinds.get("http_500")
    assert has("timeout"), kinds  # slowloris
    assert has("cancel", "size"), kinds  # 50 MB bodies, endless chunked response
    assert has("data_loss", "response_failed", "reset", "connection_lost"), kinds  # reset mid-body
    assert has("ignore", "redirect"), kinds  # redirect loop, 30-hop chain, gzip bomb
    assert not has("value_error"), kinds  # a meta refresh to javascript: no longer loses the page
    line = summary.line()
    for kind, count in kinds.items():
        assert f"{kind} {count}" in line
    with api.open_archive(hostile_run.config) as repo, repo.db.session() as s:
        run = s.scalars(select(CrawlRun).order_by(CrawlRun.id.desc())).first()
        assert run is not None and run.errors == summary.errors and run.errors_by_kind == kinds


def test_good_articles_are_all_archived(hostile_run: HostileRun) -> None:
    for path in GOOD:
        article = hostile_run.articles.get(path)
        assert article is not None, f"{path} was not archived"
        assert article.title == hostile_run.site.good_title(path)
        assert article.word_count > 150
    assert hostile_run.summary.new_articles == len(hostile_run.articles)


def test_articles_carrying_script_are_archived(hostile_run: HostileRun) -> None:
    for path in XSS_PATHS:
        assert path in hostile_run.articles, f"{path}: {hostile_run.pages.get(path, 'not fetched')}"


@pytest.mark.parametrize("path", CHARSET_PATHS)
def test_charsets_decode_correctly(hostile_run: HostileRun, path: str) -> None:
    article = hostile_run.articles.get(path)
    assert article is not None, f"{path}: {hostile_run.pages.get(path, 'not fetched')}"
    assert ACCENTED in article.text


def test_junk_is_not_archived(hostile_run: HostileRun) -> None:
    for path in ("/a/binary", "/a/empty"):
        assert path not in hostile_run.articles
        assert path in hostile_run.pages, f"{path} is not recorded as a page without article"
    assert "binary" in hostile_run.pages["/a/binary"]
    for path in ("/a/huge", "/a/huge-nolength", "/a/gzip-bomb", "/a/endless", "/a/slowloris", "/a/reset",
                 "/a/429", "/a/500", "/a/loop-a", "/a/chain/0", "/a/chain/30"):
        assert path not in hostile_run.articles


def test_huge_feeds_and_link_lists_are_capped(hostile_run: HostileRun) -> None:
    hits = hostile_run.site.hits
    max_pages = hostile_run.config.crawl["max_pages"]
    capped = [h for h in hits if h.startswith(("/a/f/", "/a/l/"))]
    article_requests = [h for h in hits if h.startswith("/a/")]
    assert "/feed-100k.xml" in hits and "/links" in hits
    assert len(capped) < max_pages
    assert len({h.split("?")[0] for h in article_requests}) <= max_pages + 40  # + redirect hops


def test_self_referencing_sitemap_index_is_bounded(hostile_run: HostileRun) -> None:
    fetches = sum(1 for h in hostile_run.site.hits if h.startswith("/sitemap-index.xml"))
    # It lists itself and a ?again=1 variant of itself: each fetched once per run, not once per depth.
    assert fetches == 2


def test_entities_are_never_expanded_nor_fetched(hostile_run: HostileRun) -> None:
    assert not [h for h in hostile_run.site.canary.hits if "xxe" in h]
    for article in hostile_run.articles.values():
        assert "root:x:0:0" not in article.text and "lollol" not in article.text + article.title


def test_redirects_never_reach_another_port(hostile_run: HostileRun) -> None:
    assert hostile_run.site.canary.hits == []
    assert "/a/stolen" not in hostile_run.articles


def test_story_with_a_javascript_refresh_is_archived(hostile_run: HostileRun) -> None:
    assert "/a/meta-refresh-javascript" in hostile_run.articles
    assert "/a/meta-refresh-now" in hostile_run.articles


def test_redirect_to_another_domain_is_not_followed(hostile_run: HostileRun) -> None:
    assert not any(a.url.startswith("http://localhost") for a in hostile_run.articles.values())


def test_title_of_one_megabyte_is_handled(hostile_run: HostileRun) -> None:
    article = hostile_run.articles.get("/a/big-title")
    if article is not None:  # archived: its title must not have made anything explode
        assert article.word_count > 100


# -- the built site ------------------------------------------------------------------------
@pytest.fixture(scope="module")
def built_site(hostile_run: HostileRun) -> Path:
    api.index(hostile_run.config)
    api.build(hostile_run.config)
    return hostile_run.config.site_dir


def test_built_site_has_no_executable_content(built_site: Path, hostile_run: HostileRun) -> None:
    problems, counts = scan_site(built_site)
    assert counts["html"] >= len(hostile_run.articles) and counts["search_js"] > 0
    assert problems == []


def test_hostile_text_is_shown_as_text(built_site: Path, hostile_run: HostileRun) -> None:
    import lxml.html

    article = hostile_run.articles["/a/xss-fields"]
    page = next((built_site / "articles").glob(f"{article.id}-*")) / "index.html"
    doc = lxml.html.parse(str(page)).getroot()
    assert "<script>alert('field')</script>" in doc.findtext(".//title")
    for path in XSS_PATHS:
        article = hostile_run.articles[path]
        page = next((built_site / "articles").glob(f"{article.id}-*")) / "index.html"
        body = lxml.html.parse(str(page)).getroot().text_content()
        assert article.text.split("\n")[0][:60] in body  # the story itself survives the sanitizing


def test_archive_is_consistent_after_the_hostile_crawl(built_site: Path, hostile_run: HostileRun) -> None:
    result = api.check(hostile_run.config)
    assert result.problems == []
    assert result.articles == len(hostile_run.articles) and result.indexed == len(hostile_run.articles)


def test_every_case_was_tried(hostile_run: HostileRun) -> None:
    tried = {h.split("?")[0] for h in hostile_run.site.hits}
    assert [c.name for c in CASES if c.path.split("?")[0] not in tried] == []


@pytest.mark.slow
def test_a_hundred_thousand_links_are_bounded(tmp_path: Path) -> None:
    """Only the first MAX_LINKS_PER_PAGE links are read (LinkExtractor needs ~7 s per 100,000 links,
    blocking the event loop); the crawl ends and requests at most max_pages articles."""
    with HostileSite(link_count=100_000) as site:
        (tmp_path / "newsarchive.toml").write_text(site.config_text(start=["/links"]), encoding="utf-8")
        config = load_config(tmp_path / "newsarchive.toml")
        [summary], seconds, peak = crawl_with_bounds(config)
        fetched = [h for h in site.hits if h.startswith("/a/l/")]
    assert summary.finish_reason in ("", "finished")
    assert 0 < len(fetched) <= config.crawl["max_pages"]
    assert peak < MEMORY_BOUND_MB


def test_record_outcomes(hostile_run: HostileRun, tmp_path: Path) -> None:
    """What happened to each case, as JSON for scripts/reliability_report.py (which sets
    NEWSARCHIVE_RELIABILITY_OUT); in a plain run the record goes to a temporary folder."""
    import json
    import os

    out = os.environ.get("NEWSARCHIVE_RELIABILITY_OUT") or str(tmp_path)
    hits = [h.split("?")[0] for h in hostile_run.site.hits]
    cases = []
    for case in CASES:
        cases.append({"name": case.name, "path": case.path, "what": case.what, "expect": case.expect,
                      "requests": hits.count(case.path),
                      "archived": case.path in hostile_run.articles,
                      "no_article": hostile_run.pages.get(case.path, "")})
    summary = hostile_run.summary
    data = {"cases": cases, "seconds": round(hostile_run.seconds, 1), "peak_mb": round(hostile_run.peak_mb),
            "errors_by_kind": summary.errors_by_kind, "new_articles": summary.new_articles,
            "good": len(GOOD), "good_archived": sum(p in hostile_run.articles for p in GOOD),
            "canary_hits": list(hostile_run.site.canary.hits)}
    (Path(out) / "hostile.json").write_text(json.dumps(data, indent=1), encoding="utf-8")
    record = json.loads((Path(out) / "hostile.json").read_text(encoding="utf-8"))
    assert len(record["cases"]) == len(CASES) and record["good_archived"] == record["good"]
