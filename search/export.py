"""The static search index of the published site: term-sharded, loaded by <script> tags.

Layout (all under `search/` of the site, each file one call `__na(name, data)`):

- `meta.js`      N, BM25 constants, the first term of every shard and its file id, sources,
                 months (chart).
- `t/<f>.js`     one shard of terms (sorted, so a prefix lives in one or two shards):
                 ``{term: "<postings>"}``; postings are varint doc-number deltas, each followed
                 by one character: the term's BM25F saturation (tf part, 0..63). The IDF is computed
                 in the browser from the posting count and N, so a shard only changes when a
                 document with one of its terms changes. `<f>` is a stable file id: a shard that
                 grows past twice its target size is split into a new file, the others keep theirs.
- `p/<f>.js`     positions of the same terms, only loaded for quoted phrases.
- `r/t/<i>.js`, `r/p/<i>.js`  the "recent" segment (listed in meta.js under `recent`, when there is
                 one): postings and positions of the documents appended since the last merge, cut
                 into small shards. A term's postings are the main shard's string followed by the
                 recent one's (its doc deltas continue from the term's last document in the main shard).
- `d/<n>.js`     one document: title, page path, source, date, authors, the start of the text
                 (for the excerpt). Only the shown results are loaded.
- `s/<i>.js`     the doc numbers of one source (loaded only when filtering by source).
- `dates.js`     first doc number of each day (loaded only for a date filter).

Documents are numbered by date, oldest first: "newest" is descending doc number, and a date
range is a doc-number range. Adding a newer article appends a number and renumbers nothing.

Incremental export: a small `state` (doc ids and keys, field-length sums, the shard table, the
last doc number of every term, the recent segment) is kept between exports. When the only change
is documents appended after the newest one, only those documents are read and analyzed. Their
postings join the recent segment (rewritten whole: a few small files); then, while the segment
is over its budget (RECENT_BYTES), the recent postings of the main shard holding the most of them
are folded into that shard, which alone is read back, extended and rewritten. A build thus
rewrites a handful of main shards, never most of them at once. (Below RECENT_MIN_DOCS documents
there is no recent segment: everything is folded at once, which is cheap there.) Anything else
(an article changed, deleted, or filed before the newest one; a new source; average field
lengths moving to another grid step) re-exports everything, keeping the previous shard
boundaries so that unchanged shards keep identical bytes and are not rewritten.

The analysis (tokenize, lowercase, stop words, Porter stem) is the one of
`search.analysis.english_analyzer()`; `templates/static/stem.js` is its JavaScript port and
tests/test_stemmer_parity.py requires both to agree on the whole vocabulary. Postings are
encoded with numpy over whole batches of documents (no per-position Python work).
"""

from __future__ import annotations

import bisect
import hashlib
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from typing import Any, Protocol

import numpy as np
from whoosh.analysis import STOP_WORDS
from whoosh.lang.porter import stem as porter_stem

from search.analysis import english_analyzer

FORMAT_VERSION = 2
K1 = 1.2
B = 0.75
Q_LEVELS = 63  # quantization of the saturation value: one base-64 character
FIELD_WEIGHTS = {"title": 3.0, "dek": 1.5, "meta": 1.5, "body": 1.0}
FIELD_GAP = 10  # positions between fields, so a phrase never spans two fields
SHARD_TARGET_BYTES = 16_000
RECENT_BYTES = 4 * SHARD_TARGET_BYTES  # budget of the "recent" segment (terms, postings, positions)
RECENT_MIN_DOCS = 1000  # below this, appending to the main shards is cheap: no recent segment
EXCERPT_CHARS = 1500
BATCH_DOCS = 1000  # documents encoded together (bounds the size of the numpy arrays)
ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_"
_ALPHABET_CODES = np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)

# The tokenizer and filters of whoosh's StemmingAnalyzer, unrolled for speed (the parity test
# checks this against english_analyzer() itself).
MIN_TOKEN = 2


class OutputWriter(Protocol):
    def write(self, rel: str, content: str | bytes, key: str = "") -> bool: ...


