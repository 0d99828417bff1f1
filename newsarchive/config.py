"""`newsarchive.toml`: every setting is declared once here (name, type, default, help).

The starter file written by `newsarchive init`, the config reference in the docs and the
validation of a user's file all come from the declarations below.
"""

from __future__ import annotations

import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from newsarchive.errors import ConfigError

CONFIG_NAME = "newsarchive.toml"
ENV_VAR = "NEWSARCHIVE_CONFIG"
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}$")


@dataclass(frozen=True)
class Setting:
    """One configuration key: where it lives, its type, its default and what it means."""

    section: str  # "archive", "crawl" or "sources"
    name: str
    type: type
    default: Any
    help: str
    example: Any = None
    item_type: type | None = None  # for lists

    @property
    def key(self) -> str:
        return f"{self.section}.{self.name}"


SETTINGS: tuple[Setting, ...] = (
    # [archive]
    Setting("archive", "database", str, "sqlite:///data/archive.sqlite",
            "Where articles are stored: any SQLAlchemy URL (SQLite path relative to the config file, "
            "or e.g. postgresql+psycopg://user@host/db)."),
    Setting("archive", "data_dir", str, "data",
            "Folder for WARC captures and the Whoosh index (relative to the config file)."),
    Setting("archive", "site_dir", str, "public", "Folder the static site is built into."),
    Setting("archive", "site_title", str, "News archive", "Title shown on every page of the static site."),
    Setting("archive", "site_url", str, "",
            "Public URL the site will be served from (used in the Atom feed and sitemap); "
            "leave empty for relative links only."),
    # [crawl]
    Setting("crawl", "user_agent", str,
            "newsarchive/0.1 (+https://github.com/newsarchive/newsarchive)",
            "User-Agent sent with every request; name yourself and a contact URL."),
    Setting("crawl", "obey_robots_txt", bool, True, "Respect robots.txt rules of every site."),
    Setting("crawl", "concurrency_per_domain", int, 2,
            "Parallel requests to one site; 1-2 is polite."),
    Setting("crawl", "download_delay", float, 0.5,
            "Minimum seconds between two requests to the same site (AutoThrottle may wait longer)."),
    Setting("crawl", "autothrottle", bool, True, "Adapt the delay to the site's response times."),
    Setting("crawl", "timeout", float, 30.0, "Seconds before a request is given up."),
    Setting("crawl", "max_page_bytes", int, 10 * 1024 * 1024, "Largest response body downloaded, in bytes."),
    Setting("crawl", "max_pages", int, 5000, "Most pages fetched from one source in one run."),
    Setting("crawl", "max_depth", int, 3, "How many links deep to follow from start pages."),
    Setting("crawl", "extract_workers", int, 0,
            "Processes extracting article text in parallel; 0 means one per CPU."),
    Setting("crawl", "schedule", str, "hourly",
            "Default schedule of every source for `newsarchive schedule`: \"every 15m\", \"hourly\", "
            "\"daily\" or a five-field cron expression such as \"*/20 * * * *\"."),
    Setting("crawl", "revisit_after", list, ["1h", "6h", "24h", "3d", "7d"],
            "Ages after publication (m, h, d) at which an archived article is fetched again to catch "
            "corrections (with a conditional GET); [] turns revisits off.", item_type=str),
    Setting("crawl", "max_errors", int, 50,
            "Failed requests after which a source stops for the current run (0: no cap)."),
    Setting("crawl", "backoff_max", float, 300.0,
            "Longest pause, in seconds, before retrying a failing site or honouring Retry-After."),
    Setting("crawl", "redis_url", str, "",
            "Redis URL (redis://host:6379/0) of a shared request queue and dupefilter, so several "
            "crawler processes or machines split one crawl (scrapy-redis); empty: crawl alone."),
    Setting("crawl", "redis_prefix", str, "newsarchive",
            "Prefix of every Redis key the shared crawl uses (one archive per prefix)."),
    # [[sources]]
    Setting("sources", "name", str, None,
            "Unique short name (lowercase letters, digits, - and _), used in URLs and the CLI.",
            example="example-news"),
    Setting("sources", "feeds", list, [], "RSS 2.0 or Atom feed URLs.",
            example=["https://example.com/rss.xml"], item_type=str),
    Setting("sources", "sitemaps", list, [], "Sitemap, sitemap index or news sitemap URLs.",
            example=["https://example.com/sitemap.xml"], item_type=str),
    Setting("sources", "start_urls", list, [], "Pages whose links lead to articles (home, sections).",
            example=["https://example.com/"], item_type=str),
    Setting("sources", "allowed_domains", list, [],
            "Domains the crawl may visit; derived from the URLs above when empty.",
            example=["example.com"], item_type=str),
    Setting("sources", "article_pattern", str, "",
            "Regular expression an article URL must match (searched anywhere in the URL).",
            example="/20\\d\\d/"),
    Setting("sources", "body_selector", str, "",
            "CSS selector of the article body, for a site where automatic extraction fails.",
            example="article .story-body"),
    Setting("sources", "remove_selectors", list, [],
            "CSS selectors of elements to drop before extraction.",
            example=[".newsletter", "aside"], item_type=str),
    Setting("sources", "title", str, "", "Display name of the source on the site (default: name)."),
    Setting("sources", "schedule", str, "",
            "When `newsarchive schedule` crawls this source (default: [crawl] schedule).",
            example="every 15m"),
)

