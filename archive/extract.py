"""Article extraction: clean body text and metadata from one HTML page.

`extract_article` is a pure function (no database, no network) so it can run in worker
processes; per-source learned boilerplate is applied afterwards by archive.boilerplate.
The pieces live in archive.extraction (decode, body, cleanup, metadata, language).
"""

from __future__ import annotations

import gzip
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import lxml.html
from cssselect import SelectorError
from lxml import etree

from archive.extraction.body import Block, blocks_html, blocks_text, trafilatura_blocks
from archive.extraction.cleanup import clean_blocks, link_share, norm
from archive.extraction.decode import decode_html
from archive.extraction.fallback import second_opinion
from archive.extraction.language import detect_language
from archive.extraction.metadata import Metadata, extract_metadata
from archive.htmlclean import sanitize, text_to_html
from newsarchive.errors import UserError

MIN_WORDS = 40  # fewer words than this is not an article
MAX_LINK_SHARE = 0.5  # more of the text inside links than outside: a navigation or index page
MAX_ELEMENTS = 10_000  # a larger tree is cut (see truncate_tree); real article pages have 0.3-5k
MAX_PAGE_BYTES = 30_000_000  # larger responses are not news pages; refuse rather than stall a worker

__all__ = ["Extraction", "extract_article", "read_page_bytes", "split_paragraphs", "word_count",
           "paragraphs_to_html", "SelectorConfigError", "MIN_WORDS", "warm_up"]


class SelectorConfigError(UserError):
    """A body_selector/remove_selectors entry of a source is not valid CSS."""


@dataclass
class Extraction:
    """What one page yields. `ok` is False (with a `reason`) when no article was found."""

    ok: bool
    reason: str = ""
    title: str = ""
    description: str = ""
    authors: list[str] = field(default_factory=list)
    published: datetime | None = None
    modified: datetime | None = None
    language: str = ""
    section: str = ""
    tags: list[str] = field(default_factory=list)
    image_url: str = ""
    canonical_url: str = ""
    site_name: str = ""
    text: str = ""
    html: str = ""
    word_count: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def word_count(text: str) -> int:
    return len(re.findall(r"\w+", text))


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a stored text (blank-line separated; single newlines inside lists are kept apart)."""
    return [p.strip() for p in re.split(r"\n\s*\n|\n", text) if p.strip()]


def paragraphs_to_html(text: str) -> str:
    return text_to_html(text)


def read_page_bytes(path: str | Path) -> bytes:
    """A saved page's bytes, un-gzipped when the file is gzip-compressed (by content, not name)."""
    data = Path(path).read_bytes()
    if data[:2] == b"\x1f\x8b":
        try:
            return gzip.decompress(data)
        except (OSError, EOFError) as exc:
            raise UserError(f"{path}: broken gzip file ({exc}); save the page again") from exc
    return data


_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_PARSER = lxml.html.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True)
# Control characters (not tab/newline/form feed) and undecodable bytes: text never has many.
_BINARY_CHARS = re.compile("[\x00-\x08\x0b\x0e-\x1f\ufffd]")


