"""The article body: trafilatura's main-content tree, turned into blocks (paragraphs, headings, lists).

trafilatura finds the content; this module keeps its structure (for the HTML body), and hands the
blocks to archive.extraction.cleanup, which drops the leftovers trafilatura lets through.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

import trafilatura
from lxml import etree
from lxml.html import HtmlElement

from archive.htmlclean import safe_href

_SPACES = re.compile(r"[ \t\r\f\v\u00a0\u200b]+")


@dataclass
class Block:
    """One paragraph-level piece of the body."""

    kind: str  # p, h2, h3, h4, blockquote, ul, ol
    text: str  # plain text; list items one per line
    html: str  # inner HTML (escaped text, <a href>, <br>, <li>)
    link_chars: int = 0  # characters of text inside links (related-link lists are mostly links)

    @property
    def link_density(self) -> float:
        letters = len(self.text.replace(" ", ""))
        return self.link_chars / letters if letters else 0.0


def _clean_space(text: str) -> str:
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


class _Inline:
    """Collects the text and minimal HTML of an element's inline content."""

    def __init__(self, base_url: str | None) -> None:
        self.base_url = base_url
        self.text: list[str] = []
        self.html: list[str] = []
        self.link_chars = 0

    def add_text(self, value: str | None) -> None:
        if value:
            self.text.append(value)
            self.html.append(escape(value))

    def walk(self, el: etree._Element, in_link: bool = False) -> None:
        """Add an element's own text and children (each child's tail too, never the element's)."""
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "lb":
            self.text.append("\n")
            self.html.append("<br>")
            return
        if tag == "graphic":
            return
        if tag == "ref" and not in_link:
            href = safe_href(el.get("target"), self.base_url)
            inner = _Inline(self.base_url)
            inner.walk(el, in_link=True)
            link_text = "".join(inner.text)
            self.link_chars += len(re.sub(r"\s+", "", link_text))
            self.text.append(link_text)
            body = "".join(inner.html)
            self.html.append(f'<a href="{escape(href)}">{body}</a>' if href and body.strip() else body)
            return
        if tag in ("head", "p", "item", "row", "cell") and self.text:
            self.text.append(" ")
            self.html.append(" ")
        self.add_text(el.text)
        for child in el:
            self.walk(child, in_link)
            self.add_text(child.tail)

    def render(self, el: etree._Element) -> tuple[str, str, int]:
        self.walk(el)
        text = _clean_space("".join(self.text))
        html = _SPACES.sub(" ", "".join(self.html)).strip()
        html = re.sub(r"\s*<br>\s*", "<br>", html).strip()
        while html.startswith("<br>"):
            html = html[4:]
        while html.endswith("<br>"):
            html = html[:-4]
        return text, html, self.link_chars


def _inline(el: etree._Element, base_url: str | None) -> tuple[str, str, int]:
    return _Inline(base_url).render(el)


def tree_to_blocks(body: etree._Element, base_url: str | None) -> list[Block]:
    """trafilatura's output tree (head, p, list, quote, table...) as a flat list of blocks."""
    blocks: list[Block] = []
    for el in body:
        tag = el.tag if isinstance(el.tag, str) else ""
        if tag == "head":
            rend = (el.get("rend") or "h2").lower()
            kind = {"h1": "h2", "h2": "h2", "h3": "h3"}.get(rend, "h4")
            text, html, links = _inline(el, base_url)
            if text:
                blocks.append(Block(kind, text, html, links))
        elif tag == "list":
            items = [_inline(item, base_url) for item in el.iter("item")
                     if not any(True for _ in item.iter("item") if _ is not item)]
            items = [it for it in items if it[0]]
            if items:
                kind = "ol" if (el.get("rend") or "").lower() == "ol" else "ul"
                blocks.append(Block(kind, "\n".join(t for t, _, _ in items),
                                    "".join(f"<li>{h}</li>" for _, h, _ in items),
                                    sum(n for _, _, n in items)))
        elif tag == "table":
            for row in el.iter("row"):
                cells = [_inline(cell, base_url) for cell in row if cell.tag == "cell"]
                cells = [c for c in cells if c[0]]
                if cells:
                    blocks.append(Block("p", " | ".join(t.replace("\n", " ") for t, _, _ in cells),
                                        " | ".join(h for _, h, _ in cells), sum(n for _, _, n in cells)))
        elif tag == "quote":
            text, html, links = _inline(el, base_url)
            if text:
                blocks.append(Block("blockquote", text, html, links))
        elif tag != "graphic":  # p, code, div and anything else trafilatura emits
            text, html, links = _inline(el, base_url)
            if text:
                blocks.append(Block("p", text, html, links))
    return blocks


