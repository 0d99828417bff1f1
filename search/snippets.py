"""Highlighted snippets: the best fragment of a body for a set of matched index terms.

Whoosh's Highlighter re-runs the whole analyzer chain over every hit's body; this does the
same matching (a word matches when it analyzes to a matched term) with one regex pass and a
per-language cache of analyzed words, which is several times faster on long articles.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import escape

from whoosh.analysis import Analyzer

from search.analysis import analyzer_for

_TOKEN = re.compile(r"\w+(?:\.?\w+)*", re.UNICODE)  # Whoosh's default_pattern
_caches: dict[str, dict[str, str | None]] = {}
FRAGMENT_CHARS = 240
CACHE_LIMIT = 500_000


def _analyzed(word: str, lang: str, analyzer: Analyzer, cache: dict[str, str | None]) -> str | None:
    low = word.lower()
    try:
        return cache[low]
    except KeyError:
        pass
    tokens = [t.text for t in analyzer(low, mode="query")]
    term = tokens[0] if tokens else None
    if len(cache) > CACHE_LIMIT:
        cache.clear()
    cache[low] = term
    return term


def best_fragment(text: str, terms: set[str], lang: str = "", chars: int = FRAGMENT_CHARS) -> str:
    """HTML: the window of `text` (about `chars` long) with the most distinct matched terms,
    escaped, matched words in <mark>. Without matches: the start of the text."""
    if not text:
        return ""
    if not terms:
        return escape(_trim(text, 0, chars)[0])
    analyzer = analyzer_for(lang)
    cache = _caches.setdefault(lang or "en", {})
    matches: list[tuple[int, int, str]] = []
    # Only words starting like a matched term can analyze to it (stemmers change word endings):
    # a regex finds those candidates in C, the analyzer confirms each one.
    for m in _candidates(frozenset(terms)).finditer(text):
        term = _analyzed(m.group(), lang, analyzer, cache)
        if term is not None and term in terms:
            matches.append((m.start(), m.end(), term))
    if not matches:
        return escape(_trim(text, 0, chars)[0])
    best, best_score, j = 0, -1.0, 0
    for i, (start, _end, _term) in enumerate(matches):
        # matches in the window starting 20% before this match
        window_start = max(0, start - chars // 5)
        while j < len(matches) and matches[j][1] <= window_start + chars:
            j += 1
        inside = matches[i:j]
        score = len({t for _, _, t in inside}) * 10 + len(inside)
        if score > best_score:
            best, best_score = i, score
    window_start = max(0, min(matches[best][0] - chars // 5, len(text) - chars))
    fragment, offset = _trim(text, window_start, chars)
    out, pos = [], 0
    for start, end, _ in matches:
        s, e = start - offset, end - offset
        if s < pos or e > len(fragment):
            continue
        out.append(escape(fragment[pos:s]))
        out.append(f"<mark>{escape(fragment[s:e])}</mark>")
        pos = e
    out.append(escape(fragment[pos:]))
    prefix = "… " if offset > 0 else ""
    suffix = " …" if offset + len(fragment) < len(text.rstrip()) else ""
    return prefix + "".join(out).strip() + suffix


@lru_cache(maxsize=512)
def _candidates(terms: frozenset[str]) -> re.Pattern[str]:
    prefixes = sorted({t[:max(2, len(t) - 2)] if len(t) > 4 else t[:3] for t in terms if t}, key=len,
                      reverse=True)
    alternation = "|".join(re.escape(p) for p in prefixes) or "(?!)"
    return re.compile(rf"(?<!\w)(?:{alternation})\w*(?:\.?\w+)*", re.IGNORECASE | re.UNICODE)


def _trim(text: str, start: int, chars: int) -> tuple[str, int]:
    """text[start:start+chars] widened/narrowed to word boundaries; returns it and its offset."""
    if start > 0:
        space = text.rfind(" ", max(0, start - 30), start)
        start = space + 1 if space >= 0 else start
    end = min(len(text), start + chars)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    fragment = text[start:end]
    stripped = fragment.lstrip()
    return stripped.rstrip(), start + len(fragment) - len(stripped)