def looks_binary(text: str) -> bool:
    """True for an image, archive or other binary file served as text/html."""
    sample = text[:65536]
    return len(_BINARY_CHARS.findall(sample)) > max(8, len(sample) // 200)


def parse_html(text: str) -> lxml.html.HtmlElement | None:
    """lxml tree of a page, or None when there is no markup to speak of."""
    text = _XML_DECL.sub("", text, count=1).replace("\x00", "")
    if not text.strip():
        return None
    try:
        tree = lxml.html.document_fromstring(text, parser=_PARSER)
    except (etree.ParserError, ValueError):
        return None
    return tree


def truncate_tree(tree: lxml.html.HtmlElement, max_elements: int = MAX_ELEMENTS) -> bool:
    """Cut a huge page after its first `max_elements` elements (document order); True if cut.

    Extraction time grows faster than linearly with the tree; the story sits near the top of a
    page, the endless comment threads and listings that make pages huge come after it.
    """
    body = tree.find("body")
    root = body if body is not None else tree
    cutoff = None
    for i, el in enumerate(root.iter()):
        if i == max_elements:
            cutoff = el
            break
    if cutoff is None:
        return False
    node = cutoff
    while node is not None and node is not root:
        parent = node.getparent()
        if parent is None:
            break
        for sibling in list(node.itersiblings()):
            parent.remove(sibling)
        node = parent
    cutoff_parent = cutoff.getparent()
    if cutoff_parent is not None:
        cutoff_parent.remove(cutoff)
    return True


def _select(tree: lxml.html.HtmlElement, selector: str) -> list[lxml.html.HtmlElement]:
    try:
        return tree.cssselect(selector)
    except SelectorError as exc:
        raise SelectorConfigError(f"invalid CSS selector {selector!r} ({exc}); fix the source's "
                                  "body_selector/remove_selectors in newsarchive.toml") from exc


def _body_from_selector(tree: lxml.html.HtmlElement, selector: str, url: str | None) -> list[Block]:
    """Blocks of the elements a source's body_selector names ([] when it matches nothing)."""
    found = _select(tree, selector)
    if not found:
        return []
    page = lxml.html.document_fromstring("<html><body></body></html>")
    body = page.find("body")
    for el in found:
        body.append(lxml.html.fromstring(lxml.html.tostring(el)))
    return trafilatura_blocks(page, url, recall=True)


def _fail(reason: str, md: Metadata | None = None) -> Extraction:
    ex = Extraction(ok=False, reason=reason)
    if md is not None:
        _fill_metadata(ex, md)
    return ex


def _fill_metadata(ex: Extraction, md: Metadata) -> None:
    for name in ("title", "description", "authors", "published", "modified", "language", "section", "tags",
                 "image_url", "canonical_url", "site_name"):
        setattr(ex, name, getattr(md, name))


def extract_article(html: bytes | str, url: str | None = None, *, body_selector: str = "",
                    remove_selectors: tuple[str, ...] | list[str] = (),
                    encoding: str | None = None) -> Extraction:
    """Extract the article on one page (bytes are decoded carefully; `encoding` is the HTTP charset).

    Never raises on bad input: returns ok=False and a reason. Raises SelectorConfigError (a
    UserError) only for an invalid CSS selector in the source's configuration.
    """
    if html is None or not html or (isinstance(html, bytes) and not html.strip()):
        return _fail("empty page")
    if len(html) > MAX_PAGE_BYTES:
        return _fail(f"page too large ({len(html) // 1_000_000} MB)")
    text, _codec = decode_html(html, encoding)
    if looks_binary(text):
        return _fail("binary content, not a web page")
    tree = parse_html(text)
    if tree is None:
        return _fail("no HTML content")
    truncate_tree(tree)
    try:
        md = extract_metadata(tree, url)
    except (ValueError, TypeError, etree.LxmlError):  # metadata must never cost the article
        md = Metadata(canonical_url=url or "")
    anchors = {norm(a.text_content()) for a in tree.iter("a")}
    for selector in remove_selectors or ():
        for el in _select(tree, selector):
            if el.getparent() is not None:
                el.drop_tree()
    try:
        blocks: list[Block] = _body_from_selector(tree, body_selector, url) if body_selector else []
        if not blocks:
            blocks = trafilatura_blocks(tree, url)
            blocks = second_opinion(tree, blocks, url)
    except (ValueError, TypeError, etree.LxmlError, RecursionError) as exc:
        return _fail(f"extraction failed: {type(exc).__name__}", md)
    blocks = clean_blocks(blocks, md.title_candidates, md.description)
    if blocks and link_share(blocks, anchors) > MAX_LINK_SHARE:
        return _fail("only links found (navigation or index page)", md)
    body_text = blocks_text(blocks)
    count = word_count(body_text)
    if not blocks:
        return _fail("no article text found", md)
    if count < MIN_WORDS:
        return _fail(f"too little text ({count} words)", md)
    ex = Extraction(ok=True, text=body_text, html=sanitize(blocks_html(blocks)), word_count=count)
    _fill_metadata(ex, md)
    ex.language = detect_language(body_text, md.language)
    return ex


def warm_up() -> None:
    """Load the lazily loaded models (language identification, date parsing) now.

    Call once in a long-running worker so the first pages are not slow; never required.
    """
    from archive.extraction.language import _identify
    from archive.extraction.metadata import _htmldate

    _identify("warm up the language model")
    _htmldate(lxml.html.document_fromstring("<html><body><p>Published 3 March 2021</p></body></html>"), None)

