"""A faster Whoosh writer for full rebuilds: the same index, written without Whoosh's posting pool.

Whoosh's `SegmentWriter` sends every posting (one per distinct word per document per field)
through a pickled external sort, looks every document's field length up again while writing,
and analyses text with a chain of token generators. A profile of a rebuild (benchmarks/search.py,
~320 postings per article) put ~60% of the time there. `BulkWriter` keeps the per-document part
of `SegmentWriter` as it is (stored fields, columns, field lengths) and replaces the postings
part:

- text fields whose analyzer is the usual regex tokenizer -> lowercase -> stop words -> stemmer
  chain (`StemmingAnalyzer`, `LanguageAnalyzer`, lowercase-only) are analysed by one loop that
  produces the same terms and positions (`FastAnalyzer`; tests/test_search_bulk.py compares both
  over the evaluation corpus);
- postings stay in memory as compact arrays: for text fields, per term (document numbers in 4
  bytes, frequencies and positions in 2, widened to 4 for a term that needs it); for the
  other fields (ids, URLs, dates: mostly terms of one document) one row per posting in flat
  arrays. Document numbers arrive in order, so each term's list is already sorted; only the
  terms are sorted, once;
- blocks of 128 postings are written as Whoosh's `W3PostingsWriter` writes them (same headers,
  statistics and term infos), except that each block's data is pickled at the highest protocol
  (see `_write_term`), so every reader and query works unchanged.

Memory: about 16 bytes per posting, positions and terms included (~5 kB per article of the
benchmark's size: 5-15 paragraphs). A process indexing 50,000 of them (half of a 100,000-article
rebuild on 2 cores) peaks at ~400 MB. Past `max_postings`, the postings collected so far become
a segment of their own and a new one is started, so memory stays bounded for any archive size.
Only used for a rebuild into an empty index (search/rebuild.py).
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Iterator, Sequence
from operator import sub
from pickle import HIGHEST_PROTOCOL, dumps
from typing import Any
from zlib import compress

from whoosh.analysis import LowercaseFilter, RegexTokenizer, StemFilter, StopFilter
from whoosh.analysis.analyzers import CompositeAnalyzer
from whoosh.codec.whoosh3 import COMPRESSION_MIN_SIZE
from whoosh.codec.whoosh3 import WHOOSH3_HEADER_MAGIC as _HEADER_MAGIC
from whoosh.formats import Positions
from whoosh.system import pack_int, pack_uint
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.util.numlists import delta_encode
from whoosh.writing import SegmentWriter

BLOCK = 128  # postings per block: W3Codec's default blocklimit
#: Default segment size, in postings: ~16 bytes each in memory (~380 MB).
MAX_POSTINGS = 24_000_000
_ONE = pack_uint(1)
_NARROW_MAX = 65_535  # frequencies and positions up to this take 2 bytes each
#: A field length as its length byte gives it back, for lengths below 1,024 (most of them).
_QUANTIZED = [byte_to_length(length_to_byte(n)) for n in range(1024)]


class FastAnalyzer:
    """Terms and positions of a text, as `analyzer` with `positions=True` would give them, for
    analyzers made of RegexTokenizer | LowercaseFilter [| StopFilter] [| StemFilter]."""

    def __init__(self, tokenizer: RegexTokenizer, stop: StopFilter | None, stem: StemFilter | None) -> None:
        pattern = tokenizer.expression
        self.finditer = pattern.finditer
        flat = _without_groups(pattern)
        self.findall = flat.findall if flat is not None else None
        self.stops = stop.stops if stop else frozenset()
        self.minsize = stop.min if stop else 0
        self.maxsize = stop.max if stop else None
        self.renumber = bool(stop and stop.renumber)
        self.stemfn = stem.stemfn if stem else None
        if stem and stem.lang:
            from whoosh.lang import stemmer_for_language
            self.stemfn = stemmer_for_language(stem.lang)
        self.ignore = stem.ignore if stem else frozenset()
        self.known: dict[str, str | bool] = {}

    @classmethod
    def for_analyzer(cls, analyzer: Any) -> FastAnalyzer | None:
        """A FastAnalyzer equivalent to `analyzer`, or None when it is of another shape."""
        items = list(analyzer.items) if isinstance(analyzer, CompositeAnalyzer) else [analyzer]
        if not items or type(items[0]) is not RegexTokenizer or items[0].gaps:
            return None
        rest = items[1:]
        if not rest or type(rest[0]) is not LowercaseFilter:
            return None
        rest = rest[1:]
        stop = stem = None
        if rest and type(rest[0]) is StopFilter:
            stop, rest = rest[0], rest[1:]
        if rest and type(rest[0]) is StemFilter:
            stem, rest = rest[0], rest[1:]
        if rest:
            return None
        return cls(items[0], stop, stem)

    def words(self, text: str) -> list[str]:
        if self.findall is not None:
            return self.findall(text)
        return [m.group(0) for m in self.finditer(text)]

    def positions(self, text: str) -> dict[str, list[int]]:
        """{term: [positions]} in order of first occurrence."""
        words = self.words(text)
        known = self.known
        # the token as written -> its term, or False when the stop filter drops it (lowercasing,
        # stop words and stemming run once per spelling); map() does the lookups in C
        terms = list(map(known.get, words))
        if None in terms:  # spellings not seen before
            term_of = self._term
            for i, term in enumerate(terms):
                if term is None:
                    word = words[i]
                    term = known.get(word)
                    if term is None:
                        term = known[word] = term_of(word)
                    terms[i] = term
        out: dict[str, list[int]] = {}
        if self.renumber and False in terms:
            # StopFilter(renumber=True): the first kept token keeps its place, the next count on
            first = 0
            while first < len(terms) and terms[first] is False:
                first += 1
            pairs = enumerate(filter(None, terms), first)
        else:
            pairs = enumerate(terms)
        for pos, term in pairs:
            if term is False:
                continue
            poses = out.get(term)
            if poses is None:
                out[term] = [pos]
            else:
                poses.append(pos)
        return out

    def _term(self, word: str) -> str | bool:
        word = word.lower()
        n = len(word)
        if n < self.minsize or (self.maxsize is not None and n > self.maxsize) or word in self.stops:
            return False
        if self.stemfn is None or word in self.ignore:
            return word
        return self.stemfn(word)


def _without_groups(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """`pattern` with its groups made non-capturing (so `findall` returns whole matches, which
    is much faster than `finditer`), or None when that cannot be done safely."""
    text = pattern.pattern
    if pattern.groups == 0:
        return pattern
    # only plain groups outside character classes: "(...)" -> "(?:...)"
    if not isinstance(text, str) or "(?" in text or "\\(" in text or re.search(r"\[[^\]]*\(", text):
        return None
    flat = re.compile(text.replace("(", "(?:"), pattern.flags)
    return flat if flat.groups == 0 else None


class _PositionsPostings:
    """One field's postings for a Positions-format field with a FastAnalyzer."""

    __slots__ = ("analyzer", "boost", "terms")

    def __init__(self, analyzer: FastAnalyzer, boost: float) -> None:
        self.analyzer = analyzer
        self.boost = boost
        # term -> (docnums, frequencies, positions of every posting, concatenated)
        self.terms: dict[str, tuple[array, array, array]] = {}


