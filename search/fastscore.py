"""Top hits for the commonest queries, scored a posting block at a time instead of one posting
at a time through Whoosh's matcher and collector chain.

Most searches are one word or a few words (AND), sometimes with a date range. Whoosh scores
each matching document through ~13 Python calls (matcher, scorer, field-length column,
collector heap): a common word in 100,000 articles took 200 ms, nearly all of it there. Here the
same BM25F formula is applied to whole posting blocks with the field-length normalisation cached
per segment, and the top N are taken once at the end. It gives the same documents, the same
scores (the same floating-point operations in the same order, including the order in which an
AND adds its words' scores) and the same order (score, then document number) as Whoosh's
`TopCollector`; tests/test_search_query.py compares both. Any other query shape, weighting or
posting format returns None and the caller uses Whoosh.
"""

from __future__ import annotations

import heapq
from bisect import insort
from itertools import chain
from typing import Any

from whoosh import query
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.scoring import BM25F, BM25FScorer

from search.filters import PublishedBetween
from search.phrase import FastPhrase, phrase_matches, read_block_ids, unfiltered

_CACHE = "_newsarchive_fastscore"  # attribute of a segment reader: per-reader caches


def fast_top(searcher: Any, q: Any, limit: int) -> tuple[list[tuple[float, int]], int] | None:
    """([(score, document number)] of the best `limit`, best first; number of matches), or None
    when `q` is not a word, an AND of words or an exact phrase, optionally inside a
    PublishedBetween."""
    lo = hi = None
    if isinstance(q, PublishedBetween):
        lo = q.start if q.start is not None else 1
        hi = q.end if q.end is not None else 2**63
        q = q.child
    phrase = q if type(q) is FastPhrase and q.boost == 1.0 and q.slop == 1 and len(q.words) >= 2 else None
    terms = None if phrase is not None else _terms_of(q)
    weighting = searcher.weighting
    if (terms is None and phrase is None) or type(weighting) is not BM25F:
        return None
    best: list[tuple[float, int]] = []
    total = 0
    for leaf, offset in searcher.leaf_searchers():
        scored = (_phrase_scores(leaf, weighting, phrase) if phrase is not None
                  else _leaf_scores(leaf, weighting, terms or []))
        if scored is None:
            return None
        if not scored:
            continue
        reader = leaf.reader()
        if reader.has_deletions():
            is_deleted = reader.is_deleted
            scored = {d: s for d, s in scored.items() if not is_deleted(d)}
        if lo is not None and reader.has_column("published"):
            dates = _column(reader, "published")
            scored = {d: s for d, s in scored.items() if lo <= dates[d] <= hi}
        total += len(scored)
        # (score, -document): the best first, and of equal scores the lower document number,
        # as TopCollector orders them
        best = heapq.nlargest(limit, chain(best, [(score, 0 - (doc + offset)) for doc, score in scored.items()]))
    return [(score, 0 - negdoc) for score, negdoc in best], total


def _terms_of(q: Any) -> list[tuple[str, str]] | None:
    if type(q) is query.Term and q.boost == 1.0:
        return [(q.fieldname, q.text)]
    if type(q) is query.And and q.boost == 1.0 and q.subqueries and all(
            type(sub) is query.Term and sub.boost == 1.0 for sub in q.subqueries):
        return [(sub.fieldname, sub.text) for sub in q.subqueries]
    return None


def _leaf_scores(leaf: Any, weighting: BM25F, terms: list[tuple[str, str]]) -> dict[int, float] | None:
    """{document: score} in one segment (None: a posting list this module cannot read)."""
    reader = leaf.reader()
    schema = leaf.schema
    columns: list[tuple[int, dict[int, float]]] = []  # (-document frequency, scores) per word
    for fieldname, text in terms:
        if fieldname not in schema:
            return {}
        field = schema[fieldname]
        try:
            tbytes = field.to_bytes(text)
        except ValueError:
            return {}
        if (fieldname, tbytes) not in reader:
            return {}
        scorer = weighting.scorer(leaf, fieldname, tbytes, qf=1)
        postings = reader.postings(fieldname, tbytes)
        if type(scorer) is not BM25FScorer:
            return None
        columns.append((0 - reader.doc_frequency(fieldname, tbytes),
                        _term_scores(reader, fieldname, scorer, postings)))
    if len(columns) == 1:
        return columns[0][1]
    # The order of the additions, as And builds its IntersectionMatcher tree in Whoosh
    # (make_weighted_tree over -doc_frequency): a + b at each node.
    nodes: list[tuple[int, int, Any]] = sorted((weight, k, scores) for k, (weight, scores) in enumerate(columns))
    while len(nodes) > 1:
        wa, ka, a = nodes.pop(0)
        wb, _kb, b = nodes.pop(0)
        if len(b) < len(a):
            merged = {d: a[d] + sb for d, sb in b.items() if d in a}
        else:
            merged = {d: sa + b[d] for d, sa in a.items() if d in b}
        insort(nodes, (wa + wb, ka, merged))
    return nodes[0][2]