SECTION_SETTINGS: dict[str, dict[str, Setting]] = {}
for _s in SETTINGS:
    SECTION_SETTINGS.setdefault(_s.section, {})[_s.name] = _s


@dataclass
class Source:
    name: str
    feeds: list[str] = field(default_factory=list)
    sitemaps: list[str] = field(default_factory=list)
    start_urls: list[str] = field(default_factory=list)
    allowed_domains: list[str] = field(default_factory=list)
    article_pattern: str = ""
    body_selector: str = ""
    remove_selectors: list[str] = field(default_factory=list)
    title: str = ""
    schedule: str = ""

    @property
    def display_name(self) -> str:
        return self.title or self.name

    def all_urls(self) -> list[str]:
        return [*self.feeds, *self.sitemaps, *self.start_urls]

    def domains(self) -> list[str]:
        if self.allowed_domains:
            return list(self.allowed_domains)
        hosts = []
        for url in self.all_urls():
            host = (urlsplit(url).hostname or "").lower()
            if host and host not in hosts:
                hosts.append(host)
        return hosts


@dataclass
class Config:
    path: Path | None
    base_dir: Path
    archive: dict[str, Any]
    crawl: dict[str, Any]
    sources: list[Source]

    @property
    def database_url(self) -> str:
        url = self.archive["database"]
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith("sqlite:////") and url != "sqlite:///:memory:":
            return prefix + str((self.base_dir / url[len(prefix):]).resolve())
        return url

    @property
    def data_dir(self) -> Path:
        return (self.base_dir / self.archive["data_dir"]).resolve()

    @property
    def warc_dir(self) -> Path:
        return self.data_dir / "warc"

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

    @property
    def site_dir(self) -> Path:
        return (self.base_dir / self.archive["site_dir"]).resolve()

    @property
    def user_templates_dir(self) -> Path:
        return self.base_dir / "templates"

    def source(self, name: str) -> Source:
        for source in self.sources:
            if source.name == name:
                return source
        known = ", ".join(s.name for s in self.sources) or "none"
        raise ConfigError(f"unknown source {name!r} (configured: {known}); check the name or add it to "
                          f"{self.path or CONFIG_NAME}")

    def select_sources(self, names: list[str] | tuple[str, ...] | None) -> list[Source]:
        if not names:
            return list(self.sources)
        return [self.source(n) for n in names]


