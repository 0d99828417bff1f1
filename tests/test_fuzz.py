"""Hypothesis fuzzing of the parts that read strangers' input: URL canonicalization, slugs, the
query language (parser and a real search), and extraction on random and mutated real pages
(/work/shared/eval/extraction-dev, read at test time, never copied)."""

from __future__ import annotations

import gzip
import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from searchutil import make_archive

from archive.extract import Extraction, extract_article
from archive.urls import canonicalize
from newsarchive.errors import UserError
from publish.slugs import MAX_SLUG, RESERVED, SlugRegistry, slugify

EXAMPLES = int(os.environ.get("NEWSARCHIVE_FUZZ_EXAMPLES", "200"))
# ../shared/eval beside the checkout (as in CI), unless NEWSARCHIVE_EVAL_DIR says otherwise.
EVAL_HTML = Path(os.environ.get("NEWSARCHIVE_EVAL_DIR", Path(__file__).resolve().parents[2] / "shared" / "eval")) \
    / "extraction-dev" / "html"
FUZZ = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# -- URLs --------------------------------------------------------------------------------------
url_parts = st.sampled_from(["http://", "https://", "HTTP://", "ftp://", "//", "", "javascript:", "data:",
                             "http://[::1]", "http://user:pw@", "https://xn--"])
hosts = st.sampled_from(["Example.COM", "www.example.com", "m.example.com", "127.0.0.1:8080", "[2001:db8::1]:443",
                         "exa mple.com", "ex%41mple.com", "", "例え.jp", "a" * 300, "host:99999", "host:-1"])
paths = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80)
queries = st.lists(st.tuples(st.sampled_from(["utm_source", "fbclid", "id", "a", "", "amp", "outputType", "q", "%00"]),
                             st.text(max_size=10)), max_size=5)


@st.composite
def urls(draw: st.DrawFn) -> str:
    query = "&".join(f"{k}={v}" for k, v in draw(queries))
    return (draw(url_parts) + draw(hosts) + "/" + draw(paths) + ("?" + query if query else "")
            + draw(st.sampled_from(["", "#frag", "#", "/amp", ".amp.html", "/index.html"])))


@FUZZ
@given(st.one_of(urls(), st.text(max_size=200)))
def test_canonicalize_is_idempotent_and_never_raises(url: str) -> None:
    once = canonicalize(url)
    assert isinstance(once, str)
    assert canonicalize(once) == once


# -- slugs -------------------------------------------------------------------------------------
@FUZZ
@given(st.text(max_size=500))
def test_slugs_are_safe(text: str) -> None:
    slug = slugify(text)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)
    assert len(slug) <= MAX_SLUG and slug not in RESERVED and slug not in (".", "..")


@FUZZ
@given(st.lists(st.text(max_size=120), max_size=40))
def test_slug_registry_is_unique_bounded_and_order_free(names: list[str]) -> None:
    slugs = SlugRegistry("x").assign_all(names)
    assert len(set(slugs.values())) == len(set(names))
    assert all(re.fullmatch(r"[a-z0-9-]+", s) and len(s) <= MAX_SLUG and s not in RESERVED for s in slugs.values())
    assert SlugRegistry("x").assign_all(list(reversed(names))) == slugs


# -- the query language ------------------------------------------------------------------------
QUERY_ATOMS = ["title:", "author:", "tag:", "source:", "published:", "since:", "until:", "lang:", "AND", "OR",
               "NOT", "(", ")", '"', "*", "?", "~", "~2", "^", "^3", "-", "+", "[", "]", "{", "}", "TO", ":",
               "\\", "2024-01-01", "council", "harbour", "réforme", "covid-19", "'", "\x00", "\u202e", "/", " "]
query_texts = st.one_of(
    st.lists(st.sampled_from(QUERY_ATOMS), max_size=30).map("".join),
    st.lists(st.sampled_from(QUERY_ATOMS), max_size=30).map(" ".join),
    st.text(max_size=300),
)


