"""Word-level diffs between two revisions of an article's text.

Texts are split into words, runs of spaces and paragraph breaks; difflib matches the words
(autojunk off: common words must still anchor the alignment). The terminal rendering marks
changes like `git diff --word-diff` ([-deleted-]{+inserted+}, or colors); the HTML rendering
wraps them in <del>/<ins> inside paragraphs, readable without JavaScript or CSS.
"""

from __future__ import annotations

import html
import re
from difflib import SequenceMatcher
from typing import Literal

Op = Literal["equal", "insert", "delete"]
Chunk = tuple[Op, str]

_TOKEN = re.compile(r"\n\s*\n|\n|[^\S\n]+|[^\s]+")
PARAGRAPH = "\n\n"


def tokenize(text: str) -> list[str]:
    """Words, runs of spaces, and line/paragraph breaks (normalized to "\\n" / "\\n\\n")."""
    tokens = []
    for tok in _TOKEN.findall(text.replace("\r\n", "\n")):
        if tok.startswith("\n"):
            tokens.append(PARAGRAPH if tok.count("\n") > 1 else "\n")
        elif tok.isspace():
            tokens.append(" ")
        else:
            tokens.append(tok)
    return tokens


def word_diff(old_text: str, new_text: str) -> list[Chunk]:
    """The two texts as a list of (op, text) chunks; joining the equal+delete chunks gives the
    old text, equal+insert the new one (whitespace normalized)."""
    old, new = tokenize(old_text), tokenize(new_text)
    matcher = SequenceMatcher(None, old, new, autojunk=False)
    chunks: list[Chunk] = []

    def add(op: Op, tokens: list[str]) -> None:
        if not tokens:
            return
        text = "".join(tokens)
        if chunks and chunks[-1][0] == op:
            chunks[-1] = (op, chunks[-1][1] + text)
        else:
            chunks.append((op, text))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("equal", old[i1:i2])
        else:
            add("delete", old[i1:i2])
            add("insert", new[j1:j2])
    return chunks


def has_changes(chunks: list[Chunk]) -> bool:
    return any(op != "equal" for op, _ in chunks)


def diff_text(old_text: str, new_text: str, *, color: bool = False) -> str:
    """A terminal rendering: [-deleted-]{+inserted+}, or red/green when `color`."""
    return render_text(word_diff(old_text, new_text), color=color)


def render_text(chunks: list[Chunk] | list[list[str]], *, color: bool = False) -> str:
    """Chunks of `word_diff` as terminal text (see `diff_text`)."""
    marks = {"delete": ("\x1b[31;9m", "\x1b[0m"), "insert": ("\x1b[32;4m", "\x1b[0m")} if color else \
        {"delete": ("[-", "-]"), "insert": ("{+", "+}")}
    out = []
    for op, text in chunks:
        if op == "equal":
            out.append(text)
            continue
        start, end = marks[op]
        # keep paragraph breaks outside the markers so each paragraph stays readable
        for n, part in enumerate(re.split(r"(\n+)", text)):
            if n % 2:
                out.append(part)
            elif part.strip():
                out.append(f"{start}{part}{end}")
            else:
                out.append(part)
    return "".join(out)


def diff_html(old_text: str, new_text: str) -> str:
    """The diff as HTML paragraphs with <del> and <ins> (all text escaped; no scripts, no styles
    needed). For the site's per-revision diff pages."""
    paragraphs: list[str] = []
    current: list[str] = []

    def close_paragraph() -> None:
        if current:
            paragraphs.append("<p>" + "".join(current).strip() + "</p>")
            current.clear()

    for op, text in word_diff(old_text, new_text):
        for n, part in enumerate(re.split(r"(\n+)", text)):
            if n % 2:  # a break
                if "\n\n" in part:
                    close_paragraph()
                else:
                    current.append("<br>")
                continue
            if not part:
                continue
            escaped = html.escape(part, quote=False)
            if op == "equal" or not part.strip():
                current.append(escaped)
            else:
                tag = "del" if op == "delete" else "ins"
                current.append(f"<{tag}>{escaped}</{tag}>")
    close_paragraph()
    return "\n".join(paragraphs)
