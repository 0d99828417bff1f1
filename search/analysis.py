"""Text analyzers of the search index (tokenize, lowercase, stop words, stem).

`english_analyzer()` is THE analyzer of English text fields; the static-site index export
imports it too, so the browser search and the Whoosh index stem words the same way.
"""

from __future__ import annotations

from functools import cache

from whoosh.analysis import (
    Analyzer,
    LanguageAnalyzer,
    LowercaseFilter,
    RegexTokenizer,
    StemmingAnalyzer,
)
from whoosh.lang import has_stemmer
from whoosh.lang import languages as _whoosh_languages

# An unbounded stem cache: a news vocabulary is a few hundred thousand words, and the bounded
# LRU cache of the default (50,000) evicts constantly while building a large index.
STEM_CACHE = -1

#: Languages (ISO 639-1) with a Whoosh stemmer, other than English: each gets its own fields.
STEMMED_LANGUAGES: tuple[str, ...] = tuple(
    lang for lang in _whoosh_languages if lang != "en" and has_stemmer(lang))


def normalize_language(lang: str | None) -> str:
    """'en-US', 'EN', 'en_GB' -> 'en'; '' stays ''."""
    return (lang or "").strip().lower().replace("_", "-").split("-", 1)[0]


@cache
def english_analyzer() -> Analyzer:
    """Whoosh's StemmingAnalyzer defaults (regex tokens, lowercase, English stop words, Porter
    stemmer), with an unbounded stem cache."""
    return StemmingAnalyzer(cachesize=STEM_CACHE)


@cache
def plain_analyzer() -> Analyzer:
    """Tokens lowercased, no stop words, no stemming: names and languages without a stemmer."""
    return RegexTokenizer() | LowercaseFilter()


@cache
def analyzer_for(lang: str) -> Analyzer:
    """The analyzer for text in `lang`: English for en and unknown, Whoosh's LanguageAnalyzer
    where it has a stemmer, else no stemming."""
    code = normalize_language(lang)
    if code in ("", "en"):
        return english_analyzer()
    if code in STEMMED_LANGUAGES:
        return LanguageAnalyzer(code, cachesize=STEM_CACHE)
    return plain_analyzer()


def field_suffix(lang: str | None) -> str:
    """Suffix of the per-language fields an article's text goes to: '' (English fields),
    '_fr' etc. (stemmed), '_plain' (a language Whoosh cannot stem)."""
    code = normalize_language(lang)
    if code in ("", "en"):
        return ""
    if code in STEMMED_LANGUAGES:
        return f"_{code}"
    return "_plain"
