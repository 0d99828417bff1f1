"""Renders the archive (and the search index export) into a static site."""

from publish.build import BuildReport, build_site

__all__ = ["BuildReport", "build_site"]
