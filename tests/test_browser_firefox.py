"""The built site in Firefox (Debian's firefox-esr over WebDriver BiDi), from file:// and HTTP.

The same journeys as tests/test_browser.py (Chromium), with real key presses: the search page
must work in both engines, from a static server and from disk.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from bidi import Firefox
from conftest import unavailable
from test_browser import http_root, local, site  # noqa: F401 - fixtures shared with the Chromium tests

pytestmark = pytest.mark.browser

RESULT_TITLES = "[...document.querySelectorAll('#search-results li[data-result] h3 a')].map(a => a.textContent)"
STATUS = "document.getElementById('search-status').textContent"


@pytest.fixture(scope="module")
def firefox() -> Iterator[Firefox]:
    executable = shutil.which("firefox-esr") or shutil.which("firefox")
    if executable is None:
        unavailable("Debian's firefox-esr (make firefox installs it)")
    browser = Firefox(executable)
    yield browser
    browser.close()


class Tab:
    """One tab of the shared browser, with the events it caused."""

    def __init__(self, browser: Firefox, root: str) -> None:
        self.browser = browser
        self.root = root
        self.first_event = len(browser.events)
        self.context = browser.new_tab()

    def go(self, rel: str) -> None:
        self.browser.navigate(self.context, self.root + rel)

    def js(self, expression: str) -> object:
        return self.browser.evaluate(self.context, expression)

    def wait(self, expression: str) -> object:
        return self.browser.wait_for(self.context, expression)

    def results(self) -> list[str]:
        self.wait(f"{STATUS}.length > 0")
        return list(self.js(RESULT_TITLES))  # type: ignore[call-overload]

    def click_link(self, text: str) -> None:
        """Click the first link whose text is `text`, and wait for the next page."""
        before = self.js("location.href")
        found = self.js(f"(() => {{ const a = [...document.querySelectorAll('a')]"
                        f".find(a => a.textContent.trim() === {json.dumps(text)}); if (a) a.click(); return !!a; }})()")
        assert found, f"no link {text!r} on {before}"
        # and the new page's heading is there: under load, Firefox reported 'complete' for a
        # file:// page whose body was not parsed yet (a CI run saw querySelector('h1') null)
        self.wait(f"location.href !== {json.dumps(before)} && document.readyState === 'complete' "
                  "&& document.querySelector('h1') !== null")

    def check(self) -> None:
        events = self.browser.events[self.first_event:]
        errors = [e["params"].get("text", "") for e in events
                  if e["method"] == "log.entryAdded" and e["params"].get("level") == "error"]
        assert errors == [], errors
        requests = [e["params"]["request"]["url"] for e in events if e["method"] == "network.beforeRequestSent"]
        # Firefox sends no network events for file:// loads: what the current page's elements
        # loaded (scripts, styles, index pieces) is recorded by the browser's preload script.
        requests += list(self.js("window.__loads || []"))  # type: ignore[call-overload]
        assert requests, "no request was seen at all"
        assert [u for u in requests if not local(u)] == [], "requests left 127.0.0.1/file"

    def close(self) -> None:
        self.browser.close_tab(self.context)


@pytest.fixture(params=["file", "http"])
def tab(request: pytest.FixtureRequest, firefox: Firefox, site: Path) -> Iterator[Tab]:  # noqa: F811
    root = site.as_uri() + "/" if request.param == "file" else request.getfixturevalue("http_root")
    opened = Tab(firefox, root)
    yield opened
    opened.close()


def test_typed_query_puts_the_expected_article_first(tab: Tab) -> None:
    tab.go("search/index.html")
    tab.js("document.getElementById('q').focus()")
    tab.browser.type_text(tab.context, "volcano erupt")
    tab.wait("document.querySelectorAll('#search-results li[data-result]').length > 0")
    assert tab.results()[0] == "Volcano erupts near the northern harbor"
    assert tab.js("document.querySelectorAll('#search-results li[data-result] mark').length") >= 1
    assert tab.js("document.querySelectorAll('#search-chart svg rect').length") >= 1
    tab.check()


def test_phrase_query_from_the_url(tab: Tab) -> None:
    tab.go("search/index.html?q=" + quote('"tram line"'))
    tab.wait("document.querySelectorAll('#search-results li[data-result]').length > 0")
    assert tab.results() == ["City council approves new tram line"]
    assert "1 article matches" in str(tab.js(STATUS))
    tab.go("search/index.html?q=" + quote('"line tram"'))
    assert tab.results() == []
    assert "No articles match" in str(tab.js(STATUS))
    tab.check()


def test_source_and_date_filters(tab: Tab) -> None:
    tab.go("search/index.html?q=river")
    tab.wait("document.querySelectorAll('#search-results li[data-result]').length == 2")
    assert sorted(tab.results()) == ["City council approves new tram line", "Storm warning issued for the valley"]
    tab.go("search/index.html?q=river&source=valley-post")
    tab.wait("document.querySelectorAll('#search-results li[data-result]').length > 0")
    assert tab.results() == ["Storm warning issued for the valley"]
    tab.go("search/index.html?q=river&from=2024-03-02&to=2024-03-31")
    tab.wait("document.querySelectorAll('#search-results li[data-result]').length > 0")
    assert tab.results() == ["City council approves new tram line"]
    tab.check()


def test_open_a_result(tab: Tab) -> None:
    tab.go("search/index.html?q=harvest")
    tab.wait("document.querySelectorAll('#search-results li[data-result]').length > 0")
    tab.click_link("Harvest festival draws record crowds")
    assert tab.js("document.querySelector('h1').textContent") == "Harvest festival draws record crowds"
    assert str(tab.js("location.href")).endswith("/index.html")
    tab.check()


def test_browse_home_source_article(tab: Tab) -> None:
    tab.go("index.html")
    assert tab.js("document.querySelectorAll('ol.article-list > li').length") == 5
    tab.click_link("Sources")
    tab.click_link("Harbor Times")
    assert tab.js("document.querySelector('h1').textContent") == "Harbor Times"
    tab.click_link("City council approves new tram line")
    assert tab.js("document.querySelector('article h1').textContent") == "City council approves new tram line"
    tab.click_link("Ben Ode")
    assert tab.js("document.querySelector('h1').textContent") == "Ben Ode"
    tab.check()
