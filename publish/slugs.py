"""Safe, bounded, unique file-name slugs: the only source of generated path segments."""

from __future__ import annotations

import hashlib
import re
import unicodedata

MAX_SLUG = 60
# Names Windows refuses as files, whatever the extension.
RESERVED = {"con", "prn", "aux", "nul", *(f"com{i}" for i in range(10)), *(f"lpt{i}" for i in range(10))}


def slugify(text: str, *, fallback: str = "item", max_length: int = MAX_SLUG) -> str:
    """Lowercase ASCII letters, digits and single dashes; never empty, never `.`/`..`, bounded length."""
    text = unicodedata.normalize("NFKD", str(text)[:2000]).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    if len(slug) > max_length:
        slug = slug[:max_length].rstrip("-")
    if not slug:
        slug = fallback
    if slug in RESERVED:
        slug += "-x"
    return slug


def short_hash(text: str, length: int = 6) -> str:
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:length]


class SlugRegistry:
    """Gives every distinct name one slug, unique in its namespace (stable for the same name set)."""

    def __init__(self, fallback: str = "item") -> None:
        self.fallback = fallback
        self._by_name: dict[str, str] = {}
        self._taken: set[str] = set()

    def assign_all(self, names: list[str]) -> dict[str, str]:
        # Sorted so the slug a name gets does not depend on the order articles come in.
        for name in sorted(set(names)):
            self.get(name)
        return dict(self._by_name)

    def get(self, name: str) -> str:
        if name in self._by_name:
            return self._by_name[name]
        slug = slugify(name, fallback=self.fallback)
        if slug in self._taken:
            slug = f"{slug[: MAX_SLUG - 7]}-{short_hash(name)}"
            n = 2
            while slug in self._taken:
                slug = f"{slugify(name, fallback=self.fallback)[: MAX_SLUG - 12]}-{short_hash(name)}-{n}"
                n += 1
        self._taken.add(slug)
        self._by_name[name] = slug
        return slug
