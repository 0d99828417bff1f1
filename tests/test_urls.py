from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from archive.urls import canonicalize, choose_canonical, same_site


@pytest.mark.parametrize("url, expected", [
    ("https://Example.com/news/story?utm_source=rss&utm_medium=x", "https://example.com/news/story"),
    ("https://example.com/news/story?id=3&fbclid=abc#comments", "https://example.com/news/story?id=3"),
    ("https://example.com:443/a/index.html", "https://example.com/a/"),
    ("https://example.com/a/story/amp", "https://example.com/a/story"),
    ("https://example.com/a/story?outputType=amp", "https://example.com/a/story"),
    ("https://example.com/amp/a/story", "https://example.com/a/story"),
    ("https://example.com/a/story.amp.html", "https://example.com/a/story.html"),
    ("https://example.com/a/story.amp", "https://example.com/a/story"),
    ("https://example.com/a?amp=1&gclid=x&mc_cid=y&mc_eid=z", "https://example.com/a"),
    ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
    ("HTTP://EXAMPLE.COM:80/a?", "http://example.com/a"),
    ("http://127.0.0.1:8080/2025/x/", "http://127.0.0.1:8080/2025/x/"),
    ("http://[::1]:80/x#frag", "http://[::1]/x"),
    ("  https://example.com/a  ", "https://example.com/a"),
])
def test_canonicalize(url: str, expected: str) -> None:
    assert canonicalize(url) == expected
    assert canonicalize(expected) == expected


def test_canonicalize_leaves_non_http_and_garbage_alone() -> None:
    assert canonicalize("mailto:a@b.c") == "mailto:a@b.c"
    assert canonicalize("http://ex.com:99999999/a") == canonicalize(canonicalize("http://ex.com:99999999/a"))
    assert canonicalize("") == ""
    assert canonicalize("http://[broken/a") == canonicalize(canonicalize("http://[broken/a"))


def test_same_site_ignores_www_and_mobile() -> None:
    assert same_site("https://www.a.com/x", "https://a.com/y")
    assert same_site("https://m.a.com/x", "https://www.a.com/y")
    assert not same_site("https://a.com/x", "https://b.com/x")
    assert not same_site("https://a.com.evil.net/x", "https://a.com/x")
    assert not same_site("", "")


@pytest.mark.parametrize("fetched, declared, expected", [
    # same site: the declared canonical wins (here: the non-AMP original of an AMP page)
    ("https://www.ex.com/amp/2025/a", "https://www.ex.com/2025/a", "https://www.ex.com/2025/a"),
    ("https://ex.com/2025/a?page=1", "/2025/a", "https://ex.com/2025/a"),
    # another site claims the page: ignored
    ("https://ex.com/2025/a", "https://other.org/2025/a", "https://ex.com/2025/a"),
    # home page as canonical (misconfigured sites): ignored
    ("https://ex.com/2025/a", "https://ex.com/", "https://ex.com/2025/a"),
    ("https://ex.com/2025/a", "javascript:alert(1)", "https://ex.com/2025/a"),
    ("https://ex.com/2025/a?utm_source=x", "", "https://ex.com/2025/a"),
])
def test_choose_canonical(fetched: str, declared: str, expected: str) -> None:
    assert choose_canonical(fetched, declared) == expected


url_parts = st.fixed_dictionaries({
    "scheme": st.sampled_from(["http", "https", "HTTP", "ftp", ""]),
    "host": st.sampled_from(["ex.com", "WWW.Ex.com", "127.0.0.1:8080", "[::1]", "ex.com:443", "", "ex.com:x"]),
    "path": st.lists(st.sampled_from(["amp", "index.html", "a", "b.amp", "c.amp.html", "%7E", "é", "..", ""]),
                     max_size=5),
    "query": st.lists(st.tuples(st.sampled_from(["utm_source", "id", "amp", "q", "fbclid", "A"]),
                                st.text(max_size=5)), max_size=4),
    "fragment": st.text(max_size=5),
})


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=60), url_parts.map(
    lambda p: f"{p['scheme']}://{p['host']}/{'/'.join(p['path'])}?"
              + "&".join(f"{k}={v}" for k, v in p["query"]) + f"#{p['fragment']}")))
def test_canonicalize_is_idempotent_and_never_raises(url: str) -> None:
    once = canonicalize(url)
    assert isinstance(once, str)
    assert canonicalize(once) == once