class _GenericPostings:
    """One field's postings for any other field (ids, keywords, dates): one row per posting in
    flat arrays, and each term's bytes once. Most of these terms occur in one document only (an
    article's id, URL, date), where an array per term would cost ~250 bytes."""

    __slots__ = ("ids", "terms", "values", "tids", "docs", "weights", "valuelist")

    def __init__(self) -> None:
        self.ids: dict[bytes, int] = {}  # term -> its number (its place in `terms`)
        self.terms: list[bytes] = []
        self.values: dict[bytes, bytes] = {}  # one object per distinct encoded value
        self.tids = array("I")
        self.docs = array("I")
        self.weights = array("d")
        self.valuelist: list[bytes] = []

    def by_term(self) -> Iterator[tuple[bytes, array, list[float], list[bytes]]]:
        """(term, documents, weights, values) in term order; documents ascending."""
        terms, tids = self.terms, self.tids
        # Counting sort of the postings by term number; each term's postings stay in the
        # order they arrived, that is in document order.
        starts = array("I", bytes(4 * (len(terms) + 1)))
        for tid in tids:
            starts[tid + 1] += 1
        for i in range(len(terms)):
            starts[i + 1] += starts[i]
        fill = array("I", starts)
        slots = array("I", bytes(4 * len(tids)))
        for k, tid in enumerate(tids):
            slots[fill[tid]] = k
            fill[tid] += 1
        docs, weights, values = self.docs, self.weights, self.valuelist
        for tid in sorted(range(len(terms)), key=terms.__getitem__):
            rows = slots[starts[tid]:starts[tid + 1]]
            yield (terms[tid], array("I", [docs[k] for k in rows]), [weights[k] for k in rows],
                   [values[k] for k in rows])


