"""The static site: pages, links, feeds, incremental builds, stale pages, user templates."""

from __future__ import annotations

import marshal
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

import lxml.etree
import lxml.html
import pytest
from publish_fixtures import BASE_DATE, STORIES, add_bulk, add_story, make_archive
from sqlalchemy import delete

from archive.models import Alias, Article, Revision
from publish import build_site
from publish.pages import paginate
from publish.writer import MANIFEST_NAME
from search.export import read_payload


@pytest.fixture
def archive(tmp_path: Path):
    db, repo, ids = make_archive(tmp_path / "archive.sqlite")
    yield db, repo, ids
    db.close()


def html_files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html"))


def mtimes(site: Path) -> dict[str, int]:
    return {str(p.relative_to(site)): p.stat().st_mtime_ns for p in site.rglob("*") if p.is_file()
            and p.name != MANIFEST_NAME and ".newsarchive-cache" not in p.parts}


def article_dir(site: Path, article_id: int) -> Path:
    matches = list((site / "articles").glob(f"{article_id}-*"))
    assert len(matches) == 1, matches
    return matches[0]


def test_every_kind_of_page_is_built(archive, tmp_path: Path) -> None:
    db, _repo, ids = archive
    site = tmp_path / "public"
    report = build_site(db, site, site_title="Harbor & Valley")
    assert report.pages_written == report.files_total - 1  # everything but the manifest
    assert report.files_total == len([p for p in site.rglob("*") if p.is_file()]) - 1  # (and the cache)
    for rel in ["index.html", "404.html", "robots.txt", "sitemap.xml", "feed.xml", "search/index.html",
                "search/meta.js", "sources/index.html", "sources/harbor-times/index.html",
                "sources/valley-post/feed.xml", "authors/index.html", "authors/ana-lima/index.html",
                "tags/index.html", "tags/weather/index.html", "archive/index.html", "2024/index.html",
                "2024/03/index.html", "2024/03/01/index.html", "2024/05/15/index.html", "static/style.css"]:
        assert (site / rel).is_file(), rel
    assert len(list((site / "articles").iterdir())) == len(ids)

    month = lxml.html.parse(str(site / "2024/03/index.html")).getroot()
    days = [" ".join(li.text_content().split()) for li in month.cssselect("ul.counts li")]
    assert days == ["Monday 11 March 2024 1", "Monday 04 March 2024 1", "Friday 01 March 2024 1"]
    year = lxml.html.parse(str(site / "2024/index.html")).getroot()
    assert [" ".join(li.text_content().split()) for li in year.cssselect("ul.counts li")] == [
        "May 2024 1", "April 2024 1", "March 2024 3"]
    ana = lxml.html.parse(str(site / "authors/ana-lima/index.html")).getroot()
    assert [a.text_content() for a in ana.cssselect(".article-item-title a")] == [
        "Harvest festival draws record crowds", "Volcano erupts near the northern harbor"]
    home = (site / "index.html").read_text()
    assert "Harbor &amp; Valley" in home


def test_article_page_content(archive, tmp_path: Path) -> None:
    db, _repo, ids = archive
    site = tmp_path / "public"
    build_site(db, site)
    page_dir = article_dir(site, ids["Harvest festival draws record crowds"])
    assert page_dir.name == f"{ids['Harvest festival draws record crowds']}-harvest-festival-draws-record-crowds"
    doc = lxml.html.parse(str(page_dir / "index.html")).getroot()
    assert doc.cssselect("article h1")[0].text_content() == "Harvest festival draws record crowds"
    assert doc.cssselect("article .dek")[0].text_content() == "Harvest news from valley-post."
    byline = doc.cssselect("article header .meta")[0]
    assert [a.text_content() for a in byline.cssselect("a")] == ["Cleo Park", "Ana Lima"]
    assert byline.cssselect("time")[0].get("datetime") == (BASE_DATE + timedelta(days=10)).isoformat()
    assert "UTC" in byline.cssselect("time")[0].text_content()
    assert doc.cssselect(".kicker a")[0].get("href") == "../../sources/valley-post/index.html"
    assert [a.text_content() for a in doc.cssselect(".tags a")] == ["Culture"]
    body = doc.cssselect(".article-body")[0].text_content()
    assert "Farmers sold apples, cider and bread" in body
    provenance = doc.cssselect(".provenance")[0]
    assert provenance.cssselect("a")[0].get("href").startswith("https://valley-post.example/")
    assert "Archived" in provenance.text_content()
    assert doc.cssselect("html")[0].get("lang") == "en"
    assert not doc.cssselect(".related")  # no search index: no related list, no failure


