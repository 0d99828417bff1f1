"""The spider's link reading: bounded per page, in document order, counted when capped."""

from __future__ import annotations

from pathlib import Path

from scrapy.http import HtmlResponse
from scrapy.utils.test import get_crawler

from crawler.spiders.news import MAX_LINKS_PER_PAGE, NewsSpider


def make_spider(tmp_path: Path, **settings: object) -> NewsSpider:
    config = tmp_path / "newsarchive.toml"
    config.write_text('[[sources]]\nname = "site"\nstart_urls = ["http://127.0.0.1:9/"]\n', encoding="utf-8")
    crawler = get_crawler(NewsSpider, {"NEWSARCHIVE_CONFIG": str(config), **settings})
    crawler.stats.open_spider()
    return NewsSpider.from_crawler(crawler, source="site", config=str(config))


def links_page(count: int) -> HtmlResponse:
    body = "<html><body>" + "".join(f'<a href="/a/{n}">{n}</a>' for n in range(count)) \
        + '<area href="/map"></body></html>'
    return HtmlResponse("http://127.0.0.1:9/", body=body.encode(), encoding="utf-8")


def test_a_page_with_more_links_than_the_cap_gives_the_first_ones(tmp_path: Path) -> None:
    spider = make_spider(tmp_path)
    links = spider.page_links(links_page(MAX_LINKS_PER_PAGE * 3))
    assert [link.url for link in links] == [f"http://127.0.0.1:9/a/{n}" for n in range(MAX_LINKS_PER_PAGE)]
    assert spider.crawler.stats.get_value("newsarchive/link_cap_reached") == 1


def test_a_page_under_the_cap_gives_every_link(tmp_path: Path) -> None:
    spider = make_spider(tmp_path, NEWSARCHIVE_MAX_LINKS_PER_PAGE=50)
    links = spider.page_links(links_page(10))
    assert [link.url for link in links] == [f"http://127.0.0.1:9/a/{n}" for n in range(10)] \
        + ["http://127.0.0.1:9/map"]
    assert spider.crawler.stats.get_value("newsarchive/link_cap_reached") is None


def test_the_cap_is_a_setting(tmp_path: Path) -> None:
    spider = make_spider(tmp_path, NEWSARCHIVE_MAX_LINKS_PER_PAGE=7)
    assert len(spider.page_links(links_page(100))) == 7
