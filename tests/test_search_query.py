"""The query language: every operator against a literal corpus, with exact hit lists."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from searchutil import keys, make_archive, sqlite_url

from search.index import SearchIndex


@pytest.fixture(scope="module")
def indexed(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("query")
    archive = make_archive(sqlite_url(tmp))
    index = SearchIndex(tmp / "index")
    index.sync(archive.repo)
    yield archive, index
    index.close()


def newest(indexed, q: str, **kw) -> list[str]:
    archive, index = indexed
    results = index.search(q, sort="newest", limit=50, **kw)
    assert results.notices == [], results.notices
    assert results.total == len(results.hits)
    return keys(archive, results.hits)


@pytest.mark.parametrize("q, expected", [
    ("grain", ["farmers-copy", "farmers", "geneva", "wheat"]),
    ("grain harvest", ["farmers-copy", "farmers", "wheat"]),  # AND by default
    ("grain AND harvest", ["farmers-copy", "farmers", "wheat"]),
    ("storm OR festival", ["storm", "festival"]),
    ("grain NOT harvest", ["geneva"]),
    ("grain -harvest", ["geneva"]),
    ('"grain silos"', ["farmers-copy", "farmers"]),
    ('"silos grain"', []),
    ("title:grain", ["wheat"]),
    ("author:smith", ["farmers-copy", "farmers", "geneva"]),
    ('author:"jane smith"', ["farmers-copy", "farmers", "geneva"]),
    ("author:lopez", ["storm"]),
    ("source:herald", ["reformes", "wheat", "festival"]),
    ("source:herald grain", ["wheat"]),
    ("tag:economy", ["rates", "wheat"]),
    ("tag:ukraine", ["farmers-copy", "farmers", "geneva"]),
    ("lang:fr", ["reformes"]),
    ("published:2025-05", ["rates", "farmers-copy", "farmers", "geneva"]),
    ("published:2023", ["storm"]),
    ("published:[2025-05-01 TO 2025-05-20]", ["farmers", "geneva"]),
    ("since:2025-05-21", ["reformes", "rates", "farmers-copy"]),
    ("until:2023-12-31", ["storm", "festival"]),
    ("since:2024-01-01 until:2025-05-03", ["geneva", "wheat"]),
    ("grain published:2025-05", ["farmers-copy", "farmers", "geneva"]),  # words + dates: column filter
    ("grain since:2025-05-04", ["farmers-copy", "farmers"]),
    ("grain since:2024-01-01 until:2025-05-03", ["geneva", "wheat"]),
    ("grain -harvest since:2025-01-01", ["geneva"]),
    ("festival OR storm until:2023-12-31", ["storm", "festival"]),
    ("grain published:2021", []),
    ("ukrain*", ["farmers-copy", "farmers", "geneva"]),
    ("kharkov~", ["farmers-copy", "farmers"]),
    ("(storm OR premiere) AND river", ["storm"]),
    ("(grain OR rates) inflation", ["rates"]),
    ("farmer", ["farmers-copy", "farmers", "wheat"]),  # stemming: farmer ~ farmers
    ("retraite", ["reformes"]),  # French stemmer for the French article
    ("title:réformes", ["reformes"]),
    ("volcano", []),
    ("source:nowhere", []),
    ("grain NOT grain", []),
])
def test_operators(indexed, q, expected):
    assert newest(indexed, q) == expected


def test_title_match_ranks_first(indexed):
    archive, index = indexed
    hits = index.search("grain").hits
    assert keys(archive, hits)[0] == "wheat"  # the only article with grain in its title
    assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)


def test_filters_match_query_syntax(indexed):
    from datetime import date

    archive, index = indexed
    assert keys(archive, index.search("grain", source="courier", sort="newest").hits) == ["farmers"]
    got = index.search("grain", since=date(2025, 5, 1), until=date(2025, 5, 20), sort="newest")
    assert keys(archive, got.hits) == ["farmers", "geneva"]
    assert index.search("grain", source="nowhere").hits == []


@pytest.mark.parametrize("q, expected, notice", [
    ("(grain", ["farmers-copy", "farmers", "geneva", "wheat"], "parenthes"),
    ("grain )", ["farmers-copy", "farmers", "geneva", "wheat"], "parenthes"),
    ('grain "silos', ["farmers-copy", "farmers"], "quote"),
    ("grain OR", ["farmers-copy", "farmers", "geneva", "wheat"], "OR"),
    ("AND grain", ["farmers-copy", "farmers", "geneva", "wheat"], "AND"),
    ("storm AND AND river", ["storm"], "AND"),
    ("published:yesterday storm", ["storm"], "published:yesterday"),
    ("published:[2025-13-01 TO 2025-14-01] storm", ["storm"], "published"),
    ("since:soon storm", ["storm"], "since:soon"),
    ("foo:storm", ["storm"], "foo:"),
    ("NOT", [], "NOT"),
    ('"', [], "quote"),
    ("the and of", [], "common words"),
    ("title:", [], "'title:': nothing follows it"),
    ("grain author: OR storm", ["farmers-copy", "farmers", "geneva", "wheat", "storm"], "'author:': nothing follows"),
    ("title: grain", ["wheat"], "as 'title:grain'"),
    ("*", [], "a wildcard needs letters before it"),
    ("title:* storm", ["storm"], "a wildcard needs letters before it"),
    ("*grain", ["farmers-copy", "farmers", "geneva", "wheat"], "only the end of a word"),
    ("()", [], "no words"),
    ("- ~", [], "no words"),
])
def test_malformed_queries_fall_back(indexed, q, expected, notice):
    archive, index = indexed
    results = index.search(q, sort="newest", limit=50)
    assert keys(archive, results.hits) == expected
    assert any(notice in n for n in results.notices), results.notices


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(list('ab grain()"*~-:^[]{}TOANDORNT0123456789') +
                                ["title:", "published:", "since:", " OR ", " AND ", " NOT "]),
                max_size=25).map("".join))
def test_no_query_raises(indexed, q):
    _, index = indexed
    results = index.search(q, facets=True)
    assert results.total >= len(results.hits)


def test_empty_query(indexed):
    _, index = indexed
    results = index.search("   ")
    assert (results.hits, results.total, results.pages) == ([], 0, 0)


def test_fast_phrases_find_and_score_what_whoosh_phrases_do(tmp_path):
    """search/phrase.py against Whoosh's own Phrase on a three-segment index: same documents,
    same scores, same order, for phrases of 2-4 words, repeated words, words at the start of a
    text after stop words, and phrases spanning a stop word."""
    import random

    from whoosh import query

    from search.analysis import english_analyzer
    from search.phrase import FastPhrase, fast_phrases

    words = ["grain", "harvest", "export", "deal", "port", "ship", "price", "farmer", "war", "field"]
    rng = random.Random(4)
    corpus = {}
    for i in range(420):  # > 128 postings per common word: several blocks per posting list
        text = " ".join(rng.choice(words + ["the", "of"]) for _ in range(rng.randint(3, 120)))
        corpus[f"a{i}"] = dict(source="daily", title=f"Story {i}", text=text)
    archive = make_archive(sqlite_url(tmp_path), {k: corpus[k] for k in list(corpus)[:200]})
    index = SearchIndex(tmp_path / "index")
    index.sync(archive.repo)
    for part in (list(corpus)[200:320], list(corpus)[320:]):
        for key in part:
            archive.store(key, **corpus[key])
        index.sync(archive.repo)
    searcher = index.searcher()
    assert len(searcher.reader().leaf_readers()) == 3
    phrases = ["grain harvest", "harvest grain", "export deal port", "the grain of the harvest", "war war",
               "grain grain grain", "price farmer war field", "deal of ship", "story 12", "field story"]
    phrases += [" ".join(rng.choice(words) for _ in range(rng.randint(2, 3))) for _ in range(40)]
    tried = 0
    for text in phrases:
        stems = [t.text for t in english_analyzer()(text)]
        for field in ("body", "title"):
            slow = query.Phrase(field, stems)
            fast = fast_phrases(slow)
            assert isinstance(fast, FastPhrase)
            expected = [(h.docnum, round(h.score, 6)) for h in searcher.search(slow, limit=None)]
            got = [(h.docnum, round(h.score, 6)) for h in searcher.search(fast, limit=None)]
            assert got == expected, (field, text)
            tried += bool(expected)
        results = index.search(f'"{text}"', limit=10)
        assert results.total == len(list(searcher.docs_for_query(query.Phrase("body", stems)))), text
    assert tried > 40
    # inside other queries, and in a fielded, boosted phrase; phrases from the query parser carry
    # char_ranges (for highlighting) and must take the fast path all the same
    for text in ['"grain harvest" OR "export deal"', 'price -"grain harvest"', 'title:"story 12"']:
        q = index._query_language(searcher).parse(text).query
        parsed_phrases = [node for node in q.leaves() if isinstance(node, query.Phrase)]
        assert parsed_phrases and all(node.char_ranges for node in parsed_phrases)
        for leaf, _offset in searcher.leaf_searchers():
            for node in parsed_phrases:
                matcher = fast_phrases(node).matcher(leaf)
                assert "Span" not in type(matcher).__name__, (text, type(matcher))
        expected = [(h.docnum, round(h.score, 6)) for h in searcher.search(q, limit=None)]
        got = [(h.docnum, round(h.score, 6)) for h in searcher.search(fast_phrases(q), limit=None)]
        assert got == expected and got, text


def test_words_and_dates_scored_by_blocks_match_whoosh_exactly(tmp_path, monkeypatch):
    """search/fastscore.py against Whoosh's collector on a three-segment index with deleted
    documents (changed articles): same totals, same hits in the same order, same scores, for one
    word, ANDs of two and three words (the order of the score additions), fielded words, words
    missing from some segments, exact phrases, date ranges and later pages."""
    import random
    from datetime import UTC, date, datetime

    from whoosh import query

    import search.index as search_index

    words = ["grain", "harvest", "export", "deal", "port", "ship", "price", "farmer", "war", "field",
             "storm", "rain"]
    rng = random.Random(9)
    corpus = {}
    for i in range(420):
        text = " ".join(rng.choice(words[:10] + ["the", "of"]) for _ in range(rng.randint(3, 150)))
        corpus[f"a{i}"] = dict(source=rng.choice(["daily", "herald"]), title=f"Story {i} {rng.choice(words)}",
                               text=text, published=datetime(2015 + i % 10, 1 + i % 12, 1 + i % 27, tzinfo=UTC))
    # on the edges of a date range below
    corpus["edge1"] = dict(source="daily", title="Edge", text="grain storm", published=datetime(2018, 1, 1, tzinfo=UTC))
    corpus["edge2"] = dict(source="daily", title="Edge", text="grain storm",
                           published=datetime(2019, 12, 31, 23, 59, 59, 999999, tzinfo=UTC))
    keys_ = list(corpus)
    archive = make_archive(sqlite_url(tmp_path), {k: corpus[k] for k in keys_[:200]})
    index = SearchIndex(tmp_path / "index")
    index.sync(archive.repo)
    for part in (keys_[200:320], keys_[320:]):
        for key in part:
            archive.store(key, **corpus[key])
        for key in rng.sample(keys_[:200], 15):  # changed: the old document is deleted
            archive.store(key, **(corpus[key] | {"text": corpus[key]["text"] + " storm rain"}))
        index.sync(archive.repo)
    searcher = index.searcher()
    assert len(searcher.reader().leaf_readers()) == 3
    assert searcher.reader().has_deletions()
    queries = ["grain", "storm", "rain", "grain harvest", "harvest grain", "storm rain", "export deal port",
               "grain war field", "title:storm", "title:storm grain", "nosuchword", "grain nosuchword",
               '"grain harvest"', '"export deal port"', '"storm rain"', '"rain storm"', 'title:"story 12"']
    ranges = [(None, None), (date(2017, 1, 1), None), (None, date(2019, 6, 30)), (date(2018, 1, 1), date(2019, 12, 31))]
    fast_calls = []
    real_fast_top = search_index.fast_top

    def counting_fast_top(*args):
        result = real_fast_top(*args)
        fast_calls.append(result is not None)
        return result

    compared = phrase_matches = 0
    for text in queries:
        for since, until in ranges:
            for page in (1, 2):
                monkeypatch.setattr(search_index, "fast_top", counting_fast_top)
                fast = index.search(text, since=since, until=until, page=page, limit=7)
                assert fast_calls.pop() is True, text
                monkeypatch.setattr(search_index, "fast_top", lambda *args: None)
                slow = index.search(text, since=since, until=until, page=page, limit=7)
                assert fast.total == slow.total, (text, since, until)
                assert [(h.id, h.score, h.snippet) for h in fast.hits] == [
                    (h.id, h.score, h.snippet) for h in slow.hits], (text, since, until, page)
                compared += len(fast.hits)
        if text.startswith(('"', 'title:"')):
            # the parser's own Phrase, matched by Whoosh's span machinery, deleted documents and all
            plain = index._query_language(searcher).parse(text).query
            assert type(plain) is query.Phrase
            whoosh_total = len(list(searcher.docs_for_query(plain)))
            assert index.search(text).total == whoosh_total, text
            phrase_matches += whoosh_total
    assert compared > 300 and phrase_matches > 50
    # other shapes go through Whoosh
    monkeypatch.setattr(search_index, "fast_top", counting_fast_top)
    for text in ["grain OR storm", "grain -harvest", "harv*", '"grain harvest" storm']:
        index.search(text)
        assert fast_calls.pop() is False, text
    index.close()
