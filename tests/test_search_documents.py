"""Index documents (search/documents.py): the same from ORM objects and from the rebuild's rows."""

from __future__ import annotations

import hashlib
import random
import re

import pytest
from searchutil import make_archive, sqlite_url
from sqlalchemy import select

from archive.models import Article, Source
from search.documents import DOCUMENT_COLUMNS, article_document, dupkey


def dupkey_of_whole_text(title: str, text: str) -> str:
    """The definition: title and first 20 words of the whole lowercased text."""
    words = re.findall(r"\w+", title.lower()) + ["|"] + re.findall(r"\w+", text.lower())[:20]
    return hashlib.sha1(" ".join(words).encode("utf-8")).hexdigest()[:16]


def texts() -> list[str]:
    rng = random.Random(3)
    pieces = ["grain", "İstanbul", "ǅemal", "ﬁnance", "x" * 700, "e-mail", "café", "—", "...", "U.S.", "20,000",
              "\n\n", "ΣΊΣΥΦΟΣ", "ß", "東京", "a"]
    out = ["", "one two", "word " * 19 + "last", "word " * 20 + "last", "word " * 21, "w" * 2000 + " end"]
    for _ in range(400):
        out.append(" ".join(rng.choice(pieces) for _ in range(rng.randint(0, 120))))
    # the 20th and 21st words right at the prefix boundary (600 characters)
    for cut in range(560, 640, 3):
        filler = "z" * (cut - 19 * 2)
        out.append("a " * 19 + filler + " İstanbul tail words here")
    return out


@pytest.mark.parametrize("title", ["Grain prices fall", "", "İSTANBUL talks"])
def test_dupkey_reads_a_prefix_but_equals_the_whole_text_definition(title: str) -> None:
    for text in texts():
        assert dupkey(title, text) == dupkey_of_whole_text(title, text), text[:80]


def test_a_row_of_document_columns_gives_the_document_of_the_article(tmp_path) -> None:
    archive = make_archive(sqlite_url(tmp_path))
    with archive.db.session() as s:
        sources = dict(s.execute(select(Source.id, Source.name)).all())
        articles = {a.id: a for a in s.scalars(select(Article))}
        rows = {row.id: row for row in s.execute(select(*DOCUMENT_COLUMNS))}
        assert len(rows) == len(articles) > 5
        for article_id, article in articles.items():
            name = sources[article.source_id]
            assert article_document(rows[article_id], name) == article_document(article, name)