def test_relative_links_all_resolve(archive, tmp_path: Path) -> None:
    db, _repo, _ids = archive
    site = tmp_path / "public"
    build_site(db, site)
    checked = 0
    for path in html_files(site):
        if path.name == "404.html" and path.parent == site:
            continue  # served for missing paths at any depth: root-absolute (test_not_found_page)
        doc = lxml.html.parse(str(path)).getroot()
        for el, attr, link, _pos in doc.iterlinks():
            if el.tag == "form" or link.startswith(("http://", "https://", "mailto:", "#")):
                continue
            target_rel = unquote(urlsplit(link).path)
            target = (path.parent / target_rel).resolve()
            assert target.is_file(), f"{path.relative_to(site)}: {attr}={link}"
            assert not link.startswith("/"), link  # relative everywhere
            assert target_rel.endswith((".html", ".css", ".js", ".xml")), link
            checked += 1
    assert checked > 200


def test_feeds_and_sitemap(archive, tmp_path: Path) -> None:
    db, _repo, ids = archive
    site = tmp_path / "public"
    build_site(db, site, site_url="https://archive.example.org/news/")
    atom = "{http://www.w3.org/2005/Atom}"
    feed = lxml.etree.parse(str(site / "feed.xml")).getroot()
    entries = feed.findall(f"{atom}entry")
    assert [e.findtext(f"{atom}title") for e in entries][:2] == [
        "School robotics team wins national title", "Storm warning issued for the valley"]
    link = entries[0].find(f"{atom}link").get("href")
    assert link.startswith("https://archive.example.org/news/articles/")
    per_source = lxml.etree.parse(str(site / "sources/harbor-times/feed.xml")).getroot()
    assert len(per_source.findall(f"{atom}entry")) == 2
    sitemap = lxml.etree.parse(str(site / "sitemap.xml")).getroot()
    locs = [e.text for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    for article_id in ids.values():
        rel = article_dir(site, article_id).relative_to(site).as_posix()
        assert f"https://archive.example.org/news/{rel}/index.html" in locs
    assert "Sitemap: https://archive.example.org/news/sitemap.xml" in (site / "robots.txt").read_text()


def test_second_build_writes_nothing_and_keeps_mtimes(archive, tmp_path: Path) -> None:
    db, _repo, _ids = archive
    site = tmp_path / "public"
    build_site(db, site)
    before = mtimes(site)
    report = build_site(db, site)
    assert report.pages_written == 0
    assert report.pages_deleted == 0
    assert report.pages_unchanged == len(before)
    assert mtimes(site) == before


def test_adding_one_article_rewrites_only_affected_pages(archive, tmp_path: Path) -> None:
    db, repo, ids = archive
    site = tmp_path / "public"
    build_site(db, site)
    before = mtimes(site)
    new_id = add_story(repo, "valley-post", "Bridge reopens after repairs", "The old bridge reopened "
                       "on Monday after months of repairs to its stone arches.", authors=["Dev Rao"],
                       tags=["Transport"], published=BASE_DATE + timedelta(days=80))
    report = build_site(db, site)
    after = mtimes(site)
    changed = {rel for rel in after if before.get(rel) != after[rel]}
    new_page = article_dir(site, new_id).relative_to(site).as_posix() + "/index.html"
    assert new_page in changed
    for title, article_id in ids.items():  # other articles' pages are untouched
        rel = article_dir(site, article_id).relative_to(site).as_posix() + "/index.html"
        assert rel not in changed, title
    allowed = {"index.html", "feed.xml", "sitemap.xml", "sources/index.html", "sources/valley-post/index.html",
               "sources/valley-post/feed.xml", "authors/index.html", "authors/dev-rao/index.html",
               "tags/index.html", "tags/transport/index.html", "archive/index.html", "2024/index.html",
               "2024/05/index.html", "2024/05/20/index.html", new_page}
    html_changed = {rel for rel in changed if not rel.startswith("search/")}
    assert html_changed <= allowed, html_changed - allowed
    assert "sources/harbor-times/index.html" not in changed
    assert "2024/03/index.html" not in changed
    assert report.pages_written == len(changed)
    # the search index: the new document file plus shards holding its words, not every file
    search_changed = {rel for rel in changed if rel.startswith("search/")}
    assert "search/d/5.js" in search_changed and "search/meta.js" in search_changed
    assert not any(rel.startswith("search/d/") and rel != "search/d/5.js" for rel in search_changed)


def test_deleted_article_page_is_removed(archive, tmp_path: Path) -> None:
    db, _repo, ids = archive
    site = tmp_path / "public"
    build_site(db, site)
    victim = ids["Storm warning issued for the valley"]
    victim_dir = article_dir(site, victim)
    with db.session() as s:  # the archive has no delete API yet; remove the rows directly
        s.execute(delete(Revision).where(Revision.article_id == victim))
        s.execute(delete(Alias).where(Alias.article_id == victim))
        s.execute(delete(Article).where(Article.id == victim))
    report = build_site(db, site)
    assert report.pages_deleted >= 2  # the article page and its day page (plus a search document)
    assert not victim_dir.exists()
    assert not (site / "2024/04").exists()  # its only day and month are gone, folders too
    assert "Storm warning" not in (site / "index.html").read_text()
    assert "Storm warning" not in (site / "sources/valley-post/index.html").read_text()


def test_files_not_made_by_the_build_are_left_alone(archive, tmp_path: Path) -> None:
    db, _repo, _ids = archive
    site = tmp_path / "public"
    site.mkdir()
    (site / "CNAME").write_text("archive.example.org\n")
    build_site(db, site)
    build_site(db, site)
    assert (site / "CNAME").read_text() == "archive.example.org\n"


def test_user_templates_override_builtin(archive, tmp_path: Path) -> None:
    db, _repo, _ids = archive
    user = tmp_path / "templates"
    user.mkdir()
    (user / "404.html").write_text('{% extends "base.html" %}{% block content %}<h1>Lost at sea</h1>'
                                   "{% endblock %}")
    site = tmp_path / "public"
    build_site(db, site, user_templates=user)
    text = (site / "404.html").read_text()
    assert "<h1>Lost at sea</h1>" in text and "static/style.css" in text  # user page, built-in base
    (user / "404.html").write_text('{% extends "base.html" %}{% block content %}<h1>Adrift</h1>{% endblock %}')
    report = build_site(db, site, user_templates=user)
    assert "<h1>Adrift</h1>" in (site / "404.html").read_text()
    assert report.pages_written == 1  # templates changed: everything re-rendered, only one file differs


def test_home_pagination_is_stable_when_articles_are_added(tmp_path: Path) -> None:
    items = list(range(100, 0, -1))  # newest first
    pages = paginate(items, "", per_page=20)
    assert [p.number for p in pages] == [0, 4, 3, 2, 1]
    assert [len(p.items) for p in pages] == [20, 20, 20, 20, 20]
    assert list(pages[-1].items) == list(range(20, 0, -1))
    grown = paginate(list(range(101, 0, -1)), "", per_page=20)
    assert [list(p.items) for p in grown[1:]] == [list(p.items) for p in pages[1:]]  # archive pages unchanged
    assert len(grown[0].items) == 21
    assert pages[0].older == "page/4/index.html" and pages[1].newer == "index.html"
    assert pages[-1].older is None


def test_page_count_report(archive, tmp_path: Path) -> None:
    db, _repo, _ids = archive
    report = build_site(db, tmp_path / "public")
    assert report.seconds >= 0
    assert re.fullmatch(r"[0-9a-z./_-]+", "/".join(p.relative_to(tmp_path / "public").as_posix()
                                                    for p in (tmp_path / "public").rglob("*")).lower())


def test_related_articles_from_the_search_index(archive, tmp_path: Path) -> None:
    from search.index import SearchIndex

    db, repo, ids = archive
    add_story(repo, "harbor-times", "Second volcano eruption closes the harbor", "Another volcano "
              "eruption sent ash over the northern harbor and ferry crossings stopped again.",
              published=BASE_DATE + timedelta(days=5))
    index_dir = tmp_path / "index"
    index = SearchIndex(index_dir)
    index.sync(repo)
    index.close()
    site = tmp_path / "public"
    build_site(db, site, index_dir=index_dir)
    doc = lxml.html.parse(str(article_dir(site, ids["Volcano erupts near the northern harbor"]) / "index.html"))
    related = [a.text_content() for a in doc.getroot().cssselect(".related a")]
    assert related and related[0] == "Second volcano eruption closes the harbor"
    for a in doc.getroot().cssselect(".related a"):
        assert (article_dir(site, ids["Volcano erupts near the northern harbor"]) / a.get("href")).resolve().is_file()


def search_index_content(site: Path) -> dict[str, object]:
    """The search index as data, independent of how terms are cut into shard files."""
    files = {p.relative_to(site / "search").as_posix(): read_payload(p.read_text("utf-8"))
             for p in (site / "search").rglob("*.js")}
    meta = files.pop("meta.js")
    postings: dict[str, str] = {}
    positions: dict[str, str] = {}
    for first, fid in zip(meta["shards"], meta["files"], strict=True):
        shard = files.pop(f"t/{fid}.js")
        assert min(shard) == first  # the table's first term is the shard's smallest
        postings.update(shard)
        positions.update(files.pop(f"p/{fid}.js"))
    assert files.keys() == {k for k in files if k.startswith(("d/", "s/")) or k == "dates.js"}
    return {"meta": {k: v for k, v in meta.items() if k not in ("shards", "files")},
            "postings": postings, "positions": positions, "files": files}


@pytest.fixture
def bulk_archive(tmp_path: Path):
    """The small archive plus 100 older stories: listings with archive pages, averages that settle."""
    db, repo, ids = make_archive(tmp_path / "archive.sqlite")
    add_bulk(repo, 100)
    yield db, repo, ids
    db.close()


def test_incremental_search_index_equals_a_full_export(bulk_archive, tmp_path: Path, monkeypatch) -> None:
    import search.export

    monkeypatch.setattr(search.export, "SHARD_TARGET_BYTES", 400)  # many shards
    db, repo, _ids = bulk_archive
    site = tmp_path / "public"
    build_site(db, site)
    layout = read_payload((site / "search/meta.js").read_text())
    monkeypatch.setattr(search.export, "SHARD_TARGET_BYTES", 150)  # touched shards now split
    text = STORIES[0][5]
    # lengths like the others', so the average field lengths stay on the same grid step
    for day, title in enumerate(["Volcano keeper retires after forty years", "Aardvark escapes near the "
                                 "northern harbor today", "Zoologists welcome the aardvark back home again"], 90):
        add_story(repo, "harbor-times", title, f"{text}\nStory number {day} of the bulk set.", authors=["Ana Lima"],
                  tags=["Science"], description="Volcano news from harbor-times.",
                  published=BASE_DATE + timedelta(days=day))
        report = build_site(db, site)  # appends to the previous export
        assert report.search is not None and report.search.incremental and report.search.analyzed == 1
    grown = read_payload((site / "search/meta.js").read_text())
    assert set(layout["files"]) <= set(grown["files"])  # existing shard files keep their ids
    assert len(grown["files"]) > len(layout["files"])  # and some split into new files
    fresh = tmp_path / "fresh"
    build_site(db, fresh)
    assert search_index_content(site) == search_index_content(fresh)
    state = marshal.loads((site / ".newsarchive-cache/search-state.marshal").read_bytes())
    assert len(state["ids"]) == 108


def test_changed_article_reexports_search_index_keeping_unchanged_shards(bulk_archive, tmp_path: Path,
                                                                        monkeypatch) -> None:
    import search.export

    monkeypatch.setattr(search.export, "SHARD_TARGET_BYTES", 400)  # many shards
    db, repo, ids = bulk_archive
    site = tmp_path / "public"
    build_site(db, site)
    before = mtimes(site)
    add_story(repo, "harbor-times", "Volcano erupts near the northern harbor",  # same URL: an update
              STORIES[0][5] + "\nGeologists now expect a quieter week.", url=None, authors=["Ana Lima"],
              tags=["Science", "Weather"], published=BASE_DATE)
    with db.session() as s:
        article = s.get(Article, ids["Volcano erupts near the northern harbor"])
        assert article is not None
        changed_version = article.version
    report = build_site(db, site)
    assert report.search is not None and not report.search.incremental
    changed = {rel for rel, m in mtimes(site).items() if before.get(rel) != m}
    shards = {rel for rel in changed if rel.startswith(("search/t/", "search/p/"))}
    all_shards = {rel for rel in before if rel.startswith(("search/t/", "search/p/"))}
    assert changed_version == 2 and shards and len(shards) < len(all_shards)  # some kept their bytes
    fresh = tmp_path / "fresh"
    build_site(db, fresh)
    assert search_index_content(site) == search_index_content(fresh)


def test_adding_one_article_to_a_larger_archive_rewrites_only_what_must_change(bulk_archive,
                                                                             tmp_path: Path) -> None:
    db, repo, _ids = bulk_archive
    site = tmp_path / "public"
    build_site(db, site)
    assert (site / "page/2/index.html").is_file() and (site / "sources/harbor-times/page/1/index.html").is_file()
    before = mtimes(site)
    new_id = add_story(repo, "harbor-times", "Volcano calms down after forty years",
                       STORIES[0][5] + "\nStory number 100 of the bulk set.", authors=["Ana Lima"],
                       tags=["Science"], published=BASE_DATE + timedelta(days=100),
                       description="Volcano news from harbor-times.")
    report = build_site(db, site)
    changed = {rel for rel, m in mtimes(site).items() if before.get(rel) != m}
    new_page = article_dir(site, new_id).relative_to(site).as_posix() + "/index.html"
    pages = {rel for rel in changed if not rel.startswith("search/")}
    assert pages == {new_page, "index.html", "feed.xml", "sitemap.xml", "sources/index.html",
                     "sources/harbor-times/index.html", "sources/harbor-times/feed.xml", "authors/index.html",
                     "authors/ana-lima/index.html", "tags/index.html", "tags/science/index.html",
                     "archive/index.html", "2024/index.html", "2024/06/index.html", "2024/06/09/index.html"}
    search = {rel for rel in changed if rel.startswith("search/")}
    assert {"search/d/105.js", "search/meta.js", "search/dates.js", "search/s/0.js"} <= search
    assert not {rel for rel in search if rel.startswith("search/d/")} - {"search/d/105.js"}
    assert report.search is not None and report.search.incremental
    assert report.pages_written == len(changed)


def test_not_found_page_works_at_any_depth(archive, tmp_path: Path) -> None:
    db, _repo, _ids = archive
    site = tmp_path / "public"
    build_site(db, site)
    doc = lxml.html.parse(str(site / "404.html")).getroot()
    links = [link for el, _attr, link, _pos in doc.iterlinks() if el.tag != "form" and link != "#main"]
    assert "/static/style.css" in links and "/index.html" in links
    for link in links:  # root-absolute: right wherever the server shows the page
        assert link.startswith("/"), link
        assert (site / link.lstrip("/")).is_file(), link
    assert doc.cssselect("form.quick-search")[0].get("action") == "/search/index.html"
    build_site(db, site, site_url="https://archive.example.org/news/")
    doc = lxml.html.parse(str(site / "404.html")).getroot()
    links = [link for _el, _attr, link, _pos in doc.iterlinks() if link != "#main"]
    assert "https://archive.example.org/news/static/style.css" in links
    assert all(link.startswith("https://archive.example.org/news/") for link in links), links
    assert not doc.cssselect("base")  # the CSP forbids <base>; links are absolute instead


def test_crawl_log_page(archive, tmp_path: Path) -> None:
    db, repo, _ids = archive
    site = tmp_path / "public"
    build_site(db, site)
    assert "No crawl runs recorded yet" in (site / "crawl/index.html").read_text()
    harbor = repo.ensure_source("harbor-times")
    valley = repo.ensure_source("valley-post")
    first = repo.start_run(harbor)
    repo.finish_run(first, {"pages_fetched": 40, "new_articles": 12, "updated_articles": 3, "not_modified": 20,
                            "errors": 5, "errors_by_kind": {"timeout": 2, "http_404": 3}})
    repo.start_run(valley)  # still running
    before = mtimes(site)
    build_site(db, site)
    changed = {rel for rel, m in mtimes(site).items() if before.get(rel) != m}
    assert changed == {"crawl/index.html"}
    doc = lxml.html.parse(str(site / "crawl/index.html")).getroot()
    rows = doc.cssselect("table.crawl-log tbody tr")
    assert len(rows) == 2
    cells = {r.cssselect("th")[0].text_content(): [c.text_content().strip() for c in r.cssselect("td")]
             for r in rows}
    assert cells["Harbor Times"][2:7] == ["finished", "40", "12", "3", "20"]
    assert cells["Harbor Times"][7] == "5 (http_404: 3, timeout: 2)"
    assert cells["Valley Post"][1:3] == ["—", "running"]
    footer = lxml.html.parse(str(site / "index.html")).getroot().cssselect(".site-footer a")
    assert "crawl/index.html" in [a.get("href") for a in footer]


def test_search_index_terms_and_positions_match_the_analyzer(archive, tmp_path: Path) -> None:
    from search.export import analyze

    db, _repo, ids = archive
    site = tmp_path / "public"
    build_site(db, site)
    content = search_index_content(site)
    with db.session() as s:
        articles = s.query(Article).all()
        vocabulary = {t for a in articles for field in (a.title, a.description, a.text, " ".join(a.authors + a.tags))
                      for t in analyze(field)}
    assert set(content["postings"]) == vocabulary
    # positions: title, dek and body numbered on, with a gap of 10 between fields
    meta = read_payload((site / "search/meta.js").read_text())
    assert meta["n"] == len(ids)
    tram = next(a for a in articles if a.title == "City council approves new tram line")
    title, dek, body = analyze(tram.title), analyze(tram.description), analyze(tram.text)
    stems = title + [""] * 10 + dek + [""] * 10 + body
    expected = [i for i, stem in enumerate(stems) if stem == "tram"]
    assert expected[0] == 4 and len(expected) == 3
    encoded = content["positions"]["tram"]  # one document: count, then position deltas (varints)
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"
    values = [alphabet.index(c) for c in encoded]
    assert all(v < 32 for v in values)
    assert values[0] == 3 and [sum(values[1:k + 1]) for k in range(1, 4)] == expected
    assert content["postings"]["tram"][0] == "1" and len(content["postings"]["tram"]) == 2  # doc 1, one posting


def test_revised_article_shows_updates_and_diff_pages(archive, tmp_path: Path) -> None:
    from publish_fixtures import extraction

    from archive.warc import WarcPointer

    db, repo, _ids = archive
    source_id = repo.ensure_source("harbor-times", "Harbor Times")
    url = "https://harbor-times.example/bridge.html"
    old = "The council voted to close the harbor bridge for repairs.\nWork will take six weeks."
    new = "The council voted to close the harbor bridge for urgent repairs.\nWork will take eight weeks."
    first = repo.store_article(source_id, url, extraction("Bridge to close", old, published=BASE_DATE),
                               WarcPointer("a.warc.gz", 0, 1), fetched_at=BASE_DATE)
    site = tmp_path / "public"
    build_site(db, site)
    page = article_dir(site, first.article_id) / "index.html"
    assert "Updated " not in page.read_text()
    assert not (page.parent / "revisions").exists()

    second = repo.store_article(source_id, url, extraction("Bridge to close", new, published=BASE_DATE),
                                WarcPointer("a.warc.gz", 10, 1), fetched_at=BASE_DATE + timedelta(hours=5))
    assert second.outcome == "updated" and second.article_id == first.article_id
    build_site(db, site)
    doc = lxml.html.parse(str(page)).getroot()
    heading = doc.cssselect("#revisions-heading")[0].text_content()
    assert heading == "Updated 1 time"
    links = [a.get("href") for a in doc.cssselect(".revisions a")]
    assert len(links) == 1
    diff_page = page.parent / "revisions/2/index.html"
    assert (page.parent / links[0]).resolve() == diff_page.resolve()
    diff = lxml.html.parse(str(diff_page)).getroot()
    body = diff.cssselect(".diff")[0]
    assert [e.text_content().strip() for e in body.cssselect("ins")] == ["urgent", "eight"]
    assert [e.text_content().strip() for e in body.cssselect("del")] == ["six"]
    assert "<script" not in diff_page.read_text()

    third = "The council voted to close the harbor bridge for urgent repairs.\nWork will take ten weeks."
    repo.store_article(source_id, url, extraction("Bridge to close", third, published=BASE_DATE),
                       WarcPointer("a.warc.gz", 20, 1), fetched_at=BASE_DATE + timedelta(hours=9))
    build_site(db, site)
    doc = lxml.html.parse(str(page)).getroot()
    assert doc.cssselect("#revisions-heading")[0].text_content() == "Updated 2 times"
    diff = lxml.html.parse(str(page.parent / "revisions/3/index.html")).getroot()
    assert [e.text_content().strip() for e in diff.cssselect(".diff del")] == ["eight"]
    assert [e.text_content().strip() for e in diff.cssselect(".diff ins")] == ["ten"]
    sitemap = lxml.etree.parse(str(site / "sitemap.xml")).getroot()
    ns = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
    pages = {u.findtext(f"{ns}loc"): u.findtext(f"{ns}lastmod") for u in sitemap.iter(f"{ns}url")}
    diff_urls = sorted(u for u in pages if "/revisions/" in u)
    assert [u.split("/revisions/")[1] for u in diff_urls] == ["2/index.html", "3/index.html"]
    assert all(pages[u] and pages[u].startswith((BASE_DATE + timedelta(hours=9)).strftime("%Y-%m-%d"))
               for u in diff_urls), pages

    with db.session() as s:  # a deleted article takes its diff pages with it
        s.execute(delete(Revision).where(Revision.article_id == first.article_id))
        s.execute(delete(Alias).where(Alias.article_id == first.article_id))
        s.execute(delete(Article).where(Article.id == first.article_id))
    build_site(db, site)
    assert not page.parent.exists()


def test_story_cluster_shows_also_published_by(archive, tmp_path: Path) -> None:
    db, repo, _ids = archive
    text = ("Engineers reopened the old lighthouse on the northern cape after two years of careful "
            "restoration work funded by the town and a regional heritage foundation. The lamp, first lit "
            "in 1891, now runs on solar power and can be seen from thirty kilometres out at sea. Visitors "
            "may climb the tower on weekends from May to September, the foundation said on Friday.")
    a = add_story(repo, "harbor-times", "Lighthouse reopens after restoration", text, published=BASE_DATE)
    b = add_story(repo, "valley-post", "Old lighthouse shines again", text + " Tickets cost five euros.",
                  published=BASE_DATE + timedelta(hours=2))
    site = tmp_path / "public"
    build_site(db, site)
    for this, other, other_source in [(a, b, "Valley Post"), (b, a, "Harbor Times")]:
        page = article_dir(site, this) / "index.html"
        doc = lxml.html.parse(str(page)).getroot()
        aside = doc.cssselect("aside.also-published")
        assert aside, f"no 'Also published by' on article {this}"
        assert aside[0].cssselect("h2")[0].text_content() == "Also published by"
        links = aside[0].cssselect("a")
        assert [x.text_content() for x in links] == [other_source]
        target = (page.parent / links[0].get("href")).resolve()
        assert target == (article_dir(site, other) / "index.html").resolve()
    lonely = article_dir(site, _ids["Storm warning issued for the valley"]) / "index.html"
    assert "Also published by" not in lonely.read_text()
