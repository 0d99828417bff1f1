"""The hand-written stories of the demo site, one module per section."""

from __future__ import annotations

from newsarchive.demosite.model import DemoArticle
from newsarchive.demosite.stories import business, city, culture, science, sports
from newsarchive.demosite.stories.shared import SHARED_QUOTE, SHARED_QUOTE_PARAGRAPH


def all_stories() -> list[DemoArticle]:
    """Every hand-written story, oldest first."""
    stories = [*city.STORIES, *business.STORIES, *science.STORIES, *sports.STORIES, *culture.STORIES]
    return sorted(stories, key=lambda a: a.published)


__all__ = ["SHARED_QUOTE", "SHARED_QUOTE_PARAGRAPH", "all_stories"]
