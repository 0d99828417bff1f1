from __future__ import annotations

import re
from pathlib import Path

import pytest

from newsarchive.config import SETTINGS, load_config, parse_config, reference_markdown, starter_config
from newsarchive.errors import ConfigError

GOOD = """
[archive]
database = "sqlite:///data/archive.sqlite"
[[sources]]
name = "example-news"
feeds = ["https://example.com/rss.xml"]
sitemaps = ["https://example.com/sitemap.xml"]
start_urls = ["https://www.example.com/"]
article_pattern = "/20\\\\d\\\\d/"
"""


def load(tmp_path: Path, text: str):
    path = tmp_path / "newsarchive.toml"
    path.write_text(text)
    return load_config(path)


def test_good_config_resolves_paths_and_domains(tmp_path: Path) -> None:
    config = load(tmp_path, GOOD)
    assert config.database_url == f"sqlite:///{tmp_path.resolve()}/data/archive.sqlite"
    assert config.site_dir == tmp_path.resolve() / "public"
    source = config.source("example-news")
    assert source.domains() == ["example.com", "www.example.com"]
    assert source.article_pattern == "/20\\d\\d/"


@pytest.mark.parametrize("text, message", [
    ("[archive\n", "TOML syntax error"),
    ("[archive]\ndatabse = 'x'\n", "unknown key archive.databse"),
    ("[[sources]]\nfeeds = ['https://a.com/rss']\n", "missing name"),
    ("[[sources]]\nname='a'\nfeeds=['https://a.com/r']\n[[sources]]\nname='a'\nfeeds=['https://a.com/r']\n",
     "duplicate name"),
    ("[[sources]]\nname='a'\nfeeds=['not a url']\n", "malformed URL"),
    ("[[sources]]\nname='a'\nfeeds=['https://a.com/r']\ncolour='red'\n", "unknown key 'colour'"),
    ("[[sources]]\nname='A B'\nfeeds=['https://a.com/r']\n", "is not valid"),
    ("[[sources]]\nname='a'\n", "nothing to crawl"),
    ("[[sources]]\nname='a'\nfeeds='https://a.com/r'\n", "feeds must be a list"),
    ("[crawl]\nmax_pages = 'many'\n", "max_pages must be a int"),
    ("[[sources]]\nname='a'\nfeeds=['https://a.com/r']\narticle_pattern='('\n", "not a valid regular expression"),
    ("[archives]\n", "unknown table [archives]"),
])
def test_bad_config_is_one_clear_line(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        load(tmp_path, text)
    text_of_error = str(info.value)
    assert message in text_of_error
    assert "\n" not in text_of_error
    assert str(tmp_path / "newsarchive.toml") in text_of_error


def test_missing_config_says_how_to_create_one(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="newsarchive init"):
        load_config(tmp_path / "nope.toml")


def test_starter_config_parses_and_mentions_every_setting(tmp_path: Path) -> None:
    text = starter_config()
    config = load(tmp_path, text)
    assert config.sources == []
    for setting in SETTINGS:
        assert re.search(rf"\b{setting.name}\b", text), setting.name
    assert "rss" in text.lower()


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    for setting in SETTINGS:
        assert f"`{setting.name}`" in readme, f"{setting.key} is not documented in README.md"
    assert reference_markdown() in readme, "README's config reference is stale: regenerate it"


def test_parse_config_defaults() -> None:
    config = parse_config({}, None, Path("/srv"))
    assert config.crawl["obey_robots_txt"] is True
    assert config.crawl["concurrency_per_domain"] == 2