@pytest.fixture(scope="module")
def search_index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from search.index import SearchIndex

    folder = tmp_path_factory.mktemp("fuzzindex")
    archive = make_archive(f"sqlite:///{folder}/a.sqlite")
    index = SearchIndex(folder / "index")
    index.sync(archive.repo)
    yield index
    index.close()
    archive.db.close()


@FUZZ
@given(text=query_texts)
def test_query_parser_never_raises(search_index, text: str) -> None:
    from search.query import QueryLanguage

    searcher = search_index.searcher()
    language = QueryLanguage(searcher.schema, set(searcher.reader().indexed_field_names()))
    parsed = language.parse(text)
    assert parsed.query is not None
    assert all(isinstance(n, str) and "\n" not in n for n in parsed.notices)


@settings(max_examples=max(20, EXAMPLES // 2), deadline=None, suppress_health_check=list(HealthCheck))
@given(text=query_texts, sort=st.sampled_from(["relevance", "newest"]), facets=st.booleans())
def test_search_answers_or_says_why(search_index, text: str, sort: str, facets: bool) -> None:
    try:
        results = search_index.search(text, sort=sort, facets=facets, limit=5)
    except UserError as exc:  # a one-line reason is an answer too
        assert str(exc) and "\n" not in str(exc)
        return
    assert results.total >= len(results.hits)
    for hit in results.hits:
        assert "<script" not in hit.snippet.lower()


# -- extraction ------------------------------------------------------------------------------
def real_pages() -> list[Path]:
    return sorted(EVAL_HTML.glob("*.html.gz"))[:20] if EVAL_HTML.is_dir() else []


def check_extraction(ex: Extraction) -> None:
    assert isinstance(ex, Extraction)
    if ex.ok:
        assert ex.text.strip() and ex.word_count > 0
    else:
        assert ex.reason, "a failed extraction must say why"


@FUZZ
@given(st.one_of(st.binary(max_size=3000), st.text(max_size=3000),
                 st.lists(st.sampled_from(["<p>", "</p>", "<div>", "<table>", "<td>", "<script>", "</script>",
                                           "<!--", "-->", "<![CDATA[", "<?xml?>", "<html>", "<body>", "<meta charset=x>",
                                           "word ", "Story text here. ", "\x00", "\ufeff", "<title>", "&amp;",
                                           "&#0;", "&#x110000;", "<svg>", "<math>", "<a href=javascript:x>"]),
                          max_size=200).map("".join)))
def test_extraction_of_random_input_never_raises(data: bytes | str) -> None:
    check_extraction(extract_article(data, "https://fuzz.example/a"))


@pytest.fixture(scope="module")
def pages() -> list[bytes]:
    files = real_pages()
    if not files:
        pytest.skip(f"no real pages in {EVAL_HTML}")
    return [gzip.decompress(p.read_bytes()) for p in files]


@settings(max_examples=max(20, EXAMPLES // 4), deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_extraction_of_mutated_real_pages_never_raises(pages: list[bytes], data: st.DataObject) -> None:
    page = bytearray(data.draw(st.sampled_from(pages)))
    for _ in range(data.draw(st.integers(1, 6))):
        op = data.draw(st.sampled_from(["cut", "flip", "insert", "delete", "duplicate"]))
        at = data.draw(st.integers(0, max(0, len(page) - 1)))
        if op == "cut":
            page = page[:at]
        elif op == "flip" and page:
            page[at] ^= data.draw(st.integers(1, 255))
        elif op == "insert":
            page[at:at] = data.draw(st.sampled_from([b"<table>" * 300, b"</script>", b"<!--", b"\x00" * 10,
                                                     b"<meta charset=utf-16>", b"\xff\xfe", b"<p>" * 1000,
                                                     "\u202e".encode(), b"]]>", b"<svg onload=x>"]))
        elif op == "delete":
            del page[at:at + data.draw(st.integers(1, 5000))]
        else:
            page[at:at] = page[at:at + data.draw(st.integers(1, 20000))]
    check_extraction(extract_article(bytes(page), "https://fuzz.example/story"))
