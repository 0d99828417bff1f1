"""The static search index of the published site: term-sharded, loaded by <script> tags.

Layout (all under `search/` of the site, each file one call `__na(name, data)`):

- `meta.js`      N, BM25 constants, the first term of every shard, sources, months (chart).
- `t/<i>.js`     one shard of terms (sorted, so a prefix lives in one or two shards):
                 ``{term: "<postings>"}``; postings are varint doc-number deltas, each followed
                 by one character: the term's BM25F saturation (tf part, 0..63). The IDF is computed
                 in the browser from the posting count and N, so a shard only changes when a
                 document with one of its terms changes.
- `p/<i>.js`     positions of the same terms, only loaded for quoted phrases.
- `d/<n>.js`     one document: title, page path, source, date, authors, the start of the text
                 (for the excerpt). Only the shown results are loaded.
- `s/<i>.js`     the doc numbers of one source (loaded only when filtering by source).
- `dates.js`     first doc number of each day (loaded only for a date filter).

Documents are numbered by date, oldest first: "newest" is descending doc number, and a date
range is a doc-number range. Adding a newer article appends a number and renumbers nothing.

The analysis (tokenize, lowercase, stop words, Porter stem) is the one of
`search.analysis.english_analyzer()`; `templates/static/stem.js` is its JavaScript port and
tests/test_stemmer_parity.py requires both to agree on the whole vocabulary.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Protocol

from whoosh.analysis import STOP_WORDS
from whoosh.lang.porter import stem as porter_stem

from search.analysis import english_analyzer

FORMAT_VERSION = 1
K1 = 1.2
B = 0.75
Q_LEVELS = 63  # quantization of the saturation value: one base-64 character
FIELD_WEIGHTS = {"title": 3.0, "dek": 1.5, "meta": 1.5, "body": 1.0}
FIELD_GAP = 10  # positions between fields, so a phrase never spans two fields
SHARD_TARGET_BYTES = 16_000
EXCERPT_CHARS = 1500
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"

# The tokenizer and filters of whoosh's StemmingAnalyzer, unrolled for speed (the parity test
# checks this against english_analyzer() itself).
MIN_TOKEN = 2


class OutputWriter(Protocol):
    def write(self, rel: str, content: str | bytes, key: str = "") -> bool: ...


@dataclass
class SearchDocument:
    """What the export needs of one article."""

    id: int
    title: str
    path: str  # page path relative to the site root, e.g. articles/12-x/index.html
    source: str
    date: datetime
    description: str = ""
    authors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    text: str = ""


@lru_cache(maxsize=500_000)
def _stem(word: str) -> str:
    return porter_stem(word)


_STOPS = frozenset(STOP_WORDS)


def analyze(text: str) -> list[str]:
    """The stems of `text` in order (stop words removed, positions renumbered)."""
    return _fast_stems(text)


def analyze_with_whoosh(text: str) -> list[str]:
    """Reference: the same through the Whoosh analyzer object (slower)."""
    return [t.text for t in english_analyzer()(text)]


# -- encoding --------------------------------------------------------------------------------

def varint(n: int, out: list[str]) -> None:
    """5 data bits per character; a character >= 32 means more follow (low bits first)."""
    while n >= 32:
        out.append(ALPHABET[32 | (n & 31)])
        n >>= 5
    out.append(ALPHABET[n])


def js_payload(name: str, data: object) -> str:
    """`__na("name", data);` with nothing that could end the script element or the string."""
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    raw = (raw.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
           .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))
    raw = raw.encode("utf-8", "replace").decode("utf-8")  # lone surrogates from bad pages
    return f"__na({json.dumps(name)},{raw});\n"


def _round_avg(value: float) -> float:
    """Average field lengths on a 5% log grid, so adding one document rarely changes them."""
    if value <= 1:
        return 1.0
    return round(1.05 ** round(math.log(value, 1.05)), 3)


# -- the export ------------------------------------------------------------------------------

@dataclass
class ExportReport:
    documents: int
    terms: int
    shards: int
    files: int
    analyzed: int  # documents analyzed this time (the others came from the cache)


_FIND_TOKENS = re.compile(r"[\w\*]+(?:\.?[\w\*]+)*").findall
_STEMS: dict[str, str | None] = {}


def _fast_stems(text: str) -> list[str]:
    """analyze() with a plain dict cache: same output (stop words and short words map to None)."""
    out = []
    cache = _STEMS
    for word in _FIND_TOKENS(text):
        stemmed = cache.get(word, "")
        if stemmed == "":
            lower = word.lower()
            stemmed = None if len(lower) < MIN_TOKEN or lower in _STOPS else _stem(lower)
            if len(cache) < 2_000_000:
                cache[word] = stemmed
        if stemmed is not None:
            out.append(stemmed)
    return out


def _varint_str(n: int) -> str:
    out: list[str] = []
    varint(n, out)
    return "".join(out)


_VARINTS = [_varint_str(n) for n in range(32768)]  # every 1-3 character code, precomputed


def _encode_positions(positions: list[int]) -> str:
    table = _VARINTS
    out = [table[len(positions)] if len(positions) < 32768 else _varint_str(len(positions))]
    last = 0
    for p in positions:
        d = p - last
        out.append(table[d] if d < 32768 else _varint_str(d))
        last = p
    return "".join(out)


DocTerms = tuple[tuple[int, int, int, int], dict[str, tuple[int, int, int, int, str]]]


def analyze_document(doc: SearchDocument) -> DocTerms:
    """Field lengths and, per term: tf in title, dek, meta, body, and its encoded positions."""
    title, dek, body = _fast_stems(doc.title), _fast_stems(doc.description), _fast_stems(doc.text)
    meta = Counter(_fast_stems(" ".join([*doc.authors, *doc.tags])))
    meta_len = sum(meta.values())
    positions: dict[str, list[int]] = {}
    tfs: dict[str, list[int]] = {}
    offset = 0
    for index, words in ((0, title), (1, dek), (3, body)):  # phrase-searchable text
        for pos, term in enumerate(words, offset):
            plist = positions.get(term)
            if plist is None:
                positions[term] = [pos]
                tfs[term] = [0, 0, 0, 0]
            else:
                plist.append(pos)
            tfs[term][index] += 1
        offset += len(words) + FIELD_GAP
    terms: dict[str, tuple[int, int, int, int, str]] = {}
    for term, plist in positions.items():
        t = tfs[term]
        terms[term] = (t[0], t[1], meta.pop(term, 0), t[3], _encode_positions(plist))
    for term, count in meta.items():
        terms[term] = (0, 0, count, 0, _VARINTS[0])
    return (len(title), len(dek), meta_len, len(body)), terms


def doc_cache_key(doc: SearchDocument) -> str:
    return input_hash(doc.title, doc.description, doc.authors, doc.tags, doc.text)


def input_hash(*parts: object) -> str:
    import hashlib

    raw = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha1(raw.encode("utf-8", "surrogatepass")).hexdigest()


def export_search_index(docs: Iterable[SearchDocument], writer: OutputWriter, *, prefix: str = "search/",
                        sources: Sequence[tuple[str, str]] = (),
                        progress: Callable[[int], None] | None = None,
                        cache: dict[int, tuple[str, DocTerms]] | None = None,
                        state: dict[str, Any] | None = None) -> ExportReport:
    """Write the static index of `docs` through `writer` (which skips files whose content is unchanged).

    `cache` maps article id -> (key, analysis) and is updated in place: documents whose text did
    not change are not analyzed again. `state` (also updated in place) keeps the encoded postings
    of the previous export: when the only change is documents appended after the newest one (the
    usual case: new articles) only their postings are encoded.
    """
    ordered = sorted(docs, key=lambda d: (d.date, d.id))
    cache = cache if cache is not None else {}
    source_names = sorted({d.source for d in ordered} | {name for name, _ in sources})
    source_titles = dict(sources)
    source_index = {name: i for i, name in enumerate(source_names)}
    n_docs = len(ordered)

    analyses: list[DocTerms] = []
    keys: list[str] = []
    analyzed = 0
    files = 0
    seen: set[int] = set()
    up_to_date = getattr(writer, "up_to_date", None)
    for docnum, doc in enumerate(ordered):
        key = doc_cache_key(doc)
        keys.append(key)
        hit = cache.get(doc.id)
        if hit is None or hit[0] != key:
            hit = (key, analyze_document(doc))
            cache[doc.id] = hit
            analyzed += 1
        seen.add(doc.id)
        analyses.append(hit[1])
        rel = f"{prefix}d/{docnum}.js"
        file_key = input_hash(key, doc.id, doc.path, doc.source, source_index[doc.source], str(doc.date))
        if up_to_date is None or not up_to_date(rel, file_key):
            files += writer.write(rel, js_payload(f"d/{docnum}", {
                "t": doc.title, "u": doc.path, "s": source_index[doc.source],
                "d": doc.date.astimezone(UTC).strftime("%Y-%m-%d"), "a": ", ".join(doc.authors),
                "x": (doc.description + "\n" if doc.description else "") + doc.text[:EXCERPT_CHARS],
            }), file_key)
        if progress:
            progress(1)
    for stale in set(cache) - seen:
        del cache[stale]

    avgs = [_round_avg(sum(a[0][i] for a in analyses) / max(1, n_docs)) for i in range(4)]
    weights = list(FIELD_WEIGHTS.values())
    scale = Q_LEVELS / (K1 + 1)
    postings: dict[str, list[str]] = defaultdict(list)
    positions: dict[str, list[str]] = defaultdict(list)
    last_doc: dict[str, int] = {}
    state = state if state is not None else {}
    ids = [d.id for d in ordered]
    first_new = 0
    old_n = len(state.get("ids", []))
    if (state.get("v") == FORMAT_VERSION and state.get("avgs") == avgs and old_n <= n_docs
            and state.get("ids") == ids[:old_n] and state.get("keys") == keys[:old_n]):
        first_new = old_n  # only appended documents: extend the previous postings
        for term, encoded_post in state["post"].items():
            postings[term].append(encoded_post)
        for term, encoded_pos in state["pos"].items():
            positions[term].append(encoded_pos)
        last_doc.update(state["last"])
    for docnum in range(first_new, n_docs):
        lens, terms = analyses[docnum]
        n0, n1, n2, n3 = (w / (1 - B + B * dl / avg) for w, dl, avg in zip(weights, lens, avgs, strict=True))
        for term, (t0, t1, t2, t3, pos) in terms.items():
            weighted = t0 * n0 + t1 * n1 + t2 * n2 + t3 * n3
            q = round(weighted * (K1 + 1) / (weighted + K1) * scale)
            q = 1 if q < 1 else (Q_LEVELS if q > Q_LEVELS else q)
            delta = docnum - last_doc.get(term, 0)
            last_doc[term] = docnum
            postings[term].append((_VARINTS[delta] if delta < 32768 else _varint_str(delta)) + ALPHABET[q])
            positions[term].append(pos)

    # Cut the sorted vocabulary into shards of about SHARD_TARGET_BYTES.
    terms_sorted = sorted(postings, key=lambda t: t.encode("utf-16-be", "surrogatepass"))  # JS string order
    shards: list[list[str]] = []
    current: list[str] = []
    size = 0
    encoded: dict[str, str] = {}
    joined_pos: dict[str, str] = {}
    for term in terms_sorted:
        encoded[term] = "".join(postings[term])
        joined_pos[term] = "".join(positions[term])
        term_size = len(term) + len(encoded[term]) + 6
        if current and size + term_size > SHARD_TARGET_BYTES:
            shards.append(current)
            current, size = [], 0
        current.append(term)
        size += term_size
    if current:
        shards.append(current)

    for i, shard in enumerate(shards):
        files += writer.write(f"{prefix}t/{i}.js", js_payload(f"t/{i}", {t: encoded[t] for t in shard}))
        files += writer.write(f"{prefix}p/{i}.js",
                              js_payload(f"p/{i}", {t: joined_pos[t] for t in shard}))

    by_source: dict[int, list[int]] = defaultdict(list)
    months: list[list[object]] = []
    days: list[list[object]] = []
    for docnum, doc in enumerate(ordered):
        by_source[source_index[doc.source]].append(docnum)
        day = doc.date.astimezone(UTC).strftime("%Y-%m-%d")
        if not days or days[-1][0] != day:
            days.append([day, docnum])
        if not months or months[-1][0] != day[:7]:
            months.append([day[:7], docnum])
    for i in range(len(source_names)):
        out: list[str] = []
        previous = 0
        for docnum in by_source.get(i, []):
            varint(docnum - previous, out)
            previous = docnum
        files += writer.write(f"{prefix}s/{i}.js", js_payload(f"s/{i}", "".join(out)))
    files += writer.write(f"{prefix}dates.js", js_payload("dates", days))
    meta = {
        "v": FORMAT_VERSION, "n": n_docs, "k1": K1, "q": Q_LEVELS,
        "shards": [shard[0] for shard in shards],
        "sources": [[name, source_titles.get(name) or name] for name in source_names],
        "months": months,
    }
    files += writer.write(f"{prefix}meta.js", js_payload("meta", meta))
    state.clear()
    state.update({"v": FORMAT_VERSION, "avgs": avgs, "ids": ids, "keys": keys, "post": encoded,
                  "pos": joined_pos, "last": last_doc})
    return ExportReport(documents=n_docs, terms=len(terms_sorted), shards=len(shards), files=files,
                        analyzed=analyzed)
