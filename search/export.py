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
from typing import Protocol

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
TOKEN_RE = re.compile(r"[\w\*]+(\.?[\w\*]+)*")
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
    out = []
    for match in TOKEN_RE.finditer(text):
        word = match.group(0).lower()
        if len(word) < MIN_TOKEN or word in _STOPS:
            continue
        out.append(_stem(word))
    return out


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


def _saturation(tfs: Sequence[int], lens: Sequence[int], avgs: Sequence[float]) -> int:
    weighted = 0.0
    for tf, dl, avg, weight in zip(tfs, lens, avgs, FIELD_WEIGHTS.values(), strict=True):
        if tf:
            weighted += weight * tf / (1 - B + B * dl / avg)
    sat = weighted * (K1 + 1) / (weighted + K1)
    return max(1, min(Q_LEVELS, round(sat / (K1 + 1) * Q_LEVELS)))


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


def export_search_index(docs: Iterable[SearchDocument], writer: OutputWriter, *, prefix: str = "search/",
                        sources: Sequence[tuple[str, str]] = (),
                        progress: Callable[[int], None] | None = None) -> ExportReport:
    """Write the static index of `docs` through `writer` (which skips files whose content is unchanged)."""
    ordered = sorted(docs, key=lambda d: (d.date, d.id))
    source_names = sorted({d.source for d in ordered} | {name for name, _ in sources})
    source_titles = dict(sources)
    source_index = {name: i for i, name in enumerate(source_names)}
    n_docs = len(ordered)

    postings: dict[str, list[tuple[int, tuple[int, int, int, int], list[int]]]] = defaultdict(list)
    lengths: list[tuple[int, int, int, int]] = []
    files = 0
    for docnum, doc in enumerate(ordered):
        fields = (analyze(doc.title), analyze(doc.description),
                  analyze(" ".join([*doc.authors, *doc.tags])), analyze(doc.text))
        lengths.append(tuple(len(f) for f in fields))  # type: ignore[arg-type]
        counts = [Counter(f) for f in fields]
        positions: dict[str, list[int]] = defaultdict(list)
        offset = 0
        for index in (0, 1, 3):  # title, dek, body: phrase-searchable text
            for pos, term in enumerate(fields[index]):
                positions[term].append(offset + pos)
            offset += len(fields[index]) + FIELD_GAP
        for term in set().union(*counts):
            tfs = (counts[0][term], counts[1][term], counts[2][term], counts[3][term])
            postings[term].append((docnum, tfs, positions.get(term, [])))
        files += writer.write(f"{prefix}d/{docnum}.js", js_payload(f"d/{docnum}", {
            "t": doc.title, "u": doc.path, "s": source_index[doc.source],
            "d": doc.date.astimezone(UTC).strftime("%Y-%m-%d"), "a": ", ".join(doc.authors),
            "x": (doc.description + "\n" if doc.description else "") + doc.text[:EXCERPT_CHARS],
        }))
        if progress:
            progress(1)

    avgs = [_round_avg(sum(lens[i] for lens in lengths) / max(1, n_docs)) for i in range(4)]

    # Encode each term, then cut the sorted vocabulary into shards of about SHARD_TARGET_BYTES.
    terms = sorted(postings, key=lambda t: t.encode("utf-16-be", "surrogatepass"))  # JS string order
    shards: list[list[str]] = []
    current: list[str] = []
    size = 0
    encoded: dict[str, tuple[str, str]] = {}
    for term in terms:
        plist = postings[term]
        post_out: list[str] = []
        pos_out: list[str] = []
        previous = 0
        for docnum, tfs, positions in plist:
            varint(docnum - previous, post_out)
            previous = docnum
            post_out.append(ALPHABET[_saturation(tfs, lengths[docnum], avgs)])
            varint(len(positions), pos_out)
            last = 0
            for p in positions:
                varint(p - last, pos_out)
                last = p
        encoded[term] = ("".join(post_out), "".join(pos_out))
        term_size = len(term) + len(encoded[term][0]) + 6
        if current and size + term_size > SHARD_TARGET_BYTES:
            shards.append(current)
            current, size = [], 0
        current.append(term)
        size += term_size
    if current:
        shards.append(current)

    for i, shard in enumerate(shards):
        files += writer.write(f"{prefix}t/{i}.js", js_payload(f"t/{i}", {t: encoded[t][0] for t in shard}))
        files += writer.write(f"{prefix}p/{i}.js", js_payload(f"p/{i}", {t: encoded[t][1] for t in shard}))

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
    return ExportReport(documents=n_docs, terms=len(terms), shards=len(shards), files=files)
