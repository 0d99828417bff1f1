"""The record of one demo article, and the people who write them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

SITE_NAME = "The Harbor Gazette"
SECTIONS: dict[str, str] = {
    "city": "City",
    "business": "Business",
    "science": "Science",
    "sports": "Sports",
    "culture": "Culture",
}

# name -> (job title shown in the byline, first sentence of the author bio box)
AUTHORS: dict[str, tuple[str, str]] = {
    "Marisol Vance": ("City Hall Reporter",
                      "Marisol Vance has covered Port Harbor city government since 2019."),
    "Tomás Ferreira": ("Staff Writer",
                       "Tomás Ferreira writes about neighborhoods, schools and public services."),
    "Owen Lindqvist": ("Business Editor",
                       "Owen Lindqvist edits business coverage and writes about the port economy."),
    "Dana Whitcombe": ("Business Reporter",
                       "Dana Whitcombe reports on small businesses, labor and real estate."),
    "Priya Natarajan": ("Science Editor",
                        "Priya Natarajan leads science coverage and holds a doctorate in marine ecology."),
    "Ruth Oyelaran": ("Environment Reporter",
                      "Ruth Oyelaran covers the coast, climate and the bay."),
    "Caleb Brennan": ("Sports Reporter",
                      "Caleb Brennan covers high school and amateur sports across the county."),
    "Nell Sorensen": ("Sports Editor",
                      "Nell Sorensen has edited the sports pages since 2016."),
    "Hattie Fairweather": ("Arts Critic",
                           "Hattie Fairweather reviews theater, music and visual art."),
    "Julian Mbeki": ("Culture Reporter",
                     "Julian Mbeki writes about museums, festivals and the people behind them."),
}


def slugify(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower().replace("á", "a")).strip("-")


@dataclass(frozen=True)
class DemoArticle:
    """One article of the demo site. Attributes can also be read as keys (`article["title"]`).

    `paragraphs` is the story text exactly as a clean extraction should yield it;
    `subheads` maps a paragraph index to a subheading rendered (as <h2>) before it.
    `metadata` is "jsonld" (JSON-LD + OpenGraph), "opengraph" (OpenGraph only) or "microdata".
    """

    slug: str
    section: str
    title: str
    dek: str
    authors: list[str]
    published: datetime
    paragraphs: list[str]
    modified: datetime | None = None
    tags: list[str] = field(default_factory=list)
    subheads: dict[int, str] = field(default_factory=dict)
    metadata: str = "jsonld"
    author_titles: dict[str, str] = field(default_factory=dict)

    @property
    def path(self) -> str:
        return f"/{self.published:%Y/%m/%d}/{self.slug}/"

    @property
    def section_name(self) -> str:
        return SECTIONS.get(self.section, self.section.title())

    @property
    def updated(self) -> datetime:
        return self.modified or self.published

    @property
    def text(self) -> str:
        """The story as plain text, paragraphs separated by blank lines (subheads included)."""
        blocks: list[str] = []
        for i, para in enumerate(self.paragraphs):
            if i in self.subheads:
                blocks.append(self.subheads[i])
            blocks.append(para)
        return "\n\n".join(blocks)

    @property
    def word_count(self) -> int:
        return len(re.findall(r"\w+", self.text))

    def author_title(self, name: str) -> str:
        if name in self.author_titles:
            return self.author_titles[name]
        return AUTHORS.get(name, ("Contributor", ""))[0]

    def url(self, base_url: str) -> str:
        return base_url.rstrip("/") + self.path

    def __getitem__(self, key: str) -> Any:
        try:
            return getattr(self, key)
        except AttributeError:
            raise KeyError(key) from None


def story(*, slug: str, section: str, title: str, dek: str, authors: list[str], published: str,
          paragraphs: list[str], modified: str | None = None, tags: list[str] | None = None,
          subheads: dict[int, str] | None = None, metadata: str = "jsonld") -> DemoArticle:
    """Build a record from the literal data in the stories modules (ISO dates with offsets)."""
    pub = datetime.fromisoformat(published)
    mod = datetime.fromisoformat(modified) if modified else None
    if pub.tzinfo is None or (mod is not None and mod.tzinfo is None):
        raise ValueError(f"{slug}: dates need a time zone offset")
    return DemoArticle(slug=slug, section=section, title=title, dek=dek, authors=list(authors),
                       published=pub, modified=mod, tags=list(tags or []), paragraphs=list(paragraphs),
                       subheads=dict(subheads or {}), metadata=metadata)