class BulkWriter(SegmentWriter):
    """`SegmentWriter` for writing many documents into an empty index at once (see the module
    docstring). Documents must not carry per-field boosts (`_boost`, `_field_boost` keys)."""

    def __init__(self, ix: Any, *, max_postings: int = MAX_POSTINGS, **kwargs: Any) -> None:
        super().__init__(ix, **kwargs)
        if self.segments:
            raise ValueError("BulkWriter writes into an empty index only")
        self.max_postings = max_postings
        self._done_segments: list[Any] = []
        self._reset_postings()

    # -- collecting ------------------------------------------------------------------------
    def _reset_postings(self) -> None:
        self._fast: dict[str, _PositionsPostings] = {}
        self._generic: dict[str, _GenericPostings] = {}
        self._spell: dict[str, dict[bytes, int]] = {}
        self._lengths: dict[str, array] = {}
        self._npostings = 0
        self._segdocs = 0  # documents in the current segment

    def _fast_field(self, fieldname: str, field: Any) -> _PositionsPostings | None:
        postings = self._fast.get(fieldname)
        if postings is None and fieldname not in self._generic:
            analyzer = None
            if type(field.format) is Positions and field.scorable and field.analyzer is not None:
                analyzer = FastAnalyzer.for_analyzer(field.analyzer)
            if analyzer is None:
                self._generic[fieldname] = _GenericPostings()
                return None
            postings = self._fast[fieldname] = _PositionsPostings(analyzer, field.format.field_boost)
        return postings

    def add_document(self, **fields: Any) -> None:
        self._check_state()
        if any(name.startswith("_") for name in fields):
            raise ValueError("BulkWriter does not take per-document boosts or custom stored values")
        if self._npostings >= self.max_postings:
            self._cut_segment()
        perdocwriter = self.perdocwriter
        schema = self.schema
        docnum = self._segdocs
        fieldnames = sorted(fields)
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields[fieldname]
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    length = self._index_field(fieldname, field, value, docnum)
                if field.separate_spelling():
                    spell = self._spell.setdefault(field.spelling_fieldname(fieldname), {})
                    for word in field.spellable_words(value):
                        key = word.encode("utf-8")
                        spell[key] = spell.get(key, 0) + 1
                perdocwriter.add_field(fieldname, field, value if field.stored else None, length)
                column = field.column_type
                if column:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(value))
        except ValueError:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self._segdocs += 1
        self.docnum += 1

    def _index_field(self, fieldname: str, field: Any, value: Any, docnum: int) -> int:
        """Add the field's postings; returns its length (sum of frequencies) if scorable."""
        fast = self._fast_field(fieldname, field)
        if fast is not None and not isinstance(value, str):
            raise ValueError(f"BulkWriter indexes text fields from strings only ({fieldname!r})")
        length = 0
        if fast is not None:
            terms = fast.terms
            found = fast.analyzer.positions(value)
            for term, poses in found.items():
                entry = terms.get(term)
                if entry is None:
                    entry = terms[term] = (array("I"), array("H"), array("H"))
                if poses[-1] >= _NARROW_MAX and entry[1].typecode == "H":
                    # a position past 65,535 (and so possibly a frequency): this term's values
                    # take 4 bytes from now on
                    entry = terms[term] = (entry[0], array("I", entry[1]), array("I", entry[2]))
                entry[0].append(docnum)
                n = len(poses)
                entry[1].append(n)
                entry[2].extend(poses)  # absolute positions: the deltas are taken when writing
                length += n
            self._npostings += len(found)
        else:
            generic = self._generic.get(fieldname)
            if generic is None:
                generic = self._generic[fieldname] = _GenericPostings()
            ids, terms, values = generic.ids, generic.terms, generic.values
            tids, docs, weights, valuelist = generic.tids, generic.docs, generic.weights, generic.valuelist
            scorable = field.scorable
            for tbytes, freq, weight, vbytes in field.index(value):
                tid = ids.get(tbytes)
                if tid is None:
                    tid = ids[tbytes] = len(terms)
                    terms.append(tbytes)
                tids.append(tid)
                docs.append(docnum)
                weights.append(weight)
                valuelist.append(values.setdefault(vbytes, vbytes))
                if scorable:
                    length += freq
                self._npostings += 1
        if length:
            lengths = self._lengths.get(fieldname)
            if lengths is None:
                lengths = self._lengths[fieldname] = array("I")
            if len(lengths) < docnum:
                lengths.extend([0] * (docnum - len(lengths)))
            lengths.append(length)
        return length

    # -- writing ---------------------------------------------------------------------------
    def _flush_segment(self) -> None:
        self.perdocwriter.close()
        fw = self.fieldwriter
        schema = self.schema
        names = sorted(set(self._fast) | set(self._generic) | set(self._spell))
        for fieldname in names:
            fieldobj = schema[fieldname]
            qlens = self._quantized_lengths(fieldname)
            if fieldname in self._fast:
                postings = self._fast.pop(fieldname)
                if not postings.terms:
                    continue
                fw.start_field(fieldname, fieldobj)
                self._write_positions(fw, postings, qlens)
            elif fieldname in self._generic:
                generic = self._generic.pop(fieldname)
                if not generic.terms:
                    continue
                fw.start_field(fieldname, fieldobj)
                for tbytes, docs, weights, values in generic.by_term():
                    self._write_term(fw, tbytes, docs, weights, values, qlens)
            else:
                words = self._spell.pop(fieldname)
                if not words:
                    continue
                fw.start_field(fieldname, fieldobj)
                for tbytes in sorted(words):
                    # As SegmentWriter does: one posting (document 0, weight 1) per document that
                    # has the word, so the term's frequency is its document count.
                    count = words[tbytes]
                    self._write_term(fw, tbytes, array("I", [0] * count), [1.0] * count, [_ONE] * count, None)
            fw.finish_field()
        fw.close()

    def _quantized_lengths(self, fieldname: str) -> list[int] | None:
        """Each document's length in the field as the length byte gives it back (what block
        headers hold), 0 for none; None for a field without lengths."""
        lengths = self._lengths.get(fieldname)
        if not lengths:
            return None
        qlens = [_QUANTIZED[n] if n < 1024 else byte_to_length(length_to_byte(n)) for n in lengths]
        qlens.extend([0] * (self._segdocs - len(qlens)))
        return qlens

    def _write_positions(self, fw: Any, postings: _PositionsPostings, qlens: list[int] | None) -> None:
        boost = postings.boost
        single: list[bytes] = []  # position -> value of a one-position posting (most of them)
        terms = postings.terms
        for term in sorted(terms):
            docs, freqs, positions = terms.pop(term)
            top = max(positions)
            if top >= len(single):
                single.extend(_ONE + dumps([p], 2) for p in range(len(single), top + 1))
            if len(positions) == len(docs):  # one position in every document
                values = list(map(single.__getitem__, positions))
            else:
                values = []
                add = values.append
                i = 0
                for n in freqs:
                    if n == 1:
                        add(single[positions[i]])
                    else:
                        poses = positions[i:i + n].tolist()
                        # Positions.encode: the first position, then the gaps
                        add(pack_uint(n) + dumps([poses[0], *map(sub, poses[1:], poses)], 2))
                    i += n
            weights = [n * boost for n in freqs]
            self._write_term(fw, term.encode("utf-8"), docs, weights, values, qlens)

    @staticmethod
    def _write_term(fw: Any, tbytes: bytes, docs: array, weights: list, values: list,
                    qlens: list[int] | None) -> None:
        """Write one term's postings as W3PostingsWriter would (blocks of 128, the same block
        header and statistics, the same term info), with one difference: each block's data tuple
        is pickled with the highest protocol instead of protocol 2. Protocol 2 has no opcode for
        bytes and pickles every posting's value as a call to `_codecs.encode`; the highest
        protocol writes it as bytes, which makes blocks ~3x smaller after zlib and ~2x faster to
        write and to read. Readers use `pickle.loads`, which takes any protocol."""
        fw.start_term(tbytes)
        pw = fw._postwriter
        info = pw._terminfo
        postfile = pw._postfile
        fixedsize = pw._format.fixed_value_size()
        total = len(docs)
        comp_level = pw._compression
        term_weight = 0.0
        term_min = None
        term_max = 0
        term_maxweight = 0
        postfile.write(_HEADER_MAGIC)
        for start in range(0, total, BLOCK):
            end = min(start + BLOCK, total)
            ids = docs[start:end]
            exact_weights = weights[start:end]
            block_weights = array("f", exact_weights)  # what W3PostingsWriter stores and sums
            maxweight = max(0, max(exact_weights))
            minlength, maxlength = None, 0
            if qlens is not None:
                present = list(filter(None, map(qlens.__getitem__, ids)))
                if present:
                    minlength, maxlength = min(present), max(present)
            # W3PostingsWriter's _mini_ids, _mini_weights and _mini_values
            first = block_weights[0]
            if first == 1.0 and block_weights.count(1.0) == len(block_weights):
                mini_weights = None
            elif block_weights.count(first) == len(block_weights):
                mini_weights = first
            else:
                mini_weights = tuple(block_weights)
            if fixedsize is None or fixedsize < 0:
                mini_values = tuple(v for v in values[start:end] if v)
            elif fixedsize == 0:
                mini_values = None
            else:
                mini_values = b"".join(v for v in values[start:end] if v)
            data = dumps((tuple(delta_encode(ids)), mini_weights, mini_values), HIGHEST_PROTOCOL)
            comp = comp_level if len(data) >= COMPRESSION_MIN_SIZE else 0
            if comp:
                data = compress(data, comp)
            head = dumps((len(ids), ids[-1], maxweight, comp, length_to_byte(minlength),
                          length_to_byte(maxlength)), 2)
            blocklength = len(head) + len(data)
            postfile.write(pack_int(-blocklength if end == total else blocklength) + head + data)
            # W3TermInfo.add_block
            term_weight += sum(block_weights)
            if term_min is None:
                term_min = minlength
            elif minlength is not None:
                term_min = min(term_min, minlength)
            term_max = max(term_max, maxlength)
            term_maxweight = max(term_maxweight, maxweight)
            pw._blockcount += 1
        info._weight += term_weight
        info._df += total
        info._minlength = term_min
        info._maxlength = term_max
        info._maxweight = term_maxweight
        info._minid = docs[0]
        info._maxid = docs[-1]
        fw.finish_term()  # every block is written: finish_postings only records the extent

    def _cut_segment(self) -> None:
        """Write what was collected as a finished segment and start a new one."""
        self._flush_segment()
        self._assemble_segment()
        segment = self.get_segment()
        segment.set_doc_count(self._segdocs)
        self._done_segments.append(segment)
        self.newsegment = self.codec.new_segment(self.storage, self.indexname)
        self.perdocwriter = self.codec.per_document_writer(self.storage, self.newsegment)
        self.fieldwriter = self.codec.field_writer(self.storage, self.newsegment)
        self._reset_postings()

    def get_segment(self) -> Any:
        self.newsegment.set_doc_count(self._segdocs)
        return self.newsegment

    def segments_written(self) -> list[Any]:
        """Finish the segment being written; every segment this writer wrote (not committed)."""
        self._check_state()
        segments = list(self._done_segments)
        if self._segdocs or not segments:
            segments.append(self._finalize_segment())
        self._done_segments = segments
        self._segdocs = 0
        return segments

    def commit(self, mergetype: Any = None, optimize: Any = None, merge: Any = None, *,
               more_segments: Sequence[Any] = ()) -> None:
        """Make this writer's segments, and `more_segments` (written by other BulkWriters into
        the same index, see search/rebuild.py), the index's content."""
        try:
            segments = self.segments_written() + list(more_segments)
            self._commit_toc(segments)
        finally:
            self._finish()

    def close_uncommitted(self) -> None:
        """Release this writer after `segments_written()` when another writer commits its
        segments. The temporary folder is shared by the writers of one index: the committing
        writer removes it."""
        self._tempstorage = None
        self.is_closed = True

    def _finish(self) -> None:
        if self._tempstorage is not None:
            super()._finish()
        self.is_closed = True


__all__ = ["BulkWriter", "FastAnalyzer"]
