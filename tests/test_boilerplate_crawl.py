"""Issue 3's site-level test: learned per-source boilerplate, end to end through a real crawl.

The fixture site repeats an in-body editor's note (which no single-page extractor can tell from
story text) in every article, on top of the demo site's pitch, newsletter box and author bio; two
articles quote the same sentence and three share a background paragraph: those must survive.
"""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

from newsarchive import api
from newsarchive.config import load_config
from newsarchive.demosite import DemoSite, boilerplate_snippets, demo_config, make_site_articles

SITE = "The Valley Tribune"
EDITORS_NOTE = ("The Valley Tribune is an independent newsroom owned by its readers, "
                "reporting on the river towns since eighteen eighty seven.")
QUOTE = ("\u201cWe will not let the river decide our future for us,\u201d said Mayor Ilse Brandvold "
         "at the packed town hall meeting on Tuesday evening.")
BACKGROUND = ("The ferry line has carried commuters between the two banks since the old bridge "
              "closed, and its timetable has changed four times in three years.")


def articles():
    base = make_site_articles(24, "valley")
    out = []
    for i, article in enumerate(base):
        paragraphs = list(article.paragraphs)
        paragraphs.insert(len(paragraphs) // 2, EDITORS_NOTE)
        if i in (4, 17):
            paragraphs.insert(1, QUOTE)
        if i in (2, 9, 20):
            paragraphs.insert(2, BACKGROUND)
        out.append(replace(article, paragraphs=paragraphs))
    return out


def test_crawl_learns_and_removes_repeated_blocks_but_keeps_shared_quotes(tmp_path: Path) -> None:
    site_articles = articles()
    with DemoSite(articles=site_articles, site_name=SITE) as site:
        path = tmp_path / "newsarchive.toml"
        path.write_text(demo_config(site.base_url, name="valley"), encoding="utf-8")
        config = load_config(path)
        [summary] = api.crawl(config)
        assert summary.new_articles == len(site_articles)
    out = tmp_path / "all.jsonl"
    with open(out, "w", encoding="utf-8") as fh:
        api.export(config, fh)
    rows = {json.loads(line)["title"]: json.loads(line) for line in out.read_text().splitlines()}
    assert len(rows) == len(site_articles)
    for snippet in boilerplate_snippets(SITE):
        assert not any(snippet in row["text"] for row in rows.values()), snippet
    assert not any(EDITORS_NOTE in row["text"] for row in rows.values()), "learned block kept"
    for i, article in enumerate(site_articles):
        text = rows[article.title]["text"]
        assert (QUOTE in text) == (i in (4, 17)), f"shared quote wrong in article {i}"
        assert (BACKGROUND in text) == (i in (2, 9, 20)), f"background paragraph wrong in article {i}"
        for paragraph in article.paragraphs:
            if paragraph != EDITORS_NOTE:
                assert paragraph in text, f"article {i} lost story text"

    # Re-extraction from the WARC records keeps the result (the model is applied again).
    checked, _changed = api.reextract(config)
    assert checked == len(site_articles)
    for article_id in range(1, len(site_articles) + 1):
        assert EDITORS_NOTE not in api.show(config, str(article_id))["text"]
