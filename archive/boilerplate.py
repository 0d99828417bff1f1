"""Per-source learned boilerplate: paragraphs that recur across many distinct articles of one site.

A single-page extractor cannot tell a site's closing subscription pitch, newsletter box or author
bio from story text; the archive can, because it holds many pages of each site. Every article's
raw paragraphs are fingerprinted (normalized text hash); a fingerprint found in at least
``max(MIN_ARTICLES, SHARE * articles of the source)`` distinct articles is learned and removed
from that source's articles.

Thresholds, and why:
- MIN_ARTICLES = 5: a quote or fact repeated in a follow-up story appears in 2-3 articles of a
  site, exceptionally 4; five distinct articles is beyond what story text does, and nothing is
  learned before a source has five articles.
- SHARE = 0.3: a site-wide widget sits on (nearly) every article; a section-wide one on a good
  share of them. A third keeps clear of recurring story text (a running background paragraph of a
  story series) on large sources, where five articles would be a tiny share.
- MIN_WORDS = 4: shorter lines ("Yes.", "He declined to comment.") recur as story text;
  short widgets ("Advertisement", "Read more") are caught by the generic cleanup.
Learned blocks stay learned (a later, larger article count does not unlearn them).

Use (crawler pipeline, per source):
    model = BoilerplateModel.load(repo, source_id)
    cleaned = model.clean(raw)                      # before storing
    result = repo.store_article(..., cleaned, ...)
    model.observe(result.article_id, raw)           # the raw extraction: its fingerprints
    ...
    learn_and_reclean(repo, source_id, model)       # end of run: persist, re-clean early articles
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from typing import TYPE_CHECKING

import lxml.html
from lxml import etree

from archive.extract import Extraction, split_paragraphs, word_count
from archive.htmlclean import sanitize

if TYPE_CHECKING:
    from archive.repository import Repository

MIN_ARTICLES = 5
SHARE = 0.3
MIN_WORDS = 4
_WORD = re.compile(r"\w+", re.UNICODE)


def fingerprint(paragraph: str) -> str | None:
    """Hash of a paragraph's lowercase words (None for lines too short to judge)."""
    words = _WORD.findall(paragraph.lower())
    if len(words) < MIN_WORDS:
        return None
    return hashlib.sha1(" ".join(words).encode("utf-8")).hexdigest()[:16]


def paragraph_fingerprints(text: str) -> dict[str, str]:
    """fingerprint -> sample paragraph, for every paragraph (and list line) of a text."""
    out: dict[str, str] = {}
    for para in split_paragraphs(text):
        fp = fingerprint(para)
        if fp:
            out.setdefault(fp, para)
    return out


def threshold(articles: int) -> int:
    """Distinct articles a paragraph must recur in to be learned, for a source of `articles`."""
    return max(MIN_ARTICLES, int(SHARE * articles + 0.999))


def remove_blocks(text: str, html: str, learned: set[str]) -> tuple[str, str]:
    """Text and HTML without the learned paragraphs (lines of a paragraph are judged one by one)."""
    if not learned:
        return text, html
    paras = []
    for para in re.split(r"\n\s*\n", text):
        lines = [line for line in para.split("\n") if line.strip() and fingerprint(line) not in learned]
        if lines:
            paras.append("\n".join(lines))
    return "\n\n".join(paras), _remove_from_html(html, learned)


def _element_lines(el: etree._Element) -> list[str]:
    parts: list[str] = [el.text or ""]
    for child in el:
        if child.tag == "br":
            parts.append("\n")
        else:
            parts.append(child.text_content() if isinstance(child.tag, str) else "")
        parts.append(child.tail or "")
    return [line for line in "".join(parts).split("\n") if line.strip()]


def _remove_from_html(html: str, learned: set[str]) -> str:
    if not html.strip():
        return html
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for el in list(root.iter("p", "h2", "h3", "h4", "li", "figcaption")):
        if el.getparent() is None:
            continue
        lines = _element_lines(el)
        if not lines:
            continue
        if all(fingerprint(line) in learned for line in lines):
            el.drop_tree()
        elif any(fingerprint(line) in learned for line in lines) and el.find("br") is not None:
            _drop_lines(el, learned)
    for el in list(root.iter("ul", "ol", "blockquote", "figure")):
        if el.getparent() is not None and not el.text_content().strip():
            el.drop_tree()
    inner = (root.text or "") + "".join(lxml.html.tostring(c, encoding="unicode") for c in root)
    return sanitize(inner).strip()


def _drop_lines(el: etree._Element, learned: set[str]) -> None:
    """Remove the learned lines of a <p> whose lines are separated by <br>."""
    markup = (el.text or "") + "".join(lxml.html.tostring(c, encoding="unicode") for c in el)
    kept = []
    for piece in re.split(r"<br\s*/?>", markup):
        text = lxml.html.fragment_fromstring(f"<span>{piece}</span>").text_content() if piece.strip() else ""
        if text.strip() and fingerprint(text) not in learned:
            kept.append(piece)
    new = lxml.html.fragment_fromstring(f"<{el.tag}>{'<br>'.join(kept)}</{el.tag}>")
    el.getparent().replace(el, new)


