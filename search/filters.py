"""Date filters that read the `published` column instead of expanding a numeric range.

A range over years expands to hundreds of trie terms whose union covers most documents;
checking the column value of only the documents the words matched is far cheaper
(benchmarks/search.py: date-filtered queries). Used when a date range is combined with words.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from whoosh import query
from whoosh.matching.wrappers import FilterMatcher
from whoosh.query.wrappers import WrappingQuery
from whoosh.searching import Searcher
from whoosh.util.times import datetime_to_long


class _ColumnCondition:
    """A set-like view (`docnum in cond`) of a column predicate, for Whoosh's FilterMatcher."""

    def __init__(self, column: Any, predicate: Callable[[int], bool]) -> None:
        self.column, self.predicate = column, predicate

    def __contains__(self, docnum: int) -> bool:
        return self.predicate(self.column[docnum])


class PublishedBetween(WrappingQuery):
    """`child`, restricted to documents published in [start, end] (longs, either may be None)."""

    def __init__(self, child: query.Query, start: int | None, end: int | None) -> None:
        super().__init__(child)
        self.start, self.end = start, end

    def _rewrap(self, child: query.Query) -> PublishedBetween:
        return PublishedBetween(child, self.start, self.end)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, PublishedBetween) and other.child == self.child
                and (other.start, other.end) == (self.start, self.end))

    def __hash__(self) -> int:
        return hash((self.child, self.start, self.end))

    def __repr__(self) -> str:
        return f"PublishedBetween({self.child!r}, {self.start}, {self.end})"

    def matcher(self, searcher: Searcher, context: Any = None) -> Any:
        child = self.child.matcher(searcher, context)
        reader = searcher.reader()
        if not reader.has_column("published"):
            return child
        start, end = self.start, self.end
        lo = start if start is not None else 1
        hi = end if end is not None else 2**63

        def inside(value: int) -> bool:
            return lo <= value <= hi  # 0: no date, never inside a range

        column = reader.column_reader("published", translate=False)
        return FilterMatcher(child, _ColumnCondition(column, inside))


def to_long(value: datetime | None) -> int | None:
    return None if value is None else datetime_to_long(value)


def fold_date_ranges(q: query.Query) -> query.Query:
    """And([words..., NumericRange('published', a, b)]) -> PublishedBetween(And(words), a, b)."""
    if not isinstance(q, query.And):
        return q
    ranges = [c for c in q.subqueries if isinstance(c, query.NumericRange) and c.fieldname == "published"]
    others = [c for c in q.subqueries if c not in ranges]
    if not ranges or all(isinstance(c, query.Not) for c in others):
        return q
    start, end = None, None
    for r in ranges:
        lo = r.start if r.start is not None else None
        hi = r.end if r.end is not None else None
        if lo is not None and r.startexcl:
            lo += 1
        if hi is not None and r.endexcl:
            hi -= 1
        start = lo if start is None or (lo is not None and lo > start) else start
        end = hi if end is None or (hi is not None and hi < end) else end
    child = others[0] if len(others) == 1 else query.And(others)
    return PublishedBetween(child, start, end)
