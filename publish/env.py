"""The one Jinja environment of the site: user templates first, then the built-in ones."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from pathlib import Path

import nh3
from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemBytecodeCache,
    FileSystemLoader,
    StrictUndefined,
    select_autoescape,
)
from markupsafe import Markup

BUILTIN_TEMPLATES = Path(__file__).resolve().parents[1] / "templates"

# What may survive from an archived page's body: text structure only. No images (no hot-linking),
# no scripts, no styles, no forms, no frames; links only to http(s)/mailto.
BODY_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "blockquote", "q", "cite", "ul", "ol", "li", "dl", "dt",
    "dd", "em", "strong", "b", "i", "u", "s", "sub", "sup", "small", "mark", "code", "pre", "kbd", "abbr",
    "time", "a", "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "figure", "figcaption",
}
BODY_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "time": {"datetime"},
                   "th": {"colspan", "rowspan", "scope"}, "td": {"colspan", "rowspan"}}


def sanitize_html(html: str) -> Markup:
    """Defence in depth: the archive already cleaned this, but nothing from a page is trusted."""
    cleaned = nh3.clean(html or "", tags=BODY_TAGS, attributes=BODY_ATTRIBUTES,
                        url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer nofollow",
                        clean_content_tags={"script", "style", "iframe", "object", "embed", "noscript",
                                            "template", "svg", "math"})
    return Markup(cleaned)  # noqa: S704 - sanitized just above


def format_datetime(value: datetime | None, fmt: str = "%Y-%m-%d %H:%M %Z") -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.strftime(fmt)


def iso_datetime(value: datetime | None) -> str:
    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.isoformat()


def template_dirs(user_templates: Path | None) -> list[Path]:
    dirs = []
    if user_templates is not None and Path(user_templates).is_dir():
        dirs.append(Path(user_templates))
    dirs.append(BUILTIN_TEMPLATES)
    return dirs


def _bytecode_cache() -> FileSystemBytecodeCache | None:
    """Jinja's own cache of compiled templates (a private folder in the system's temporary folder,
    keyed by each template's source): compiling the templates was a tenth of a small rebuild."""
    try:
        return FileSystemBytecodeCache()
    except (OSError, RuntimeError):  # no usable private temporary folder: compile every time
        return None


def make_environment(user_templates: Path | None = None) -> Environment:
    """Build the site's Jinja environment (the only place one is made)."""
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(str(d)) for d in template_dirs(user_templates)]),
        bytecode_cache=_bytecode_cache(),
        autoescape=select_autoescape(["html", "xml", "htm"], default_for_string=True, default=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["sanitize"] = sanitize_html
    env.filters["datetime"] = format_datetime
    env.filters["isodate"] = iso_datetime
    return env


def templates_fingerprint(user_templates: Path | None = None) -> str:
    """A hash of every template and static file: when it changes, every page is re-rendered."""
    digest = hashlib.sha256()
    for base in template_dirs(user_templates):
        for path in sorted(p for p in base.rglob("*") if p.is_file()):
            digest.update(str(path.relative_to(base)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()