@dataclass
class SearchDocument:
    """What the export needs of one article. `text` may be left empty when the export is given
    `load_texts` (texts are then read only for the documents it has to analyze); `key` then
    identifies the version of the text (e.g. the article's version and content hash)."""

    id: int
    title: str
    path: str  # page path relative to the site root, e.g. articles/12-x/index.html
    source: str
    date: datetime
    description: str = ""
    authors: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    text: str = ""
    key: str = ""
    ident: str = ""  # when set: identifies all of the above (a hash made by the caller), used as the doc key


@lru_cache(maxsize=500_000)
def _stem(word: str) -> str:
    return porter_stem(word)


_STOPS = frozenset(STOP_WORDS)
_FIND_TOKENS = re.compile(r"[\w\*]+(?:\.?[\w\*]+)*").findall
_STEMS: dict[str, str | None] = {}


def analyze(text: str) -> list[str]:
    """The stems of `text` in order (stop words removed, positions renumbered)."""
    return _fast_stems(text)


def analyze_with_whoosh(text: str) -> list[str]:
    """Reference: the same through the Whoosh analyzer object (slower)."""
    return [t.text for t in english_analyzer()(text)]


def _stem_or_none(word: str) -> str | None:
    lower = word.lower()
    return None if len(lower) < MIN_TOKEN or lower in _STOPS else _stem(lower)


def _fast_stems(text: str) -> list[str]:
    """analyze() with a plain dict cache: same output (stop words and short words map to None)."""
    out = []
    cache = _STEMS
    for word in _FIND_TOKENS(text):
        stemmed = cache.get(word, "")
        if stemmed == "":
            stemmed = _stem_or_none(word)
            if len(cache) < 2_000_000:
                cache[word] = stemmed
        if stemmed is not None:
            out.append(stemmed)
    return out


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


def read_payload(raw: str) -> Any:
    """The data of a file written by js_payload (ValueError when it is not one)."""
    if not raw.startswith("__na(") or not raw.endswith(");\n"):
        raise ValueError("not an index file")
    comma = raw.index(",")
    return json.loads(raw[comma + 1:-3])


