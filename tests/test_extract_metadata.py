"""Metadata of pages written for the project (tests/fixtures/metadata): every field is checked."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

import pytest

from archive.extract import extract_article
from archive.extraction.metadata import clean_author_names, strip_site_suffix

FIXTURES = Path(__file__).parent / "fixtures" / "metadata"
CASES = sorted(p.stem for p in FIXTURES.glob("*.html"))


@pytest.mark.parametrize("name", CASES)
def test_every_metadata_field(name: str) -> None:
    expected = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    ex = extract_article((FIXTURES / f"{name}.html").read_bytes(), expected.pop("url"))
    starts, ends = expected.pop("text_starts_with"), expected.pop("text_ends_with")
    got = ex.to_dict()
    for key in ("published", "modified"):
        value = got[key]
        if value is not None:
            assert isinstance(value, datetime) and value.utcoffset() is not None  # time-zone aware
        got[key] = value.isoformat() if value else None
    assert {k: got[k] for k in expected} == expected
    assert ex.text.startswith(starts) and ex.text.endswith(ends)
    assert ex.title not in ex.text  # the headline is not repeated as body text
    assert "By " not in ex.text


def test_case_list_covers_the_issue() -> None:
    assert {"jsonld_newsarticle", "opengraph_only", "microdata", "no_metadata", "several_authors_updated",
            "russian_cp1251"} <= set(CASES)


@pytest.mark.parametrize("raw, names", [
    (["By Jane Doe"], ["Jane Doe"]),
    (["Jane Doe, Science Editor"], ["Jane Doe"]),
    (["By JANE DOE and John Roe | March 3, 2024"], ["JANE DOE", "John Roe"]),
    (["Jane Doe; John Roe & Ann Lee"], ["Jane Doe", "John Roe", "Ann Lee"]),
    (["https://facebook.com/janedoe", "Jane Doe", "jane doe"], ["Jane Doe"]),
    (["Updated 5:30 PM"], []),
    (["Von Klara Fischer"], ["Klara Fischer"]),
])
def test_author_names_are_clean(raw: list[str], names: list[str]) -> None:
    assert clean_author_names(raw) == names


@pytest.mark.parametrize("title, site, host, expected", [
    ("Headline here - The Site", "The Site", "thesite.com", "Headline here"),
    ("Headline here | Site", "", "www.site.com", "Headline here"),
    ("The Site: Headline here", "The Site", "thesite.com", "Headline here"),
    ("Brexit - what happens next", "Daily News", "dailynews.com", "Brexit - what happens next"),
    ("Headline | Section | News Site", "News Site", "newssite.com", "Headline | Section"),
])
def test_site_suffix_is_stripped(title: str, site: str, host: str, expected: str) -> None:
    assert strip_site_suffix(title, site, host) == expected
