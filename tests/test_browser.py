"""The built site in a real browser (Debian's chromium driven by Playwright), from file:// and HTTP."""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from publish_fixtures import make_archive

from publish import build_site

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_path() -> str:
    path = shutil.which("chromium")
    if path is None:
        message = "Debian's chromium is not installed (make chromium installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("browser-site")
    db, _repo, _ids = make_archive(base / "archive.sqlite")
    build_site(db, base / "public", site_title="Test archive")
    db.close()
    return base / "public"


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass


@pytest.fixture(scope="module")
def http_root(site: Path) -> Iterator[str]:
    handler = functools.partial(QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    executable = chromium_path()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Watch:
    """Console errors, page errors and every request a page makes."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.blocked: list[str] = []

    def check(self) -> None:
        assert self.errors == [], self.errors
        assert self.blocked == [], f"requests left 127.0.0.1/file: {self.blocked}"
        assert self.requests, "no request was seen at all"


def local(url: str) -> bool:
    return url.startswith(("file://", "http://127.0.0.1:", "data:", "about:"))


@pytest.fixture(params=["file", "http"])
def page(request: pytest.FixtureRequest, browser: Any, site: Path) -> Iterator[tuple[Any, str, Watch]]:
    root = site.as_uri() + "/" if request.param == "file" else request.getfixturevalue("http_root")
    context = browser.new_context()
    watch = Watch()

    def route(route: Any) -> None:
        if local(route.request.url):
            route.continue_()
        else:
            watch.blocked.append(route.request.url)
            route.abort()

    context.route("**/*", route)
    pg = context.new_page()
    pg.on("console", lambda msg: watch.errors.append(msg.text) if msg.type == "error" else None)
    pg.on("pageerror", lambda exc: watch.errors.append(str(exc)))
    pg.on("request", lambda req: watch.requests.append(req.url) if local(req.url)
          else watch.blocked.append(req.url))
    yield pg, root, watch
    context.close()


def results(pg: Any) -> list[str]:
    pg.wait_for_function("document.getElementById('search-status').textContent.length > 0")
    return pg.locator("#search-results li[data-result] h3 a").all_inner_texts()


def test_typed_query_puts_the_expected_article_first(page: tuple[Any, str, Watch]) -> None:
    pg, root, watch = page
    pg.goto(root + "search/index.html")
    pg.locator("#q").press_sequentially("volcano erupt")
    pg.wait_for_selector("#search-results li[data-result]")
    assert results(pg)[0] == "Volcano erupts near the northern harbor"
    assert pg.locator("#search-results li[data-result] mark").count() >= 1
    assert pg.locator("#search-chart svg rect").count() >= 1
    watch.check()


def test_prefix_of_last_word_matches_while_typing(page: tuple[Any, str, Watch]) -> None:
    pg, root, watch = page
    pg.goto(root + "search/index.html")
    pg.locator("#q").press_sequentially("robot")  # "robotics" is only matched as a prefix
    pg.wait_for_selector("#search-results li[data-result]")
    assert results(pg)[0] == "School robotics team wins national title"
    watch.check()


def test_phrase_query_from_the_url(page: tuple[Any, str, Watch]) -> None:
    pg, root, watch = page
    pg.goto(root + 'search/index.html?q="tram line"')
    pg.wait_for_selector("#search-results li[data-result]")
    assert results(pg) == ["City council approves new tram line"]
    assert "1 article matches" in pg.locator("#search-status").inner_text()
    pg.goto(root + 'search/index.html?q="line tram"')
    assert results(pg) == []
    assert "No articles match" in pg.locator("#search-status").inner_text()
    watch.check()


def test_source_date_filters_and_sort(page: tuple[Any, str, Watch]) -> None:
    pg, root, watch = page
    pg.goto(root + "search/index.html?q=river")
    pg.wait_for_selector("#search-results li[data-result]")
    assert sorted(results(pg)) == ["City council approves new tram line", "Storm warning issued for the valley"]
    pg.goto(root + "search/index.html?q=river&source=valley-post")
    pg.wait_for_selector("#search-results li[data-result]")
    assert results(pg) == ["Storm warning issued for the valley"]
    pg.goto(root + "search/index.html?q=river&from=2024-03-02&to=2024-03-31")
    pg.wait_for_selector("#search-results li[data-result]")
    assert results(pg) == ["City council approves new tram line"]
    pg.select_option("#sort", "newest")
    pg.fill("#from", "")
    pg.fill("#to", "")
    pg.locator("#search-form button[type=submit]").click()
    pg.wait_for_function("document.querySelectorAll('#search-results li[data-result]').length == 2")
    assert results(pg) == ["Storm warning issued for the valley", "City council approves new tram line"]
    watch.check()


def test_open_a_result(page: tuple[Any, str, Watch]) -> None:
    pg, root, watch = page
    pg.goto(root + "search/index.html?q=harvest")
    pg.locator("#search-results li[data-result] h3 a").first.click()
    pg.wait_for_load_state()
    assert pg.locator("h1").inner_text() == "Harvest festival draws record crowds"
    assert pg.url.endswith("/index.html")
    watch.check()


def test_browse_home_source_article(page: tuple[Any, str, Watch]) -> None:
    pg, root, watch = page
    pg.goto(root + "index.html")
    assert pg.locator("ol.article-list > li").count() == 5
    pg.get_by_role("link", name="Sources").click()
    pg.get_by_role("link", name="Harbor Times").click()
    assert pg.locator("h1").inner_text() == "Harbor Times"
    pg.get_by_role("link", name="City council approves new tram line").click()
    assert pg.locator("article h1").inner_text() == "City council approves new tram line"
    pg.get_by_role("link", name="Ben Ode").click()
    assert pg.locator("h1").inner_text() == "Ben Ode"
    pg.get_by_role("link", name="By date").click()
    pg.get_by_role("link", name="2024").click()
    pg.get_by_role("link", name="March 2024").click()
    assert pg.locator("ol.article-list > li").count() == 3
    watch.check()


def test_search_page_without_javascript(browser: Any, site: Path) -> None:
    context = browser.new_context(java_script_enabled=False)
    pg = context.new_page()
    pg.goto(site.as_uri() + "/search/index.html?q=volcano")
    assert "needs JavaScript" in pg.locator("main").inner_text()
    assert pg.get_by_role("link", name="source", exact=True).count() == 1  # browsing still offered
    context.close()