class BoilerplateModel:
    """One source's paragraph statistics and learned blocks; updates as articles arrive."""

    def __init__(self, source_id: int, articles: int = 0, counts: dict[str, int] | None = None,
                 learned: dict[str, str] | None = None) -> None:
        self.source_id = source_id
        self.articles = articles
        self.counts: dict[str, int] = dict(counts or {})
        self.learned: dict[str, str] = dict(learned or {})
        self._observed: dict[int, set[str]] = {}  # article id -> fingerprints, not yet saved
        self._samples: dict[str, str] = {}
        self._new_blocks: dict[str, str] = {}
        self._known_articles: set[int] = set()
        self._stored_articles: set[int] = set()  # already counted in the database
    @classmethod
    def load(cls, repo: Repository, source_id: int) -> BoilerplateModel:
        articles, counts = repo.fingerprint_counts(source_id)
        model = cls(source_id, articles, counts, repo.learned_boilerplate(source_id))
        model._stored_articles = repo.fingerprinted_articles(source_id)
        return model

    # -- learning ---------------------------------------------------------------------------
    def observe(self, article_id: int, raw: Extraction) -> set[str]:
        """Count the paragraphs of one article's raw extraction; returns fingerprints newly learned.

        An article observed again (refetch, re-extraction) replaces its earlier observation in the
        database; within one model it is counted once.
        """
        if not raw.ok or not raw.text:
            return set()
        fps = paragraph_fingerprints(raw.text)
        if article_id in self._stored_articles:
            # Counted in the database already: replace it there on save, do not count it twice.
            self._observed[article_id] = set(fps)
            return set()
        previous = self._observed.get(article_id)
        if previous is None and article_id not in self._known_articles:
            self.articles += 1
        for fp in previous or ():
            self.counts[fp] = self.counts.get(fp, 1) - 1
        self._observed[article_id] = set(fps)
        self._known_articles.add(article_id)
        for fp, sample in fps.items():
            self.counts[fp] = self.counts.get(fp, 0) + 1
            self._samples.setdefault(fp, sample)
        return self._learn(fps)

    def _learn(self, candidates: dict[str, str] | set[str]) -> set[str]:
        needed = threshold(self.articles)
        new = {fp for fp in candidates if fp not in self.learned and self.counts.get(fp, 0) >= needed}
        for fp in new:
            sample = self._samples.get(fp, "")
            self.learned[fp] = sample
            self._new_blocks[fp] = sample
        return new

    @property
    def has_unsaved_blocks(self) -> bool:
        return bool(self._new_blocks)

    # -- cleaning ---------------------------------------------------------------------------
    def clean(self, extraction: Extraction) -> Extraction:
        """The extraction without this source's learned boilerplate (unchanged if nothing matches).

        If removing learned blocks would leave nothing, the extraction is returned as it was:
        never lose a story to a bad statistic.
        """
        if not extraction.ok or not self.learned or not extraction.text:
            return extraction
        text, html = remove_blocks(extraction.text, extraction.html, set(self.learned))
        if text == extraction.text:
            return extraction
        if not text.strip():
            return extraction
        return replace(extraction, text=text, html=html, word_count=word_count(text))

    # -- persistence ------------------------------------------------------------------------
    def save(self, repo: Repository) -> None:
        """Persist observations and learned blocks; then re-derive counts from the database."""
        if self._observed:
            repo.replace_article_fingerprints(self.source_id, self._observed)
            self._observed = {}
        articles, counts = repo.fingerprint_counts(self.source_id)
        self.articles, self.counts = articles, counts
        self._known_articles = set()
        self._stored_articles = repo.fingerprinted_articles(self.source_id)
        # The database is the truth for distinct-article counts: learn from it too.
        self._learn(set(counts))
        if self._new_blocks:
            repo.save_boilerplate_blocks(self.source_id, {
                fp: (sample, self.counts.get(fp, 0)) for fp, sample in self._new_blocks.items()})
            self._new_blocks = {}
        self.learned = repo.learned_boilerplate(self.source_id)

    def reclean(self, repo: Repository) -> int:
        """Remove the learned blocks from every stored article of the source; returns how many changed."""
        learned = set(self.learned)
        if not learned:
            return 0
        changed = 0
        for article_id, text, html in repo.article_bodies(self.source_id):
            new_text, new_html = remove_blocks(text, html, learned)
            if new_text != text and new_text.strip() and repo.update_article_body(
                    article_id, new_text, new_html, word_count(new_text)):
                changed += 1
        return changed


def learn_and_reclean(repo: Repository, source_id: int, model: BoilerplateModel | None = None) -> int:
    """End of a crawl run (or after reextract): save what was observed, re-clean stored articles.

    Articles stored before a block was learned get cleaned too. Returns how many articles changed.
    """
    model = model or BoilerplateModel.load(repo, source_id)
    model.save(repo)
    return model.reclean(repo)