MAX_BLOCK_WORDS = 400  # a longer "paragraph" means a whole container was taken as one block


def _run_trafilatura(tree: HtmlElement | str, url: str | None, recall: bool, fast: bool) -> list[Block]:
    doc = trafilatura.bare_extraction(tree, url=url, include_comments=False, include_tables=True,
                                      include_links=True, include_formatting=False, with_metadata=False,
                                      favor_recall=recall, fast=fast)
    if doc is None or doc.body is None:
        return []
    return tree_to_blocks(doc.body, url)


def trafilatura_blocks(tree: HtmlElement | str, url: str | None, *, recall: bool = False) -> list[Block]:
    """Main content of a page as blocks; [] when trafilatura finds nothing.

    trafilatura runs in fast mode (no internal fallback extractors: a third of the time); its
    full mode is used only when the fast result looks wrong (nothing, or one giant block).
    """
    blocks = _run_trafilatura(tree, url, recall, fast=True)
    if not blocks or max(len(b.text.split()) for b in blocks) > MAX_BLOCK_WORDS:
        full = _run_trafilatura(tree, url, recall, fast=False)
        if full:
            return full
    return blocks


def blocks_text(blocks: list[Block]) -> str:
    return "\n\n".join(b.text for b in blocks)


def blocks_html(blocks: list[Block]) -> str:
    parts = []
    for b in blocks:
        if b.kind in ("ul", "ol"):
            parts.append(f"<{b.kind}>{b.html}</{b.kind}>")
        elif b.kind == "blockquote":
            parts.append(f"<blockquote><p>{b.html}</p></blockquote>")
        else:
            parts.append(f"<{b.kind}>{b.html}</{b.kind}>")
    return "\n".join(parts)


def _html_inline(el: etree._Element, base_url: str | None, out: _Inline, in_link: bool = False) -> None:
    """Like _Inline.walk, for ordinary HTML (a, br) instead of trafilatura's tree (ref, lb)."""
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if tag in ("script", "style", "noscript", "img", "svg", "iframe", "button", "input"):
        return
    if tag == "br":
        out.text.append("\n")
        out.html.append("<br>")
        return
    if tag == "a" and not in_link:
        href = safe_href(el.get("href"), base_url)
        inner = _Inline(base_url)
        _html_inline(el, base_url, inner, in_link=True)
        link_text = "".join(inner.text)
        out.link_chars += len(re.sub(r"\s+", "", link_text))
        out.text.append(link_text)
        body = "".join(inner.html)
        out.html.append(f'<a href="{escape(href)}">{body}</a>' if href and body.strip() else body)
        return
    if tag in ("p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "tr") and out.text:
        out.text.append(" ")
        out.html.append(" ")
    out.add_text(el.text)
    for child in el:
        _html_inline(child, base_url, out, in_link)
        out.add_text(child.tail)


def _finish(out: _Inline) -> tuple[str, str, int]:
    text = _clean_space("".join(out.text))
    html = _SPACES.sub(" ", "".join(out.html)).strip()
    html = re.sub(r"\s*<br>\s*", "<br>", html).strip()
    html = re.sub(r"^(?:<br>)+|(?:<br>)+$", "", html)
    return text, html, out.link_chars


def _inline_html_element(el: etree._Element, base_url: str | None) -> Block | None:
    """A block from an ordinary HTML element (p, h1-h6, ul/ol, blockquote, pre); None when empty."""
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if tag in ("ul", "ol"):
        items = []
        for li in el.iter("li"):
            out = _Inline(base_url)
            _html_inline(li, base_url, out)
            items.append(_finish(out))
        items = [it for it in items if it[0]]
        if not items:
            return None
        return Block(tag, "\n".join(t for t, _, _ in items), "".join(f"<li>{h}</li>" for _, h, _ in items),
                     sum(n for _, _, n in items))
    out = _Inline(base_url)
    _html_inline(el, base_url, out)
    text, html, links = _finish(out)
    if not text:
        return None
    kind = {"h1": "h2", "h2": "h2", "h3": "h3", "h4": "h4", "h5": "h4", "h6": "h4",
            "blockquote": "blockquote"}.get(tag, "p")
    return Block(kind, text, html, links)
