"""Hostile archived pages must not put script into the built site or escape the output folder."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import lxml.html
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from publish_fixtures import add_story, make_archive

from publish import build_site
from publish.slugs import MAX_SLUG, RESERVED, SlugRegistry, slugify
from publish.writer import UnsafePathError, check_relative_path

EVIL_BODY = """
<p>Before <script>alert('body')</script> after.</p>
<p onclick="alert(1)" style="background:url(javascript:alert(2)); width: expression(alert(3))">Styled</p>
<a href="javascript:alert(4)">js link</a> <a href="data:text/html,<script>alert(5)</script>">data link</a>
<a href="https://ok.example/">fine link</a>
<iframe src="https://evil.example/"></iframe><object data="x.swf"></object><embed src="x.swf">
<svg onload="alert(6)"><circle r="1"/></svg><img src=x onerror="alert(7)">
<meta http-equiv="refresh" content="0;url=https://evil.example/">
<form action="https://evil.example/"><input name=a autofocus onfocus="alert(8)"></form>
<base href="https://evil.example/"><link rel=stylesheet href="https://evil.example/x.css">
<style>body{background:url(https://evil.example/track.gif)}</style>
<math><mi xlink:href="javascript:alert(9)">x</mi></math>
<p>Tail text survives.</p>
"""
HOSTILE_TITLES = [
    "<script>alert('title')</script>", "../../../../etc/passwd", "CON", "nul", "..", ".", "/absolute/path",
    "C:\\Windows\\system32", "x" * 5000, "\u202eevil\u202dtxt.exe", "日本語のタイトル", "", "   ",
    "a/b\\c:d*e?f\"g<h>i|j", "\x00null\x00byte", "</script><!--", "Title \u2028 with \u2029 separators",
]
OWN_SCRIPTS = {"../static/stem.js", "../static/search.js"}


@pytest.fixture
def hostile_site(tmp_path: Path) -> tuple[Path, list[int]]:
    db, repo, _ids = make_archive(tmp_path / "archive.sqlite")
    ids = []
    for i, title in enumerate(HOSTILE_TITLES):
        ids.append(add_story(
            repo, "evil-source" if i % 2 else "valley-post", title,
            "Hostile story text with </script><script>alert(10)</script> and <!-- and \u2028 in it.",
            url=f"https://evil.example/{i}/?q=<script>", html=EVIL_BODY,
            authors=["<img src=x onerror=alert(11)>", "../../root", title[:80]],
            tags=["<b onmouseover=alert(12)>tag</b>", "..", title[:40]], section="javascript:alert(13)",
            description="<script>alert(14)</script> dek", image_url="javascript:alert(15)",
            published=datetime(2024, 6, 1 + i % 28, tzinfo=UTC)))
    site = tmp_path / "public"
    build_site(db, site, site_title="<script>alert('site')</script>")
    db.close()
    return site, ids


def test_no_executable_content_from_pages(hostile_site: tuple[Path, list[int]]) -> None:
    site, _ids = hostile_site
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 50
    for path in pages:
        raw = path.read_text("utf-8")
        rel = path.relative_to(site).as_posix()
        doc = lxml.html.document_fromstring(raw)
        scripts = {s.get("src") for s in doc.iter("script")}
        if rel == "search/index.html":
            assert scripts == OWN_SCRIPTS
            assert all(not (s.text or "").strip() for s in doc.iter("script"))
        else:
            assert scripts == set(), rel
        for el in doc.iter():
            if not isinstance(el.tag, str):
                continue
            assert el.tag not in ("iframe", "object", "embed", "frame", "frameset", "applet", "base", "img",
                                  "svg", "math", "style"), (rel, el.tag)
            for name, value in el.attrib.items():
                assert not name.lower().startswith("on"), (rel, el.tag, name)
                assert name.lower() != "style", (rel, el.tag)
                if name in ("href", "src", "action", "data", "formaction", "xlink:href"):
                    assert not re.match(r"\s*(javascript|data|vbscript):", value, re.I), (rel, name, value)
            if el.tag == "meta" and (el.get("http-equiv") or "").lower() == "refresh":
                raise AssertionError(f"meta refresh in {rel}")
            if el.tag == "link" and rel == "search/index.html" and el.get("rel") == "preload":
                # the only preload: the search index's own meta file, as a script of ours
                assert (el.get("href"), el.get("as")) == ("../search/meta.js", "script"), rel
            elif el.tag == "link":
                assert el.get("rel") in ("stylesheet", "alternate", "canonical"), (rel, el.get("rel"))
                if el.get("rel") == "stylesheet":
                    assert el.get("href").endswith("static/style.css")
        csp = [m.get("content") for m in doc.iter("meta") if m.get("http-equiv") == "Content-Security-Policy"]
        assert csp and "script-src 'self'" in csp[0] and "default-src 'none'" in csp[0], rel
        assert "alert(" not in "".join(doc.xpath("//@href"))


def test_hostile_text_is_escaped_not_dropped(hostile_site: tuple[Path, list[int]]) -> None:
    site, ids = hostile_site
    page = next((site / "articles").glob(f"{ids[0]}-*")) / "index.html"
    doc = lxml.html.parse(str(page)).getroot()
    assert doc.cssselect("article h1")[0].text_content() == "<script>alert('title')</script>"
    assert "<img src=x onerror=alert(11)>" in doc.cssselect("article header .meta")[0].text_content()
    body = doc.cssselect(".article-body")[0]
    assert "Tail text survives." in body.text_content()
    assert [a.get("href") for a in body.iter("a") if a.get("href")] == ["https://ok.example/"]
    assert "lead-image" not in page.read_text()  # a javascript: image URL is not shown at all
    assert doc.findtext(".//title").startswith("<script>alert('title')</script>")


def test_file_names_are_safe_bounded_and_unique(hostile_site: tuple[Path, list[int]]) -> None:
    site, ids = hostile_site
    for path in site.rglob("*"):
        rel = path.relative_to(site).as_posix()
        assert re.fullmatch(r"[A-Za-z0-9._/-]+", rel), rel
        for part in rel.split("/"):
            assert part not in ("", ".", "..") and len(part) <= MAX_SLUG + 20, rel
            assert part.split(".")[0].lower() not in RESERVED, rel
        assert path.resolve().is_relative_to(site.resolve())
    article_dirs = list((site / "articles").iterdir())
    assert len(article_dirs) == len({d.name for d in article_dirs}) >= len(ids)
    assert not (site.parent / "etc").exists()


def test_search_index_files_cannot_break_out(hostile_site: tuple[Path, list[int]]) -> None:
    site, ids = hostile_site
    files = sorted((site / "search").rglob("*.js"))
    for path in files:
        raw = path.read_text("utf-8")
        assert "</script" not in raw.lower() and "<!--" not in raw, path
        assert "\u2028" not in raw and "\u2029" not in raw, path
        assert raw.startswith("__na(") and raw.endswith(");\n"), path
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    # The data reads back exactly: load every document file in node and compare the titles.
    script = ("const fs=require('fs');const out={};global.__na=(n,d)=>{out[n]=d};"
              "for(const f of process.argv.slice(1)){eval(fs.readFileSync(f,'utf8'))}"
              "process.stdout.write(JSON.stringify(out))")
    doc_files = [str(p) for p in (site / "search/d").glob("*.js")]
    result = subprocess.run([node, "-e", script, *doc_files], capture_output=True, text=True, check=True)
    titles = {d["t"] for d in json.loads(result.stdout).values()}
    assert "<script>alert('title')</script>" in titles
    assert "</script><!--" in titles
    assert "Title \u2028 with \u2029 separators" in titles


@given(st.text(max_size=300))
@settings(max_examples=300, deadline=None)
def test_slugify_is_always_safe(text: str) -> None:
    slug = slugify(text)
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)
    assert len(slug) <= MAX_SLUG and slug not in RESERVED


def test_slug_registry_keeps_names_apart() -> None:
    registry = SlugRegistry("tag")
    names = ["Politics", "politics", "POLITICS!", "Politics?", "", "<>", "..", "CON"]
    slugs = registry.assign_all(names)
    assert len(set(slugs.values())) == len(names)
    assert slugs["CON"] == "con-x"
    again = SlugRegistry("tag").assign_all(list(reversed(names)))
    assert again == slugs  # independent of order


@pytest.mark.parametrize("rel", ["../x.html", "/etc/passwd", "a/../../b", "a//b", "a\\b", "", "a/./b", "a\x00b"])
def test_writer_refuses_unsafe_paths(rel: str) -> None:
    with pytest.raises(UnsafePathError):
        check_relative_path(rel)
