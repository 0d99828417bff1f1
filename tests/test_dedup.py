"""Exact duplicates and story clusters (MinHash/LSH), on SQLite and PostgreSQL."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import func, select, update

from archive import dedup
from archive.db import Database
from archive.extract import Extraction
from archive.models import Alias, Article, ArticleSignature, LshBucket
from archive.repository import Repository
from archive.warc import WarcPointer

POINTER = WarcPointer("test.warc.gz", 0, 10)
VOCAB = [f"w{i}" for i in range(3000)]


def story(seed: int, words: int = 300) -> list[str]:
    rng = random.Random(seed)
    return [rng.choice(VOCAB) for _ in range(words)]


def edited(words: list[str], seed: int, changes: int = 8) -> list[str]:
    """A lightly edited copy: a few words replaced, a credit line added (what syndication does)."""
    rng = random.Random(seed)
    out = list(words)
    for _ in range(changes):
        out[rng.randrange(len(out))] = rng.choice(VOCAB)
    return out + ["Reporting", "by", "the", "wire", "desk", "editing", "by", "staff"]


def ex(words: list[str], title: str = "A story") -> Extraction:
    text = " ".join(words)
    return Extraction(ok=True, title=title, text=text, html=f"<p>{text}</p>", word_count=len(words))


@pytest.fixture
def repo(db_url: str):
    db = Database(db_url)
    yield Repository(db)
    db.close()


def test_normalized_text_hash_ignores_case_punctuation_and_spacing() -> None:
    assert dedup.text_hash("The Mayor said: “No.”\n\nIt rained.") == dedup.text_hash("the mayor said no it  rained")
    assert dedup.text_hash("The mayor said yes") != dedup.text_hash("The mayor said no")


def test_signature_similarity_tracks_jaccard() -> None:
    a = story(1)
    near = dedup.signature(" ".join(edited(a, 2)))
    far = dedup.signature(" ".join(story(3)))
    base = dedup.signature(" ".join(a))
    assert base is not None and near is not None and far is not None
    assert dedup.similarity(base, near) >= 0.7
    assert dedup.similarity(base, far) < 0.1
    assert dedup.signature("too short to cluster") is None
    assert (dedup.from_bytes(dedup.to_bytes(base)) == base).all()


def test_wire_story_on_three_sites_forms_one_cluster(repo: Repository) -> None:
    wire = story(10)
    ids = {}
    for n, site in enumerate(["gazette", "herald", "courier"]):
        sid = repo.ensure_source(site)
        result = repo.store_article(sid, f"https://{site}.example/2025/wire-story",
                                    ex(edited(wire, 100 + n), title=f"{site}: Storm hits coast"), POINTER)
        assert result.outcome == "new"
        ids[site] = result.article_id
    other = repo.store_article(repo.ensure_source("gazette"), "https://gazette.example/2025/other",
                               ex(story(11)), POINTER)
    with repo.db.session() as s:
        clusters = {site: s.get(Article, i).cluster_id for site, i in ids.items()}
        assert set(clusters.values()) == {ids["gazette"]}  # the oldest member names the cluster
        assert s.get(Article, other.article_id).cluster_id == other.article_id
        siblings = repo.cluster_siblings(s, ids["herald"])
        assert sorted(a.source.name for a in siblings) == ["courier", "gazette"]
        assert repo.cluster_siblings(s, other.article_id) == []
        bands, _rows = dedup._lsh_params()
        assert s.scalar(select(func.count()).select_from(LshBucket)
                        .where(LshBucket.article_id == ids["herald"])) == bands


def test_exact_copy_under_another_url_of_the_same_source_is_an_alias(repo: Repository) -> None:
    sid = repo.ensure_source("gazette")
    words = story(20)
    first = repo.store_article(sid, "https://gazette.example/2025/storm", ex(words), POINTER)
    copy = repo.store_article(sid, "https://gazette.example/print/2025/storm?page=all", ex(words), POINTER)
    assert copy.outcome == "duplicate" and copy.article_id == first.article_id
    # another source publishing the identical text is a separate article in the same cluster
    other = repo.store_article(repo.ensure_source("herald"), "https://herald.example/storm", ex(words), POINTER)
    assert other.outcome == "new"
    with repo.db.session() as s:
        assert s.scalar(select(func.count()).select_from(Article)) == 2
        aliases = set(s.scalars(select(Alias.url).where(Alias.article_id == first.article_id)))
        assert "https://gazette.example/print/2025/storm?page=all" in aliases
        assert s.get(Article, other.article_id).cluster_id == first.article_id
        assert repo.get_article(s, "https://gazette.example/print/2025/storm?page=all").id == first.article_id


def test_rewritten_article_leaves_its_cluster_signature_behind(repo: Repository) -> None:
    a, b = repo.ensure_source("a"), repo.ensure_source("b")
    wire = story(30)
    first = repo.store_article(a, "https://a.example/x", ex(wire), POINTER)
    second = repo.store_article(b, "https://b.example/x", ex(edited(wire, 31)), POINTER)
    updated = repo.store_article(b, "https://b.example/x", ex(story(32)), POINTER)
    assert updated.outcome == "updated"
    third = repo.store_article(a, "https://a.example/y", ex(edited(story(32), 33)), POINTER)
    with repo.db.session() as s:
        assert s.scalar(select(func.count()).select_from(ArticleSignature)) == 3
        # b's new text is the same story as a's /y, not as a's /x any more
        assert s.get(Article, third.article_id).cluster_id == s.get(Article, second.article_id).cluster_id
        assert s.get(Article, first.article_id).cluster_id == first.article_id


def test_backfill_after_upgrade_recomputes_clusters(repo: Repository) -> None:
    a, b = repo.ensure_source("a"), repo.ensure_source("b")
    wire = story(40)
    first = repo.store_article(a, "https://a.example/x", ex(wire), POINTER)
    second = repo.store_article(b, "https://b.example/x", ex(edited(wire, 41)), POINTER)
    with repo.db.session() as s:  # the state a migrated database starts in
        s.execute(update(Article).values(text_hash="", cluster_id=Article.id))
        s.query(LshBucket).delete()
        s.query(ArticleSignature).delete()
    assert repo.backfill_dedup(batch=1) == 2
    assert repo.backfill_dedup() == 0
    with repo.db.session() as s:
        assert s.get(Article, second.article_id).cluster_id == first.article_id
        assert all(s.scalars(select(Article.text_hash)))