def _phrase_scores(leaf: Any, weighting: BM25F, q: FastPhrase) -> dict[int, float] | None:
    """{document: score} of an exact phrase in one segment: the documents FastPhrase finds,
    scored as its matcher scores them (each word's BM25 with the phrase's frequency of the word,
    added left to right)."""
    reader = leaf.reader()
    matched = phrase_matches(reader, leaf.schema, q.fieldname, q.words)
    if matched is None:
        return None
    terms, found = matched
    if not found:
        return {}
    field = leaf.schema[q.fieldname]
    scorers = [weighting.scorer(leaf, q.fieldname, t, qf=1) for t in terms]
    if any(type(sc) is not BM25FScorer for sc in scorers):
        return None
    k1 = scorers[0].K1
    k1p1 = k1 + 1
    norms = _norms(reader, q.fieldname, scorers[0].B, k1, scorers[0].avgfl)
    idfs = [sc.idf for sc in scorers]
    boost = field.format.field_boost
    out: dict[int, float] = {}
    for doc, freqs in found.items():
        norm = norms[doc]
        total = None
        for idf, freq in zip(idfs, freqs, strict=True):
            tf = freq * boost
            score = idf * ((tf * k1p1) / (tf + norm))
            total = score if total is None else total + score
        out[doc] = total
    return out


def _term_scores(reader: Any, fieldname: str, scorer: BM25FScorer, postings: Any) -> dict[int, float]:
    """BM25 of every posting of one term: Whoosh's `bm25(idf, tf, fl, avgfl, B, K1)`, with
    K1 * ((1 - B) + B * fl / avgfl) computed once per document and cached."""
    idf, k1 = scorer.idf, scorer.K1
    k1p1 = k1 + 1
    norms = _norms(reader, fieldname, scorer.B, k1, scorer.avgfl)
    out: dict[int, float] = {}
    m = unfiltered(postings)
    if type(m) is not W3LeafMatcher:  # e.g. a one-posting list inlined in the term's info
        while m.is_active():
            tf = m.weight()
            out[m.id()] = idf * ((tf * k1p1) / (tf + norms[m.id()]))
            m.next()
        return out
    while True:
        ids = read_block_ids(m)
        m._read_weights()
        for doc, tf in zip(ids, m._weights, strict=True):
            out[doc] = idf * ((tf * k1p1) / (tf + norms[doc]))
        if m._lastblock:
            return out
        m._next_block()


def _norms(reader: Any, fieldname: str, b: float, k1: float, avgfl: float) -> list[float]:
    cache = reader.__dict__.setdefault(_CACHE, {})
    key = ("norms", fieldname, b, k1, avgfl)
    norms = cache.get(key)
    if norms is None:
        perdoc = getattr(reader, "_perdoc", None)
        if hasattr(perdoc, "doc_field_length_reader"):  # whoosh3: one column lookup per call
            lengths = perdoc.doc_field_length_reader(fieldname, 1)
        else:
            def lengths(doc: int) -> Any:
                return reader.doc_field_length(doc, fieldname, 1)
        norms = []
        for doc in range(reader.doc_count_all()):
            fl = lengths(doc)
            # a document without the field cannot match a term of it: any value will do
            norms.append(k1 * ((1 - b) + b * fl / avgfl) if fl is not None else 0.0)
        cache[key] = norms
    return norms


def _column(reader: Any, name: str) -> list[Any]:
    cache = reader.__dict__.setdefault(_CACHE, {})
    values = cache.get(("column", name))
    if values is None:
        values = cache[("column", name)] = list(reader.column_reader(name, translate=False))
    return values


__all__ = ["fast_top"]
