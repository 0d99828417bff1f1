"""What a search returns: snippets, facets, pages, sorting, did-you-mean, related articles."""

from __future__ import annotations

import pytest
from searchutil import keys, make_archive, sqlite_url

from search.analysis import analyzer_for, english_analyzer
from search.backend import SearchBackend
from search.index import SearchIndex


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("results")
    archive = make_archive(sqlite_url(tmp))
    index = SearchIndex(tmp / "index")
    index.sync(archive.repo)
    yield archive, index
    index.close()


def test_is_a_search_backend(indexed):
    assert isinstance(indexed[1], SearchBackend)


def test_analyzers():
    assert [t.text for t in english_analyzer()("The farmers are counting")] == ["farmer", "count"]
    assert [t.text for t in analyzer_for("fr-FR")("des réformes")] == ["réform"]
    assert analyzer_for("") is english_analyzer() and analyzer_for("EN") is english_analyzer()
    assert [t.text for t in analyzer_for("ja")("Tokyo Markets")] == ["tokyo", "markets"]  # no stemmer


def test_hit_fields_and_json(indexed):
    archive, index = indexed
    [hit] = index.search("zelensky").hits
    assert hit.id == archive.ids["geneva"]
    assert (hit.title, hit.source, hit.url) == ("Ukraine talks resume in Geneva", "daily",
                                                "https://daily.example/news/geneva")
    assert hit.published.isoformat() == "2025-05-03T09:00:00+00:00"
    data = hit.to_json()
    assert list(data) == ["id", "url", "title", "source", "published", "score", "snippet"]
    assert data["published"] == "2025-05-03T09:00:00+00:00" and data["score"] > 0


def test_snippet_highlights_stemmed_matches_and_escapes(indexed):
    archive, index = indexed
    [hit] = index.search("exchange zelensky").hits
    assert hit.snippet == ("Diplomats from Ukraine and Russia met in Geneva on Monday. The talks focused on "
                           "grain exports and prisoner <mark>exchanges</mark>. <mark>Zelensky</mark> "
                           "said progress was slow.")
    [hit] = index.search("syndicated").hits
    assert "<mark>Syndicated</mark>" in hit.snippet and "last year&#x27;s" in hit.snippet


def test_snippet_is_the_best_fragment_not_the_first(indexed):
    _, index = indexed
    [hit] = index.search("lighthouse harbour").hits
    # "lighthouse" is in the first sentence too, but only the last one has both words.
    assert hit.snippet.startswith("… ")
    assert "<mark>harbour</mark>" in hit.snippet and "<mark>lighthouse</mark> footage" in hit.snippet
    assert "premiere" not in hit.snippet


def test_snippet_never_marks_excluded_words(indexed):
    _, index = indexed
    [hit] = index.search("grain -harvest").hits
    assert "<mark>grain</mark>" in hit.snippet and "<mark>" not in hit.snippet.replace("<mark>grain", "")


def test_facets_count_the_whole_result_set(indexed):
    _, index = indexed
    results = index.search("grain", limit=1, facets=True)
    assert results.total == 4 and len(results.hits) == 1
    assert results.facets == {
        "source": [("courier", 1), ("daily", 2), ("herald", 1)][::1] and
        [("daily", 2), ("courier", 1), ("herald", 1)],
        "year": [("2025", 3), ("2024", 1)],
        "section": [("Business", 3), ("World", 1)],
    }
    assert index.facets()["source"] == [("daily", 3), ("herald", 3), ("courier", 2)]


def test_pages(indexed):
    archive, index = indexed
    first = index.search("grain", limit=3, sort="newest")
    second = index.search("grain", limit=3, page=2, sort="newest")
    assert (first.total, first.pages, first.page, second.page) == (4, 2, 1, 2)
    assert keys(archive, first.hits) == ["farmers-copy", "farmers", "geneva"]
    assert keys(archive, second.hits) == ["wheat"]
    assert index.search("grain", limit=3, page=3).hits == []


def test_collapse_near_duplicates(indexed):
    archive, index = indexed
    got = index.search("kharkiv", collapse=True)
    assert len(got.hits) == 1 and keys(archive, got.hits)[0] in ("farmers", "farmers-copy")
    assert got.total == 1
    assert len(index.search("kharkiv").hits) == 2


def test_did_you_mean(indexed):
    archive, index = indexed
    results = index.search("ukriane talks")
    assert results.hits == [] and results.suggestion == "ukraine talks"
    assert keys(archive, index.search(results.suggestion).hits) == ["geneva"]
    assert index.search("ukraine talks").suggestion is None  # known words: no suggestion
    assert index.search("qwxzv").suggestion is None  # nothing close
    assert "festival" in index.suggest("festivl")


def test_related_articles_exclude_self_and_near_duplicates(indexed):
    archive, index = indexed
    related = keys(archive, index.more_like_this(archive.ids["farmers"], limit=5))
    assert "farmers" not in related and "farmers-copy" not in related
    assert related[0] in ("wheat", "geneva")
    assert set(related) <= {"wheat", "geneva", "rates", "storm", "festival", "reformes"}
    assert index.more_like_this(999_999) == []


def test_newest_sort(indexed):
    archive, index = indexed
    got = index.search("grain OR storm OR festival OR rates", sort="newest", limit=10)
    dates = [h.published for h in got.hits]
    assert dates == sorted(dates, reverse=True)
    with pytest.raises(Exception, match="unknown sort"):
        index.search("grain", sort="oldest")


def test_totals_and_facets_count_every_match_past_the_top_ten(tmp_path):
    """Once the top 10 is full, Whoosh's collector drops a segment whose best possible score
    cannot reach it; the total must still count its documents (it did not: articles added by the
    latest sync, in their own segment, were missing from the count)."""
    from datetime import UTC, datetime

    top = {f"top-{i}": dict(source="daily", title=f"Grain harvest {i}", text="grain harvest " * (10 + i) + "ends.",
                            published=datetime(2024, 1, 1, tzinfo=UTC)) for i in range(20)}
    archive = make_archive(sqlite_url(tmp_path), top)
    index = SearchIndex(tmp_path / "index")
    index.sync(archive.repo)
    for i in range(300):  # long articles that mention each word once, indexed by a later sync
        archive.store(f"tail-{i}", source="herald" if i % 2 else "courier", title=f"Weather report {i}",
                      text="Rain again. " * 150 + "The grain was late and the harvest small.",
                      published=datetime(2023, 1, 1, tzinfo=UTC))
    index.sync(archive.repo)
    assert len(index.searcher().reader().leaf_readers()) == 2
    for text in ["grain harvest", "grain AND harvest", '"grain harvest"', "grain OR harvest", "grain"]:
        expected = 20 if text == '"grain harvest"' else 320
        assert index.search(text).total == expected, text
        assert index.search(text, page=2).total == expected, text
        faceted = index.search(text, facets=True)
        assert faceted.total == sum(n for _, n in faceted.facets["source"]) == expected, text
    index.close()
