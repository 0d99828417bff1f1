"""A second extractor (readability) for pages where trafilatura keeps only part of the story.

Why: on some layouts (story split over several sibling containers) trafilatura picks one part.
The page's own long paragraphs tell when that happened: if many long <p> outside navigation,
headers, footers and asides are missing from the extraction, readability-lxml is asked too and
its answer is taken when it holds clearly more of them and keeps what trafilatura found.
Readability runs on a few pages only, so the median time does not move.
"""

from __future__ import annotations

import re

import lxml.html
from lxml import etree
from lxml.html import HtmlElement

from archive.extraction.body import Block, _inline_html_element

_WORD = re.compile(r"\w+")
_LONG_P = etree.XPath("//p[not(ancestor::nav or ancestor::footer or ancestor::aside or ancestor::header "
                      "or ancestor::form or ancestor::*[@role='navigation' or @role='complementary'])]")
LONG_PARAGRAPH_CHARS = 200
MIN_MISSING_WORDS = 150
MAX_COVERAGE = 0.6


def _key(text: str) -> str:
    return " ".join(_WORD.findall(text.lower()))


def long_paragraphs(tree: HtmlElement) -> list[str]:
    out = []
    for p in _LONG_P(tree):
        text = p.text_content()
        if len(text) >= LONG_PARAGRAPH_CHARS:
            key = _key(text)
            if key:
                out.append(key)
    return out


def coverage(paragraphs: list[str], text_key: str) -> tuple[float, int]:
    """Share of the page's long-paragraph words found in a text, and how many words are missing."""
    total = sum(len(p.split()) for p in paragraphs)
    missing = sum(len(p.split()) for p in paragraphs if p not in text_key)
    return ((total - missing) / total if total else 1.0), missing


def readability_blocks(tree: HtmlElement, url: str | None) -> list[Block]:
    from readability import Document  # only loaded for the pages that need it

    html = lxml.html.tostring(tree, encoding="unicode")
    try:
        summary = Document(html, url=url).summary(html_partial=True)
    except Exception:  # noqa: BLE001 - readability raises bare Exceptions on odd pages
        return []
    root = lxml.html.fragment_fromstring(summary, create_parent="div")
    blocks: list[Block] = []
    for el in root.iter("p", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "blockquote", "pre"):
        if any(a.tag in ("p", "ul", "ol", "blockquote", "pre") for a in el.iterancestors()):
            continue
        block = _inline_html_element(el, url)
        if block is not None:
            blocks.append(block)
    return blocks


def second_opinion(tree: HtmlElement, blocks: list[Block], url: str | None) -> list[Block]:
    """trafilatura's blocks, or readability's when they clearly hold more of the page's story."""
    paragraphs = long_paragraphs(tree)
    if not paragraphs:
        return blocks
    ours = _key("\n".join(b.text for b in blocks))
    share, missing = coverage(paragraphs, ours)
    if share >= MAX_COVERAGE or missing < MIN_MISSING_WORDS:
        return blocks
    other = readability_blocks(tree, url)
    theirs = _key("\n".join(b.text for b in other))
    their_share, _ = coverage(paragraphs, theirs)
    kept = sum(1 for b in blocks if _key(b.text) and _key(b.text) in theirs)
    if their_share >= share + 0.25 and kept >= 0.7 * len(blocks):
        return other
    return blocks