DURATION_RE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(s|min|m|h|d|w)\s*$")
DURATION_UNITS = {"s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_duration(text: str) -> float:
    """Seconds in a duration such as "90s", "15m", "6h", "3d" or "1w"; ValueError when malformed."""
    match = DURATION_RE.match(text.lower())
    if not match:
        raise ValueError(f"{text!r} is not a duration; write a number and a unit, e.g. 15m, 6h, 3d")
    return float(match.group(1)) * DURATION_UNITS[match.group(2)]


def defaults(section: str) -> dict[str, Any]:
    return {name: s.default for name, s in SECTION_SETTINGS[section].items()}


def _check_value(where: str, setting: Setting, value: Any) -> Any:
    expected = setting.type
    if expected is float and isinstance(value, int) and not isinstance(value, bool):
        value = float(value)
    if expected is int and isinstance(value, bool) or not isinstance(value, expected):
        raise ConfigError(f"{where}: {setting.name} must be a {expected.__name__} "
                          f"(got {type(value).__name__}); {setting.help}")
    if expected is list and setting.item_type is not None:
        for item in value:
            if not isinstance(item, setting.item_type):
                raise ConfigError(f"{where}: every entry of {setting.name} must be a "
                                  f"{setting.item_type.__name__}; fix {item!r}")
    return value


def _check_url(where: str, key: str, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"{where}: {key} has a malformed URL {url!r}; use a full http:// or https:// URL")


def parse_config(data: dict[str, Any], path: Path | None, base_dir: Path) -> Config:
    label = str(path) if path else CONFIG_NAME
    unknown_tables = set(data) - {"archive", "crawl", "sources"}
    if unknown_tables:
        name = sorted(unknown_tables)[0]
        raise ConfigError(f"{label}: unknown table [{name}]; the tables are [archive], [crawl] and [[sources]]")
    sections: dict[str, dict[str, Any]] = {}
    for section in ("archive", "crawl"):
        raw = data.get(section, {})
        if not isinstance(raw, dict):
            raise ConfigError(f"{label}: [{section}] must be a table")
        values = defaults(section)
        for key, value in raw.items():
            setting = SECTION_SETTINGS[section].get(key)
            if setting is None:
                raise ConfigError(f"{label}: unknown key {section}.{key}; valid keys are "
                                  + ", ".join(SECTION_SETTINGS[section]))
            values[key] = _check_value(f"{label} [{section}]", setting, value)
        sections[section] = values
    for text in sections["crawl"]["revisit_after"]:
        try:
            parse_duration(text)
        except ValueError as exc:
            raise ConfigError(f"{label} [crawl]: revisit_after: {exc}") from None
    raw_sources = data.get("sources", [])
    if not isinstance(raw_sources, list):
        raise ConfigError(f"{label}: sources must be written as [[sources]] tables")
    sources: list[Source] = []
    seen: set[str] = set()
    for number, raw in enumerate(raw_sources, start=1):
        where = f"{label} [[sources]] #{number}"
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}: must be a table")
        name = raw.get("name")
        if name is None:
            raise ConfigError(f"{where}: missing name; add name = \"short-name\"")
        if not isinstance(name, str) or not NAME_RE.match(name):
            raise ConfigError(f"{where}: name {name!r} is not valid; use lowercase letters, digits, - and _")
        where = f"{label} source {name!r}"
        if name in seen:
            raise ConfigError(f"{where}: duplicate name; every source needs its own name")
        seen.add(name)
        values = defaults("sources")
        for key, value in raw.items():
            setting = SECTION_SETTINGS["sources"].get(key)
            if setting is None:
                raise ConfigError(f"{where}: unknown key {key!r}; valid keys are "
                                  + ", ".join(SECTION_SETTINGS["sources"]))
            values[key] = _check_value(where, setting, value)
        for key in ("feeds", "sitemaps", "start_urls"):
            for url in values[key]:
                _check_url(where, key, url)
        if not (values["feeds"] or values["sitemaps"] or values["start_urls"]):
            raise ConfigError(f"{where}: nothing to crawl; add feeds, sitemaps or start_urls")
        if values["article_pattern"]:
            try:
                re.compile(values["article_pattern"])
            except re.error as exc:
                raise ConfigError(f"{where}: article_pattern is not a valid regular expression ({exc})") from None
        sources.append(Source(**{k: (list(v) if isinstance(v, list) else v) for k, v in values.items()}))
    return Config(path=path, base_dir=base_dir, archive=sections["archive"], crawl=sections["crawl"],
                  sources=sources)


def find_config_path(explicit: str | Path | None = None) -> Path:
    if explicit:
        return Path(explicit)
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env)
    return Path.cwd() / CONFIG_NAME


def load_config(explicit: str | Path | None = None) -> Config:
    """Load and validate the config; raise ConfigError with a one-line message when it is bad."""
    path = find_config_path(explicit)
    if not path.exists():
        raise ConfigError(f"no config file at {path}; run `newsarchive init` to write one, "
                          f"or pass --config PATH")
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc}); check the file") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: TOML syntax error: {exc}; fix the line it names") from None
    return parse_config(data, path, path.resolve().parent)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return repr(value)


def starter_config() -> str:
    """The commented file `newsarchive init` writes."""
    lines = ["# newsarchive configuration. Every key is optional except each source's name.",
             "# Reference: README.md (Configuration).", ""]
    for section in ("archive", "crawl"):
        lines.append(f"[{section}]")
        for setting in SECTION_SETTINGS[section].values():
            lines.append(f"# {setting.help}")
            lines.append(f"{setting.name} = {_toml_value(setting.default)}")
        lines.append("")
    lines += [
        "# One [[sources]] table per news site. Examples (uncomment to use):",
        "#",
        "# [[sources]]",
        '# name = "bbc-world"',
        '# feeds = ["https://feeds.bbci.co.uk/news/world/rss.xml"]',
        "#",
        "# [[sources]]",
        '# name = "guardian-world"',
        '# feeds = ["https://www.theguardian.com/world/rss"]',
        '# article_pattern = "/20\\\\d\\\\d/"',
        "#",
        "# Every key a source can have:",
    ]
    for setting in SECTION_SETTINGS["sources"].values():
        example = setting.example if setting.example is not None else setting.default
        lines.append(f"#   {setting.name} = {_toml_value(example)}   # {setting.help}")
    lines.append("")
    return "\n".join(lines)


def reference_markdown() -> str:
    """The config reference table for the docs, generated from the declarations."""
    out = []
    for section, title in (("archive", "[archive]"), ("crawl", "[crawl]"), ("sources", "[[sources]]")):
        out.append(f"### `{title}`\n")
        out.append("| key | default | meaning |")
        out.append("| --- | --- | --- |")
        for s in SECTION_SETTINGS[section].values():
            default = "(required)" if s.default is None else f"`{_toml_value(s.default)}`"
            out.append(f"| `{s.name}` | {default} | {s.help} |")
        out.append("")
    return "\n".join(out)
