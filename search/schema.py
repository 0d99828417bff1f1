"""The Whoosh schema of the article index."""

from __future__ import annotations

from whoosh.analysis import IDTokenizer, LowercaseFilter
from whoosh.columns import NumericColumn
from whoosh.fields import COLUMN, DATETIME, ID, KEYWORD, STORED, TEXT, Schema

from search.analysis import STEMMED_LANGUAGES, analyzer_for, english_analyzer, plain_analyzer

TITLE_BOOST = 2.0
#: Suffixes of per-language text fields: "" (English and unknown), "_fr"..., "_plain".
LANGUAGE_SUFFIXES: tuple[str, ...] = ("", *(f"_{lang}" for lang in STEMMED_LANGUAGES), "_plain")
#: Fields `title:` and `body:` mean (each covers every language's copy).
TEXT_FIELDS = ("title", "body")
#: Searched when a word names no field. `body` holds the title twice, the dek and the text: one
#: field per word is several times faster than a union over title/dek/body (benchmarks/search.py),
#: and the repeated title gives title words their boost.
DEFAULT_FIELDS = ("body",)
TITLE_REPEAT = 2


def language_fields(base: str) -> list[str]:
    """`title` -> ['title', 'title_ar', ..., 'title_plain']."""
    return [f"{base}{suffix}" for suffix in LANGUAGE_SUFFIXES]


def _lower_id() -> IDTokenizer:
    return IDTokenizer() | LowercaseFilter()


def build_schema() -> Schema:
    en = english_analyzer()
    schema = Schema(
        id=ID(stored=True, unique=True, sortable=True),  # article id (str); the column lists live docs fast
        url=ID(stored=True, unique=True),
        version=COLUMN(NumericColumn("I")),  # Article.version indexed: `check` compares it with the database
        title=TEXT(analyzer=en, field_boost=TITLE_BOOST, spelling=True),  # spelling: "did you mean"
        headline=STORED(),  # the title as shown, whatever the language
        summary=STORED(),  # the dek as shown
        body=TEXT(analyzer=en),  # title x2 + dek + text
        text=STORED(),  # the body: snippets and related articles
        authors=TEXT(analyzer=plain_analyzer(), stored=True),
        source=ID(stored=True, sortable=True, analyzer=_lower_id()),
        section=ID(stored=True, sortable=True),
        tags=KEYWORD(commas=True, lowercase=True, scorable=True, stored=True),
        language=ID(stored=True, analyzer=_lower_id()),
        published=DATETIME(stored=True, sortable=True),  # naive UTC
        year=ID(sortable=True),
        dupkey=ID(stored=True, sortable=True),  # equal for near-identical articles (collapse)
    )
    for suffix in LANGUAGE_SUFFIXES[1:]:
        analyzer = plain_analyzer() if suffix == "_plain" else analyzer_for(suffix[1:])
        schema.add(f"title{suffix}", TEXT(analyzer=analyzer, field_boost=TITLE_BOOST))
        schema.add(f"body{suffix}", TEXT(analyzer=analyzer))
    return schema
