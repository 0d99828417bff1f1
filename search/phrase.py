"""Exact phrases, matched block by block instead of through Whoosh's span machinery.

Whoosh evaluates `"grain exports"` as a SpanNear over the intersection of the words' posting
lists: for every document holding all the words it builds Span objects for every position of
every word, in Python. For two common words that is most of a query's time (benchmarks/search.py:
phrases were 10-20x slower than FTS5's). `FastPhrase` finds the same documents in a segment by
reading the posting blocks directly: the ids of the rarest word, then only the blocks of the
other words that can hold those ids, then the positions of the candidates, compared as sets.
The matching documents are scored as Whoosh scores a phrase (the sum of the words' BM25 scores,
as an AND of the words would), so rankings do not change; tests/test_search_query.py compares
both on every phrase it tries.
"""

from __future__ import annotations

from bisect import bisect_left
from itertools import accumulate
from pickle import loads
from typing import Any

from whoosh import matching, query
from whoosh.codec.whoosh3 import W3LeafMatcher
from whoosh.matching.wrappers import FilterMatcher
from whoosh.system import _INT_SIZE


class FastPhrase(query.Phrase):
    """`query.Phrase` (slop 1) with a faster matcher on a segment; anything else is delegated."""

    def matcher(self, searcher: Any, context: Any = None) -> Any:
        # (char_ranges, set on phrases from the query parser, only serve highlighting)
        if self.slop != 1 or len(self.words) < 2 or not searcher.is_atomic():
            return super().matcher(searcher, context)
        reader = searcher.reader()
        matched = phrase_matches(reader, searcher.schema, self.fieldname, self.words)
        if matched is None:
            return super().matcher(searcher, context)
        terms, found = matched
        if not found:
            return matching.NullMatcher()
        fieldname = self.fieldname
        field = searcher.schema[fieldname]
        ids = sorted(found)
        weighting = searcher.weighting
        # one ListMatcher per word over the matching documents, with the word's frequency as its
        # weight and the word's scorer: their intersection scores as Whoosh's phrase matcher does
        parts = []
        for k, t in enumerate(terms):
            scorer = weighting.scorer(searcher, fieldname, t, qf=1)
            weights = [found[d][k] * field.format.field_boost for d in ids]
            parts.append(matching.ListMatcher(ids, weights=weights, scorer=scorer, term=(fieldname, t),
                                              terminfo=reader.term_info(fieldname, t)))
        m: Any = parts[0]
        for part in parts[1:]:
            m = matching.IntersectionMatcher(m, part)
        if self.boost != 1.0:
            m = matching.WrappingMatcher(m, boost=self.boost)
        return m


def phrase_matches(reader: Any, schema: Any, fieldname: str, words: list[str]
                   ) -> tuple[list[bytes], dict[int, list[int]]] | None:
    """(the words as terms, {document: [frequency of each word]}) for the segment's live
    documents holding `words` next to each other, in order; None when this module cannot read
    the postings (no positions, a list not in W3 blocks): the caller then uses Whoosh's Phrase."""
    if fieldname not in schema:
        return [], {}
    field = schema[fieldname]
    if not field.format or not field.format.supports("positions"):
        return None
    try:
        terms = [field.to_bytes(word) for word in words]
    except ValueError:
        return [], {}
    if any((fieldname, t) not in reader for t in terms):
        return terms, {}
    leaves = [unfiltered(reader.postings(fieldname, t)) for t in terms]
    if not all(type(m) is W3LeafMatcher for m in leaves):
        return None
    found = _phrase_documents(leaves, [reader.doc_frequency(fieldname, t) for t in terms])
    if reader.has_deletions():
        found = {d: freqs for d, freqs in found.items() if not reader.is_deleted(d)}
    return terms, found


def unfiltered(m: Any) -> Any:
    """The posting list under the filter that hides a segment's deleted documents (the caller
    drops them itself)."""
    if type(m) is FilterMatcher and m._exclude and type(m.child) is W3LeafMatcher:
        return m.child
    return m


def fast_phrases(q: Any) -> Any:
    """`q` with every plain phrase replaced by a FastPhrase."""
    def swap(node: Any) -> Any:
        if type(node) is query.Phrase:
            return FastPhrase(node.fieldname, node.words, slop=node.slop, boost=node.boost,
                              char_ranges=node.char_ranges)
        return node
    return q.accept(swap)


def _positions(value: bytes) -> list[int]:
    """Positions from a value of the Positions format: a count, then pickled deltas."""
    return list(accumulate(loads(value[_INT_SIZE:])))


def read_block_ids(block: W3LeafMatcher) -> Any:
    """`block._read_ids()`, with the stored deltas summed by accumulate() in C instead of
    Whoosh's Python generator (a fifth of a phrase query's time); returns the ids."""
    if block._data is None:
        block._read_data()
    raw = block._data[0]
    block._ids = raw if block._byteids else tuple(accumulate(raw))
    return block._ids


def _blocks(m: W3LeafMatcher) -> Any:
    """(max id, reader) per block of a posting list, without decoding blocks not asked for."""
    while True:
        yield m
        if m._lastblock:
            return
        m._next_block()


def _values_for(m: W3LeafMatcher, wanted: list[int]) -> dict[int, bytes]:
    """{document: value} for the documents of sorted `wanted` that the posting list has;
    blocks that cannot hold any of them are skipped undecoded."""
    out: dict[int, bytes] = {}
    i, n = 0, len(wanted)
    for block in _blocks(m):
        if i >= n:
            break
        maxid = block._maxid
        if wanted[i] > maxid:
            continue
        read_block_ids(block)
        block._read_values()
        ids, values = block._ids, block._values
        while i < n and wanted[i] <= maxid:
            k = bisect_left(ids, wanted[i])
            if k < len(ids) and ids[k] == wanted[i]:
                out[wanted[i]] = values[k]
            i += 1
    return out


def _phrase_documents(leaves: list[W3LeafMatcher], freqs: list[int]) -> dict[int, list[int]]:
    """{document: [frequency of each word]} for the documents where the words appear in order,
    next to each other."""
    order = sorted(range(len(leaves)), key=lambda k: freqs[k])
    columns: list[dict[int, bytes]] = [{} for _ in leaves]  # per word: {document: value}
    first = columns[order[0]]
    for block in _blocks(leaves[order[0]]):
        read_block_ids(block)
        block._read_values()
        first.update(zip(block._ids, block._values, strict=True))
    docs = sorted(first)
    for k in order[1:]:
        if not docs:
            return {}
        columns[k] = _values_for(leaves[k], docs)
        docs = [d for d in docs if d in columns[k]]
    found: dict[int, list[int]] = {}
    if len(leaves) == 2:
        left, right = columns
        for doc in docs:
            a = loads(left[doc][_INT_SIZE:])  # position deltas; the first is a position
            b = loads(right[doc][_INT_SIZE:])
            if len(a) == 1 and len(b) == 1:
                if b[0] == a[0] + 1:
                    found[doc] = [1, 1]
            else:
                starts = set(accumulate(a))
                if any(p - 1 in starts for p in accumulate(b)):
                    found[doc] = [len(a), len(b)]
        return found
    for doc in docs:
        positions = [_positions(column[doc]) for column in columns]
        later = [set(p) for p in positions[1:]]
        if any(all(p + j in later[j - 1] for j in range(1, len(positions))) for p in positions[0]):
            found[doc] = [len(p) for p in positions]
    return found
