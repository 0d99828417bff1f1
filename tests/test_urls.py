from __future__ import annotations

import pytest

from archive.urls import canonicalize, same_site


@pytest.mark.parametrize("url, expected", [
    ("https://Example.com/news/story?utm_source=rss&utm_medium=x", "https://example.com/news/story"),
    ("https://example.com/news/story?id=3&fbclid=abc#comments", "https://example.com/news/story?id=3"),
    ("https://example.com:443/a/index.html", "https://example.com/a/"),
    ("https://example.com/a/story/amp", "https://example.com/a/story"),
    ("https://example.com/a/story?outputType=amp", "https://example.com/a/story"),
    ("https://example.com/a?b=2&a=1", "https://example.com/a?a=1&b=2"),
    ("http://127.0.0.1:8080/2025/x/", "http://127.0.0.1:8080/2025/x/"),
])
def test_canonicalize(url: str, expected: str) -> None:
    assert canonicalize(url) == expected
    assert canonicalize(expected) == expected


def test_canonicalize_leaves_non_http_alone() -> None:
    assert canonicalize("mailto:a@b.c") == "mailto:a@b.c"


def test_same_site_ignores_www() -> None:
    assert same_site("https://www.a.com/x", "https://a.com/y")
    assert not same_site("https://a.com/x", "https://b.com/x")
