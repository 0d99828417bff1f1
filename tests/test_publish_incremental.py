"""Incremental builds give the same site as a fresh full build of the same archive.

Each test builds a site, changes the archive (one article added, updated, deleted, filed in the
past, ...), rebuilds the same folder, then builds the archive again into an empty folder and
compares the two folder by folder: every page, feed, sitemap and document file byte for byte. The
search index's term shards are cut where a previous build cut them (so that an incremental build
rewrites only the shards it touches), so `search/meta.js`, `search/t/` and `search/p/` are compared
as data: the same terms with the same postings and positions.
"""

from __future__ import annotations

import marshal
import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import lxml.etree
import pytest
from publish_fixtures import BASE_DATE, STORIES, add_bulk, add_story, extraction, make_archive
from sqlalchemy import delete, update

from archive.db import Database
from archive.models import Alias, Article, Revision, Source
from archive.repository import Repository
from archive.warc import WarcPointer
from publish import build_site
from publish.writer import MANIFEST_NAME
from search.export import read_payload

SHARD_FILES = ("search/t/", "search/p/", "search/r/")
Archive = tuple[Database, Repository, dict[str, int]]


@pytest.fixture(params=["main", "recent"])
def bulk(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Archive]:
    """The test archive plus 60 older stories; with "recent", appended documents go to the search
    index's recent segment (with a small budget: parts of it are folded into the main shards at
    every build) as in a large archive."""
    import search.export

    monkeypatch.setattr(search.export, "SHARD_TARGET_BYTES", 400)  # many shards, so some are kept
    if request.param == "recent":
        monkeypatch.setattr(search.export, "RECENT_MIN_DOCS", 0)
        monkeypatch.setattr(search.export, "RECENT_BYTES", 300)
    db, repo, ids = make_archive(tmp_path / "archive.sqlite")
    add_bulk(repo, 60)
    yield db, repo, ids
    db.close()


def site_files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in site.rglob("*")
            if p.is_file() and p.name != MANIFEST_NAME and ".newsarchive-cache" not in p.parts}


def search_terms(site: Path) -> dict[str, Any]:
    """The search index as data: term -> (postings, positions) over every segment, and the meta
    without its shard tables."""
    meta = read_payload((site / "search/meta.js").read_text("utf-8"))
    terms: dict[str, list[str]] = {}
    segments = [("", meta["shards"], meta["files"])]
    recent = meta.get("recent")
    if recent:
        segments.append(("r/", recent["shards"], recent["files"]))
    for prefix, firsts, fids in segments:
        assert firsts == sorted(firsts) and len(firsts) == len(fids)
        for first, fid in zip(firsts, fids, strict=True):
            post = read_payload((site / f"search/{prefix}t/{fid}.js").read_text("utf-8"))
            pos = read_payload((site / f"search/{prefix}p/{fid}.js").read_text("utf-8"))
            assert post.keys() == pos.keys() and min(post) >= first
            for term in post:  # a later segment continues the postings of an earlier one
                have = terms.setdefault(term, ["", ""])
                have[0] += post[term]
                have[1] += pos[term]
    return {"meta": {k: v for k, v in meta.items() if k not in ("shards", "files", "recent")}, "terms": terms}


def assert_same_site(site: Path, fresh: Path) -> None:
    ours, theirs = site_files(site), site_files(fresh)
    plain = {rel for rel in ours if not rel.startswith(SHARD_FILES) and rel != "search/meta.js"}
    plain_fresh = {rel for rel in theirs if not rel.startswith(SHARD_FILES) and rel != "search/meta.js"}
    assert plain == plain_fresh, (sorted(plain - plain_fresh)[:10], sorted(plain_fresh - plain)[:10])
    different = sorted(rel for rel in plain if ours[rel] != theirs[rel])
    assert not different, different[:10]
    assert search_terms(site) == search_terms(fresh)


def check(db: Database, tmp_path: Path, change: Callable[[], object], *, rounds: int = 1) -> None:
    site = tmp_path / "public"
    build_site(db, site)
    for i in range(rounds):
        change()
        build_site(db, site)
        fresh = tmp_path / f"fresh-{i}"
        build_site(db, fresh)
        assert_same_site(site, fresh)


