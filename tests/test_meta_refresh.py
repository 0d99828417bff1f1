"""The crawl's meta refresh middleware (crawler/scope.py): Scrapy's behaviour, decoded only when needed."""

from __future__ import annotations

import pytest
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.scope import SafeMetaRefreshMiddleware

URL = "https://news.example/a/story"


def page(head: str, encoding: str = "utf-8", filler: int = 0) -> HtmlResponse:
    html = f"<html><head>{'<!-- ' + 'x' * filler + ' -->' if filler else ''}{head}</head><body><p>Story.</p></body></html>"
    return HtmlResponse(URL, body=html.encode(encoding), encoding=encoding)


@pytest.fixture
def middleware() -> SafeMetaRefreshMiddleware:
    crawler = get_crawler(settings_dict={"METAREFRESH_ENABLED": True, "METAREFRESH_MAXDELAY": 100})
    return SafeMetaRefreshMiddleware.from_crawler(crawler)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16", "utf-32", "cp1251"])
@pytest.mark.parametrize("spelling", ["refresh", "Refresh", "REFRESH"])
def test_a_refresh_is_followed_in_any_encoding(middleware, encoding: str, spelling: str) -> None:
    response = page(f'<meta http-equiv="{spelling}" content="0; url=/a/moved">', encoding)
    out = middleware.process_response(Request(URL), response)
    assert isinstance(out, Request) and out.url == "https://news.example/a/moved"


def test_a_refresh_after_multibyte_text_within_scrapys_window_is_followed(middleware) -> None:
    # 4,000 characters of 3 bytes each: the refresh is ~12,000 bytes in, inside the 4,096 characters
    html = ("<html><head><title>" + "東" * 4000 + '</title><meta http-equiv="refresh" content="0; url=/a/moved">'
            "</head><body></body></html>")
    response = HtmlResponse(URL, body=html.encode("utf-8"), encoding="utf-8")
    out = middleware.process_response(Request(URL), response)
    assert isinstance(out, Request) and out.url == "https://news.example/a/moved"


def test_pages_without_a_usable_refresh_pass_unchanged(middleware) -> None:
    for response in (page("<title>No refresh here</title>"),
                     page('<meta http-equiv="refresh" content="0; url=javascript:alert(1)">'),
                     page('<meta http-equiv="refresh" content="600; url=/a/later">'),  # past the max delay
                     page('<meta http-equiv="refresh" content="0; url=/a/far">', filler=5000)):  # past 4,096 chars
        assert middleware.process_response(Request(URL), response) is response


def test_a_page_without_the_word_is_not_decoded(middleware) -> None:
    response = page("<title>Plain story</title>")
    assert middleware.process_response(Request(URL), response) is response
    assert response._cached_ubody is None  # Scrapy's decoded text was never made