def _varints(values: np.ndarray, raw: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Encode every value as a varint (or, where `raw`, as one ALPHABET character): the
    concatenated character codes and the number of characters of each value."""
    values = values.astype(np.int64, copy=False)
    counts = np.ones(len(values), dtype=np.int64)
    rest = values >> 5
    while rest.any():
        counts += rest > 0
        rest >>= 5
    if raw is not None:
        counts[raw] = 1
    starts = np.cumsum(counts) - counts
    out = np.empty(int(counts.sum()), dtype=np.uint8)
    for j in range(int(counts.max(initial=1))):
        sel = counts > j
        if raw is not None and j == 0:
            sel &= ~raw
        digits = (values[sel] >> (5 * j)) & 31
        digits |= np.where(counts[sel] - 1 > j, 32, 0)
        out[starts[sel] + j] = _ALPHABET_CODES[digits]
    if raw is not None:
        out[starts[raw]] = _ALPHABET_CODES[values[raw]]
    return out, counts


def _round_avg(value: float) -> float:
    """Average field lengths on a 5% log grid, so adding one document rarely changes them."""
    if value <= 1:
        return 1.0
    return round(1.05 ** round(math.log(value, 1.05)), 3)


def _js_order(term: str) -> bytes:
    """Sort key giving JavaScript's string order (UTF-16 code units)."""
    return term.encode("utf-16-be", "surrogatepass")


# -- analysis into term ids ------------------------------------------------------------------

class Vocabulary:
    """Maps words to term ids (stems), -1 for stop words and words too short."""

    def __init__(self) -> None:
        self.word_ids: dict[str, int] = {}
        self.term_ids: dict[str, int] = {}
        self.terms: list[str] = []

    def _add(self, word: str) -> int:
        stemmed = _stem_or_none(word)
        if stemmed is None:
            tid = -1
        else:
            tid = self.term_ids.get(stemmed, -1)
            if tid < 0:
                tid = self.term_ids[stemmed] = len(self.terms)
                self.terms.append(stemmed)
        self.word_ids[word] = tid
        return tid

    def ids(self, text: str) -> list[int]:
        """Term ids of the words of `text`, -1 for the words the analyzer drops."""
        if not text:
            return []
        words = _FIND_TOKENS(text)
        ids = list(map(self.word_ids.get, words))
        if None in ids:
            add = self._add
            ids = [add(w) if t is None else t for w, t in zip(words, ids, strict=True)]
        return ids  # type: ignore[return-value]


@dataclass
class Batch:
    """Term ids of consecutive documents: per document its title, dek, body and meta words
    (dropped words still in, as -1: numpy removes them)."""

    docnums: list[int] = field(default_factory=list)
    tokens: list[int] = field(default_factory=list)
    raw_lengths: list[int] = field(default_factory=list)  # per document: title, dek, body, meta
    _arrays: tuple[np.ndarray, np.ndarray] | None = None

    def add(self, docnum: int, vocab: Vocabulary, doc: SearchDocument, text: str) -> None:
        self.docnums.append(docnum)
        for part in (doc.title, doc.description, text, " ".join([*doc.authors, *doc.tags])):
            ids = vocab.ids(part)
            self.tokens.extend(ids)
            self.raw_lengths.append(len(ids))

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        """The kept term ids, and per document the kept lengths (title, dek, body, meta)."""
        if self._arrays is None:
            tok = np.asarray(self.tokens, dtype=np.int64)
            raw = np.asarray(self.raw_lengths, dtype=np.int64)
            keep = tok >= 0
            segment = np.repeat(np.arange(len(raw)), raw)
            lens = np.bincount(segment[keep], minlength=len(raw)).reshape(-1, 4)
            self._arrays = (tok[keep].astype(np.int32), lens)  # int32: 4 bytes a token while waiting
            self.tokens, self.raw_lengths = [], []
        return self._arrays

    def field_sums(self) -> list[int]:
        """Summed lengths in field order (title, dek, meta, body)."""
        lens = self.arrays()[1]
        if not len(lens):
            return [0, 0, 0, 0]
        t, d, b, m = (int(x) for x in lens.sum(axis=0))
        return [t, d, m, b]


def _encode_batch(batch: Batch, avgs: list[float], last_doc: np.ndarray,
                  emit: Callable[[int, str, str], None]) -> None:
    """Postings and positions of one batch, per term: emit(term id, postings, positions) with doc
    deltas continuing from `last_doc[term]` (updated in place)."""
    tok, lens = batch.arrays()  # lens: title, dek, body, meta
    if not len(tok):
        return
    n_docs = len(lens)
    seg = lens.ravel()
    seg_start = np.cumsum(seg) - seg
    offsets = np.zeros((n_docs, 4), dtype=np.int64)
    offsets[:, 1] = lens[:, 0] + FIELD_GAP
    offsets[:, 2] = lens[:, 0] + lens[:, 1] + 2 * FIELD_GAP
    tok_field = np.repeat(np.tile(np.array([0, 1, 3, 2], dtype=np.int64), n_docs), seg)
    tok_doc = np.repeat(np.repeat(np.arange(n_docs, dtype=np.int64), 4), seg)
    tok_pos = np.arange(len(tok), dtype=np.int64) - np.repeat(seg_start, seg) + np.repeat(offsets.ravel(), seg)

    order = np.argsort(tok, kind="stable")  # by term, then document, then position
    t, d, f, p = tok[order], tok_doc[order], tok_field[order], tok_pos[order]
    starts_group = np.ones(len(t), dtype=bool)
    starts_group[1:] = (t[1:] != t[:-1]) | (d[1:] != d[:-1])
    gid = np.cumsum(starts_group) - 1
    first_tok = np.flatnonzero(starts_group)
    n_groups = len(first_tok)
    g_term, g_bdoc = t[first_tok], d[first_tok]
    tf = np.bincount(gid * 4 + f, minlength=n_groups * 4).reshape(n_groups, 4)  # title, dek, meta, body

    # BM25F saturation, quantized
    flens = lens[:, [0, 1, 3, 2]].astype(np.float64)  # title, dek, meta, body
    weights = np.array(list(FIELD_WEIGHTS.values()))
    norms = weights / (1 - B + B * flens / np.array(avgs))
    gn = norms[g_bdoc]
    weighted = tf[:, 0] * gn[:, 0] + tf[:, 1] * gn[:, 1] + tf[:, 2] * gn[:, 2] + tf[:, 3] * gn[:, 3]
    q = np.rint(weighted * (K1 + 1) / (weighted + K1) * (Q_LEVELS / (K1 + 1))).astype(np.int64)
    q = np.clip(q, 1, Q_LEVELS)

    # doc-number deltas, continuing each term's previous postings
    g_doc = np.asarray(batch.docnums, dtype=np.int64)[g_bdoc]
    term_first = np.ones(n_groups, dtype=bool)
    term_first[1:] = g_term[1:] != g_term[:-1]
    prev = np.empty(n_groups, dtype=np.int64)
    prev[1:] = g_doc[:-1]
    prev[term_first] = last_doc[g_term[term_first]]
    delta = g_doc - prev
    term_last = np.ones(n_groups, dtype=bool)
    term_last[:-1] = term_first[1:]
    last_doc[g_term[term_last]] = g_doc[term_last]

    values = np.empty(2 * n_groups, dtype=np.int64)
    values[0::2], values[1::2] = delta, q
    raw = np.zeros(2 * n_groups, dtype=bool)
    raw[1::2] = True
    post_codes, post_counts = _varints(values, raw)
    group_chars = post_counts[0::2] + 1
    post_start = np.cumsum(group_chars) - group_chars

    # positions: per group its count, then position deltas
    npos = tf[:, 0] + tf[:, 1] + tf[:, 3]
    text_tok = f != 2
    tp, tg = p[text_tok], gid[text_tok]
    elems = 1 + npos
    count_at = np.cumsum(elems) - elems
    tp_start = np.cumsum(npos) - npos
    rank = np.arange(len(tp), dtype=np.int64) - tp_start[tg]
    pos_values = np.empty(n_groups + len(tp), dtype=np.int64)
    pos_values[count_at] = npos
    prev_pos = np.empty(len(tp), dtype=np.int64)
    prev_pos[1:] = tp[:-1]
    prev_pos[rank == 0] = 0
    pos_values[count_at[tg] + 1 + rank] = tp - prev_pos
    pos_codes, pos_counts = _varints(pos_values)
    elem_start = np.cumsum(pos_counts) - pos_counts
    pos_group_start = elem_start[count_at]

    post_text = post_codes.tobytes().decode("ascii")
    pos_text = pos_codes.tobytes().decode("ascii")
    firsts = np.flatnonzero(term_first).tolist()
    post_bounds = post_start[firsts].tolist() + [len(post_text)]
    pos_bounds = pos_group_start[firsts].tolist() + [len(pos_text)]
    for i, tid in enumerate(g_term[firsts].tolist()):
        emit(tid, post_text[post_bounds[i]:post_bounds[i + 1]], pos_text[pos_bounds[i]:pos_bounds[i + 1]])


# -- the export ------------------------------------------------------------------------------

@dataclass
class ExportReport:
    documents: int
    terms: int
    shards: int
    files: int  # files written (content changed)
    analyzed: int  # documents analyzed this time
    incremental: bool = False


def input_hash(*parts: object) -> str:
    raw = json.dumps(parts, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha1(raw.encode("utf-8", "surrogatepass")).hexdigest()


def doc_key(doc: SearchDocument) -> str:
    """What the index holds of one document: changes when any of it does."""
    if doc.ident:
        return doc.ident
    text_part = doc.key if doc.key else hashlib.sha1(doc.text.encode("utf-8", "surrogatepass")).hexdigest()
    raw = repr((doc.id, doc.title, doc.description, doc.authors, doc.tags, doc.path, doc.source,
                doc.date.isoformat(), text_part))
    return hashlib.sha1(raw.encode("utf-8", "surrogatepass")).hexdigest()[:20]


def _doc_payload(docnum: int, doc: SearchDocument, text: str, source_index: dict[str, int]) -> str:
    return js_payload(f"d/{docnum}", {
        "t": doc.title, "u": doc.path, "s": source_index[doc.source],
        "d": doc.date.astimezone(UTC).strftime("%Y-%m-%d"), "a": ", ".join(doc.authors),
        "x": (doc.description + "\n" if doc.description else "") + text[:EXCERPT_CHARS],
    })


class _Export:
    def __init__(self, docs: Iterable[SearchDocument], writer: OutputWriter, prefix: str,
                 sources: Sequence[tuple[str, str]], progress: Callable[[int], None] | None,
                 state: dict[str, Any], load_texts: Callable[[list[int]], dict[int, str]] | None) -> None:
        self.ordered = sorted(docs, key=lambda d: (d.date, d.id))
        self.writer = writer
        self.prefix = prefix
        self.progress = progress
        self.state = state
        self.load_texts = load_texts
        self.source_names = sorted({d.source for d in self.ordered} | {name for name, _ in sources})
        self.source_titles = dict(sources)
        self.source_index = {name: i for i, name in enumerate(self.source_names)}
        self.ids = [d.id for d in self.ordered]
        self.keys = [doc_key(d) for d in self.ordered]
        self.files = 0

    def write(self, rel: str, content: str) -> None:
        self.files += self.writer.write(self.prefix + rel, content)

    def texts(self, docs: list[SearchDocument]) -> Iterable[tuple[SearchDocument, str]]:
        for start in range(0, len(docs), 500):
            chunk = docs[start:start + 500]
            loaded = self.load_texts([d.id for d in chunk]) if self.load_texts else {}
            for d in chunk:
                yield d, loaded.get(d.id, d.text) if self.load_texts else d.text

    def analyze(self, first: int, vocab: Vocabulary) -> list[Batch]:
        """Tokenize documents from number `first` on and write their document files."""
        batches: list[Batch] = []
        todo = self.ordered[first:]
        for offset, (doc, text) in enumerate(self.texts(todo)):
            if offset % BATCH_DOCS == 0:
                batches.append(Batch())
            docnum = first + offset
            batches[-1].add(docnum, vocab, doc, text)
            self.write(f"d/{docnum}.js", _doc_payload(docnum, doc, text, self.source_index))
            if self.progress:
                self.progress(1)
        return batches

    def write_docs(self, first: int, loaded: list[tuple[SearchDocument, str]]) -> None:
        for offset, (doc, text) in enumerate(loaded):
            docnum = first + offset
            self.write(f"d/{docnum}.js", _doc_payload(docnum, doc, text, self.source_index))
            if self.progress:
                self.progress(1)

    # -- shards ----------------------------------------------------------------------------
    @staticmethod
    def cut(terms: list[str], post: dict[str, str], next_fid: int,
            fid: int | None = None, target: int | None = None) -> tuple[list[tuple[list[str], int]], int]:
        """Sorted terms into shards of about `target` (SHARD_TARGET_BYTES) bytes; the first keeps `fid`."""
        target = target or SHARD_TARGET_BYTES
        shards: list[tuple[list[str], int]] = []
        current: list[str] = []
        size = 0
        for term in terms:
            term_size = len(term) + len(post[term]) + 6
            if current and size + term_size > target:
                shards.append((current, -1))
                current, size = [], 0
            current.append(term)
            size += term_size
        if current:
            shards.append((current, -1))
        out = []
        for i, (shard_terms, _) in enumerate(shards):
            if i == 0 and fid is not None:
                out.append((shard_terms, fid))
            else:
                out.append((shard_terms, next_fid))
                next_fid += 1
        return out, next_fid

    def write_shard(self, fid: int, terms: list[str], post: dict[str, str], pos: dict[str, str],
                    folder: str = "") -> None:
        self.write(f"{folder}t/{fid}.js", js_payload(f"{folder}t/{fid}", {t: post[t] for t in terms}))
        self.write(f"{folder}p/{fid}.js", js_payload(f"{folder}p/{fid}", {t: pos[t] for t in terms}))

    def write_recent(self, recent: dict[str, Any]) -> dict[str, list[Any]]:
        """The recent segment's shards (r/t/<i>.js, r/p/<i>.js, cut small), and their table."""
        post, pos = recent["post"], recent["pos"]
        terms = sorted(post, key=_js_order)
        # smaller shards than the main ones: a query loads one of them per word, on top of the main one
        pieces, _ = self.cut(terms, post, 0, target=max(1, SHARD_TARGET_BYTES // 4))
        for shard_terms, fid in pieces:
            self.write_shard(fid, shard_terms, post, pos, folder="r/")
        return {"shards": [shard_terms[0] for shard_terms, _ in pieces], "files": [fid for _, fid in pieces]}

    def finish(self, layout: list[tuple[str, int]], sums: list[int], avgs: list[float],
               last: dict[str, int], next_fid: int, analyzed: int, terms: int, incremental: bool,
               recent: dict[str, Any] | None = None) -> ExportReport:
        by_source: dict[int, list[int]] = {i: [] for i in range(len(self.source_names))}
        months: list[list[object]] = []
        days: list[list[object]] = []
        source_index = self.source_index
        last_day = None
        for docnum, doc in enumerate(self.ordered):
            by_source[source_index[doc.source]].append(docnum)
            date = doc.date
            if date.tzinfo is not UTC:
                date = date.astimezone(UTC)
            ymd = (date.year, date.month, date.day)
            if ymd != last_day:  # documents are in date order: a new day
                last_day = ymd
                day = f"{date.year:04d}-{date.month:02d}-{date.day:02d}"  # strftime("%Y-%m-%d"), faster
                days.append([day, docnum])
                if not months or months[-1][0] != day[:7]:
                    months.append([day[:7], docnum])
        for i, docnums in by_source.items():
            values = np.diff(np.asarray(docnums, dtype=np.int64), prepend=0)
            self.write(f"s/{i}.js", js_payload(f"s/{i}", _varints(values)[0].tobytes().decode("ascii")))
        self.write("dates.js", js_payload("dates", days))
        meta = {
            "v": FORMAT_VERSION, "n": len(self.ordered), "k1": K1, "q": Q_LEVELS,
            "shards": [first for first, _ in layout], "files": [fid for _, fid in layout],
            "sources": [[name, self.source_titles.get(name) or name] for name in self.source_names],
            "months": months,
        }
        if recent and recent["post"]:
            meta["recent"] = self.write_recent(recent)
        self.write("meta.js", js_payload("meta", meta))
        self.state.clear()
        self.state.update({"v": FORMAT_VERSION, "prefix": self.prefix, "sources": self.source_names,
                           "ids": self.ids, "keys": self.keys, "sums": sums, "avgs": avgs,
                           "layout": [list(x) for x in layout], "next_fid": next_fid, "last": last,
                           "recent": recent or {}})
        return ExportReport(documents=len(self.ordered), terms=terms, shards=len(layout), files=self.files,
                            analyzed=analyzed, incremental=incremental)

    # -- everything ------------------------------------------------------------------------
    def full(self) -> ExportReport:
        vocab = Vocabulary()
        batches = self.analyze(0, vocab)
        n_docs = len(self.ordered)
        sums = [0, 0, 0, 0]
        for batch in batches:
            sums = [a + b for a, b in zip(sums, batch.field_sums(), strict=True)]
        avgs = [_round_avg(s / max(1, n_docs)) for s in sums]
        last_doc = np.zeros(len(vocab.terms) + 1, dtype=np.int64)
        post_parts: dict[int, list[str]] = {}
        pos_parts: dict[int, list[str]] = {}

        def emit(tid: int, post: str, pos: str) -> None:
            if tid in post_parts:
                post_parts[tid].append(post)
                pos_parts[tid].append(pos)
            else:
                post_parts[tid] = [post]
                pos_parts[tid] = [pos]

        for batch in batches:
            _encode_batch(batch, avgs, last_doc, emit)
        names = vocab.terms
        post = {names[tid]: "".join(parts) for tid, parts in post_parts.items()}
        pos = {names[tid]: "".join(parts) for tid, parts in pos_parts.items()}
        last = {names[tid]: int(last_doc[tid]) for tid in post_parts}
        terms = sorted(post, key=_js_order)

        old_layout = self.state.get("layout") if self.state.get("v") == FORMAT_VERSION else None
        shards: list[tuple[list[str], int]] = []
        if old_layout:  # keep the previous boundaries: unchanged shards keep identical bytes
            next_fid = int(self.state.get("next_fid", 0))
            firsts = [_js_order(first) for first, _ in old_layout]
            groups: list[list[str]] = [[] for _ in old_layout]
            for term in terms:
                groups[max(0, bisect.bisect_right(firsts, _js_order(term)) - 1)].append(term)
            for (_first, fid), group in zip(old_layout, groups, strict=True):
                if not group:
                    continue
                size = sum(len(t) + len(post[t]) + 6 for t in group)
                if size > 2 * SHARD_TARGET_BYTES:
                    pieces, next_fid = self.cut(group, post, next_fid, fid)
                    shards += pieces
                else:
                    shards.append((group, fid))
        else:
            shards, next_fid = self.cut(terms, post, 0)
        for shard_terms, fid in shards:
            self.write_shard(fid, shard_terms, post, pos)
        layout = [(shard_terms[0], fid) for shard_terms, fid in shards]
        return self.finish(layout, sums, avgs, last, next_fid, n_docs, len(terms), incremental=False)

    # -- appended documents only -----------------------------------------------------------
    def append(self) -> ExportReport | None:
        """The incremental export, or None when it does not apply (nothing written then)."""
        st = self.state
        if st.get("v") != FORMAT_VERSION or st.get("prefix") != self.prefix:
            return None
        old_ids, old_keys = st.get("ids", []), st.get("keys", [])
        old_n = len(old_ids)
        read = getattr(self.writer, "read", None)
        keep = getattr(self.writer, "keep", None)
        if (read is None or keep is None or not st.get("layout") or old_n > len(self.ids) or old_n == 0
                or st.get("sources") != self.source_names
                or self.ids[:old_n] != old_ids or self.keys[:old_n] != old_keys):
            return None
        n_docs = len(self.ordered)
        new_docs = self.ordered[old_n:]
        # Cheap checks first: every file to keep must be known to the writer.
        layout = [(str(first), int(fid)) for first, fid in st["layout"]]
        kept = [f"d/{i}.js" for i in range(old_n)]
        has = getattr(self.writer, "has", None)
        shard_files = [f"{kind}/{fid}.js" for _, fid in layout for kind in ("t", "p")]
        if has is not None and not all(has(self.prefix + rel) for rel in kept + shard_files):
            return None

        vocab = Vocabulary()
        batch = Batch()
        loaded = list(self.texts(new_docs))
        for offset, (doc, text) in enumerate(loaded):
            batch.add(old_n + offset, vocab, doc, text)
        sums = [a + b for a, b in zip(st["sums"], batch.field_sums(), strict=True)]
        avgs = [_round_avg(s / max(1, n_docs)) for s in sums]
        if avgs != st["avgs"]:
            return None  # every saturation value changes: a full export

        last: dict[str, int] = st["last"]
        last_doc = np.zeros(len(vocab.terms) + 1, dtype=np.int64)
        for tid, term in enumerate(vocab.terms):
            last_doc[tid] = last.get(term, 0)
        added: dict[str, tuple[str, str]] = {}
        _encode_batch(batch, avgs, last_doc, lambda tid, post, pos: added.__setitem__(vocab.terms[tid], (post, pos)))
        for tid, term in enumerate(vocab.terms):
            if term in added:
                last[term] = int(last_doc[tid])

        # The new postings join the recent segment; then the recent postings of the main shards
        # holding the most of them are folded into those shards until the segment is back under
        # its budget (in a small index, all of them: no recent segment). So each build rewrites a
        # few main shards, never all of them at once.
        recent = st.get("recent") or {}
        r_post, r_pos = dict(recent.get("post", {})), dict(recent.get("pos", {}))
        for term, (chunk_post, chunk_pos) in added.items():
            r_post[term] = r_post.get(term, "") + chunk_post
            r_pos[term] = r_pos.get(term, "") + chunk_pos
        firsts = [_js_order(first) for first, _ in layout]
        groups: dict[int, list[str]] = {}
        for term in r_post:
            groups.setdefault(max(0, bisect.bisect_right(firsts, _js_order(term)) - 1), []).append(term)
        sizes = {i: sum(len(t) + len(r_post[t]) + len(r_pos[t]) for t in terms) for i, terms in groups.items()}
        budget = RECENT_BYTES if old_n >= RECENT_MIN_DOCS else 0
        left = sum(sizes.values())
        touched: dict[int, list[str]] = {}
        for index in sorted(sizes, key=lambda i: (-sizes[i], i)):
            if left <= budget:
                break
            touched[index] = groups[index]
            left -= sizes[index]
        added = {term: (r_post.pop(term), r_pos.pop(term)) for terms in touched.values() for term in terms}
        shard_data: dict[int, tuple[dict[str, str], dict[str, str]]] = {}
        for index in touched:
            fid = layout[index][1]
            t_raw, p_raw = read(f"{self.prefix}t/{fid}.js"), read(f"{self.prefix}p/{fid}.js")
            if t_raw is None or p_raw is None:
                return None
            try:
                t_data, p_data = read_payload(t_raw), read_payload(p_raw)
            except ValueError:
                return None
            if not isinstance(t_data, dict) or not isinstance(p_data, dict) or t_data.keys() != p_data.keys():
                return None
            shard_data[index] = (t_data, p_data)

        # From here on the export is committed: write the new documents and the touched shards.
        for rel in kept:
            keep(self.prefix + rel)
        self.write_docs(old_n, loaded)
        next_fid = int(st.get("next_fid", 0))
        new_layout: list[tuple[str, int]] = []
        for index, (first, fid) in enumerate(layout):
            if index not in touched:
                keep(f"{self.prefix}t/{fid}.js")
                keep(f"{self.prefix}p/{fid}.js")
                new_layout.append((first, fid))
                continue
            post, pos = shard_data[index]
            for term in touched[index]:
                chunk_post, chunk_pos = added[term]
                post[term] = post.get(term, "") + chunk_post
                pos[term] = pos.get(term, "") + chunk_pos
            terms = sorted(post, key=_js_order)
            size = sum(len(t) + len(post[t]) + 6 for t in terms)
            pieces = [(terms, fid)]
            if size > 2 * SHARD_TARGET_BYTES:
                pieces, next_fid = self.cut(terms, post, next_fid, fid)
            for shard_terms, piece_fid in pieces:
                self.write_shard(piece_fid, shard_terms, post, pos)
                new_layout.append((shard_terms[0], piece_fid))
        return self.finish(new_layout, sums, avgs, last, next_fid, len(new_docs), len(last), incremental=True,
                           recent={"post": r_post, "pos": r_pos})


def export_search_index(docs: Iterable[SearchDocument], writer: OutputWriter, *, prefix: str = "search/",
                        sources: Sequence[tuple[str, str]] = (),
                        progress: Callable[[int], None] | None = None,
                        state: dict[str, Any] | None = None,
                        load_texts: Callable[[list[int]], dict[int, str]] | None = None) -> ExportReport:
    """Write the static index of `docs` through `writer` (which skips files whose content is unchanged).

    `state` (plain data, updated in place; keep it for the next export) makes the next export
    incremental when only newer documents were added; that needs a writer with `read(rel)`
    (the previous content of a file it wrote, or None) and `keep(rel)` (the file stays as it is).
    `load_texts(ids)` returns the texts of documents given without one; it is only called for
    the documents that have to be analyzed.
    """
    export = _Export(docs, writer, prefix, sources, progress, state if state is not None else {}, load_texts)
    report = export.append()
    if report is None:
        export.files = 0
        report = export.full()
    return report