def newer(repo: Repository, n: int, **kwargs: Any) -> int:
    return add_story(repo, "harbor-times", f"Volcano calms down, part {n}",
                     STORIES[0][5] + f"\nStory number {100 + n} of the bulk set.",
                     url=f"https://harbor-times.example/new/{n}.html",
                     published=BASE_DATE + timedelta(days=100 + n), description="Volcano news from harbor-times.",
                     **{"authors": ["Ana Lima"], "tags": ["Science"], **kwargs})


def test_one_article_added(bulk, tmp_path: Path) -> None:
    db, repo, _ids = bulk
    check(db, tmp_path, lambda: newer(repo, 1))


def test_articles_added_one_by_one(bulk, tmp_path: Path) -> None:
    db, repo, _ids = bulk
    counter = iter(range(1, 100))
    check(db, tmp_path, lambda: newer(repo, next(counter)), rounds=4)


def test_recent_segment_takes_new_documents_and_is_folded_a_few_shards_at_a_time(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import search.export

    monkeypatch.setattr(search.export, "SHARD_TARGET_BYTES", 400)
    monkeypatch.setattr(search.export, "RECENT_MIN_DOCS", 50)
    monkeypatch.setattr(search.export, "RECENT_BYTES", 10**6)
    db, repo, _ids = make_archive(tmp_path / "archive.sqlite")
    add_bulk(repo, 60)
    site = tmp_path / "public"
    build_site(db, site)

    def main_shards() -> dict[str, bytes]:
        return {rel: data for rel, data in site_files(site).items() if rel.startswith(("search/t/", "search/p/"))}

    rewritten = []
    for n in range(1, 6):  # like the bulk stories, so that the average field lengths stay put
        if n == 3:  # from now on, the segment is over its budget
            monkeypatch.setattr(search.export, "RECENT_BYTES", 250)
        before = main_shards()
        add_story(repo, "harbor-times", f"{STORIES[0][1]} ({100 + n})",
                  f"{STORIES[0][5]}\nStory number {100 + n} of the bulk set.",
                  url=f"https://harbor-times.example/bulk/{100 + n}.html", authors=["Ana Lima"],
                  tags=["Science", "Weather"], published=BASE_DATE + timedelta(days=100 + n),
                  description="Volcano news from harbor-times.")
        report = build_site(db, site)
        assert report.search is not None and report.search.incremental and report.search.analyzed == 1
        meta = read_payload((site / "search/meta.js").read_text("utf-8"))
        recent_files = sorted(p.relative_to(site).as_posix() for p in (site / "search").glob("r/*/*.js"))
        assert meta.get("recent") and len(recent_files) == 2 * len(meta["recent"]["files"])
        after = main_shards()
        rewritten.append(len({rel for rel in after if before.get(rel) != after[rel]}))
        assert rewritten[-1] < len(after)  # never all the main shards at once
    assert rewritten[:2] == [0, 0]  # within the budget: the main shards are not touched
    assert all(rewritten[2:]), rewritten  # over it: some are folded at every build
    state = marshal.loads((site / ".newsarchive-cache/search-state.marshal").read_bytes())
    recent = state["recent"]
    assert sum(len(t) + len(recent["post"][t]) + len(recent["pos"][t]) for t in recent["post"]) <= 250
    fresh = tmp_path / "fresh"
    build_site(db, fresh)
    assert_same_site(site, fresh)
    db.close()


def test_article_with_a_new_author_tag_and_source(bulk, tmp_path: Path) -> None:
    db, repo, _ids = bulk

    def change() -> None:
        add_story(repo, "river-gazette", "Otters return to the river", "Otters were seen again near the mill.",
                  authors=["Zed Quill"], tags=["Nature", "Rivers"], published=BASE_DATE + timedelta(days=120))
    check(db, tmp_path, change)


def test_author_whose_slug_collides_with_an_existing_one(bulk, tmp_path: Path) -> None:
    """'ana lima!' sorts before 'ana-lima'... and takes a slug: other authors' pages may move."""
    db, repo, _ids = bulk
    check(db, tmp_path, lambda: newer(repo, 1, authors=["ANA LIMA"]))


def test_article_filed_in_the_past(bulk, tmp_path: Path) -> None:
    db, repo, _ids = bulk
    check(db, tmp_path, lambda: newer(repo, -300))


def test_article_updated_with_a_revision(bulk, tmp_path: Path) -> None:
    db, repo, ids = bulk
    title = STORIES[1][1]

    def change() -> None:
        source_id = repo.ensure_source("harbor-times")
        with db.session() as s:
            url = s.get(Article, ids[title]).url  # type: ignore[union-attr]
        repo.store_article(source_id, url, extraction(title, STORIES[1][5] + "\nThe vote was close.",
                                                      authors=["Ben Ode"], tags=["Politics", "Transport"],
                                                      published=BASE_DATE + timedelta(days=3)),
                           WarcPointer("a.warc.gz", 5, 1), fetched_at=BASE_DATE + timedelta(days=200))
    check(db, tmp_path, change)
    site = tmp_path / "public"
    sitemap = lxml.etree.parse(str(site / "sitemap.xml")).getroot()
    locs = [e.text or "" for e in sitemap.iter("{http://www.sitemaps.org/schemas/sitemap/0.9}loc")]
    assert any(f"articles/{ids[title]}-" in loc and loc.endswith("/revisions/2/index.html") for loc in locs)


def test_articles_added_then_one_deleted(bulk, tmp_path: Path) -> None:
    """A re-export after appends: the recent segment (if any) is folded back into the full index."""
    db, repo, ids = bulk
    steps = iter([lambda: newer(repo, 1), lambda: newer(repo, 2), lambda: delete_article(db, ids[STORIES[2][1]])])
    check(db, tmp_path, lambda: next(steps)(), rounds=3)
    meta = read_payload((tmp_path / "public/search/meta.js").read_text("utf-8"))
    assert "recent" not in meta and not list((tmp_path / "public/search").glob("r/*/*.js"))


def delete_article(db: Database, victim: int) -> None:
    with db.session() as s:
        s.execute(delete(Revision).where(Revision.article_id == victim))
        s.execute(delete(Alias).where(Alias.article_id == victim))
        s.execute(delete(Article).where(Article.id == victim))


def test_article_deleted(bulk, tmp_path: Path) -> None:
    db, _repo, ids = bulk
    victim = ids[STORIES[2][1]]

    def change() -> None:
        with db.session() as s:
            s.execute(delete(Revision).where(Revision.article_id == victim))
            s.execute(delete(Alias).where(Alias.article_id == victim))
            s.execute(delete(Article).where(Article.id == victim))
    check(db, tmp_path, change)


def test_source_renamed(bulk, tmp_path: Path) -> None:
    db, _repo, _ids = bulk

    def change() -> None:
        with db.session() as s:
            s.execute(update(Source).where(Source.name == "valley-post").values(title="The Valley Post"))
    check(db, tmp_path, change)


def test_article_edited_in_place_without_a_new_version(bulk, tmp_path: Path) -> None:
    """Someone edits a row by hand (no version bump): the site still follows the database."""
    db, _repo, ids = bulk
    target = ids[STORIES[3][1]]

    def change() -> None:
        with db.session() as s:
            s.execute(update(Article).where(Article.id == target).values(title="Storm warning lifted",
                                                                         tags=["Weather", "Valley"]))
    check(db, tmp_path, change)


def test_nothing_changed_writes_nothing(bulk, tmp_path: Path) -> None:
    db, repo, _ids = bulk
    site = tmp_path / "public"
    build_site(db, site)
    newer(repo, 1)
    build_site(db, site)
    report = build_site(db, site)
    assert report.pages_written == 0 and report.pages_deleted == 0


def test_one_article_added_on_both_databases(db_url: str, tmp_path: Path) -> None:
    db = Database(db_url)
    try:
        repo = Repository(db)
        for source, title, authors, tags, offset, text in STORIES:
            add_story(repo, source, title, text, authors=authors, tags=tags,
                      published=BASE_DATE + timedelta(days=offset))
        add_bulk(repo, 30)
        check(db, tmp_path, lambda: newer(repo, 1), rounds=2)
    finally:
        db.close()


@pytest.mark.browser
def test_browser_search_reads_the_recent_segment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Queries on a site whose newest documents are in the recent segment find what they find on a
    fresh full build of the same archive, in the same order (words, prefixes while typing, phrases)."""
    from test_browser import CHROMIUM_ARGS, chromium_path, results

    import search.export

    executable = chromium_path()
    monkeypatch.setattr(search.export, "SHARD_TARGET_BYTES", 400)
    monkeypatch.setattr(search.export, "RECENT_MIN_DOCS", 0)
    monkeypatch.setattr(search.export, "RECENT_BYTES", 250)  # some terms folded into main shards, some not
    db, repo, _ids = make_archive(tmp_path / "archive.sqlite")
    add_bulk(repo, 60)
    site = tmp_path / "public"
    build_site(db, site)
    shards_before = {rel: data for rel, data in site_files(site).items() if rel.startswith("search/t/")}
    for n in (1, 2):
        add_story(repo, "harbor-times", f"{STORIES[0][1]} ({100 + n})",
                  f"{STORIES[0][5]}\nStory number {100 + n}: quokkas queued near the harbor.",
                  url=f"https://harbor-times.example/bulk/{100 + n}.html", authors=["Ana Lima"],
                  tags=["Science", "Weather"], published=BASE_DATE + timedelta(days=100 + n),
                  description="Volcano news from harbor-times.")
        build_site(db, site)
    assert read_payload((site / "search/meta.js").read_text("utf-8")).get("recent")
    shards_after = {rel: data for rel, data in site_files(site).items() if rel.startswith("search/t/")}
    assert shards_after != shards_before  # some postings of the new documents were folded into main shards
    fresh = tmp_path / "fresh"
    build_site(db, fresh)
    assert not read_payload((fresh / "search/meta.js").read_text("utf-8")).get("recent")
    db.close()

    from playwright.sync_api import sync_playwright

    def status(pg: Any) -> str:  # without the time it took
        return re.sub(r"\s*\(\d+ ms\)", "", pg.locator("#search-status").inner_text())

    def run(root: Path) -> list[tuple[str, list[str], str]]:
        out = []
        pg = browser.new_page()
        errors: list[str] = []
        pg.on("pageerror", lambda exc: errors.append(str(exc)))
        for query in ["quokkas", "volcano", '"northern harbor"', "harbor quokka", '"quokkas queued"']:
            pg.goto(root.as_uri() + "/search/index.html?q=" + query)
            pg.wait_for_function("document.getElementById('search-status').textContent.length > 0")
            out.append((query, results(pg), status(pg)))
        for typed in ["quok", "volc"]:
            pg.goto(root.as_uri() + "/search/index.html")
            pg.locator("#q").press_sequentially(typed)
            pg.wait_for_selector("#search-results li[data-result]")
            out.append((typed, results(pg), status(pg)))
        pg.close()
        assert errors == []
        return out

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=executable, headless=True, args=CHROMIUM_ARGS)
        ours, theirs = run(site), run(fresh)
        browser.close()
    assert ours == theirs
    found = dict((q, titles) for q, titles, _status in ours)
    assert sorted(found["quokkas"]) == [f"{STORIES[0][1]} (101)", f"{STORIES[0][1]} (102)"]
    assert sorted(found["quok"]) == sorted(found["quokkas"]) == sorted(found['"quokkas queued"'])
    assert len(found["volcano"]) == 10  # a full first page, documents of both segments


def test_manifest_of_an_earlier_version_is_taken_over(bulk, tmp_path: Path) -> None:
    """Sites built before the manifest became marshal data (.newsarchive-build.json): the next build
    rewrites no unchanged file, removes the files that are no longer made, and drops the old manifest."""
    import json

    from publish.writer import LEGACY_MANIFEST_NAME

    db, _repo, _ids = bulk
    site = tmp_path / "public"
    build_site(db, site)
    data = marshal.loads((site / MANIFEST_NAME).read_bytes())
    files = {rel: {"key": "old-key", "hash": digest} for rel, (_key, digest) in data["files"].items()}
    (site / "old-page.html").write_text("made by an earlier build")
    files["old-page.html"] = {"key": "old-key", "hash": "0" * 64}
    (site / LEGACY_MANIFEST_NAME).write_text(json.dumps({"version": 2, "global": "x", "files": files, "extra": {}}))
    (site / MANIFEST_NAME).unlink()
    before = {rel: p.stat().st_mtime_ns for rel, p in ((p.relative_to(site).as_posix(), p) for p in site.rglob("*"))
              if p.is_file() and not rel.startswith(".")}
    report = build_site(db, site)
    assert report.pages_written == 0 and report.pages_deleted == 1
    assert not (site / "old-page.html").exists() and not (site / LEGACY_MANIFEST_NAME).exists()
    assert (site / MANIFEST_NAME).is_file()
    after = {rel: p.stat().st_mtime_ns for rel, p in ((p.relative_to(site).as_posix(), p) for p in site.rglob("*"))
             if p.is_file() and not rel.startswith(".")}
    assert after == {rel: m for rel, m in before.items() if rel != "old-page.html"}
