"""The browser's analyzer (templates/static/stem.js) must stem exactly like the Python side.

Fed through both: every word of the test archive, the text of the real-world evaluation pages
(when present), a large English word list made from the Python standard library's sources and
docstrings, and Unicode edge cases.
"""

from __future__ import annotations

import gzip
import os
import re
import shutil
import subprocess
import sysconfig
from pathlib import Path

import lxml.html
import pytest
from publish_fixtures import make_archive

from publish.env import BUILTIN_TEMPLATES
from search.export import analyze, analyze_with_whoosh

STEM_JS = BUILTIN_TEMPLATES / "static" / "stem.js"
EVAL_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval"
# Line breaks Python's str.splitlines() knows but "\n"-splitting in JS does not: keep lines whole.
BREAKS = re.compile("[\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029]")
EDGE_CASES = [
    "Café naïve façade Straße İstanbul ΣΟΦΟΣ ὈΔΥΣΣΕΎΣ οδός 東京都 ١٢٣ ½ x² Ⅻ 𝐀𝐀𝐀 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
    "yelling yyy happy skies agreed feed sky y ye yes eed ied ies sses caresses ponies ties caress",
    "U.S.A. e.g. 3.14 foo..bar *star* a_b __init__ 2024-03-01 09:30 covid-19 e-mail o'clock",
    "generalizations oscillators hopefulness conformabli radicalli differentli vileli analogousli",
    "relational conditional rational valenci hesitanci digitizer vietnamization predication operator",
    "feudalism decisiveness hopefulness callousness formaliti sensitiviti sensibiliti triplicate",
    "formative formalize electriciti electrical hopeful goodness revival allowance inference airliner",
    "gyroscopic adjustable defensible irritant replacement adjustment dependent adoption homologou",
    "communism activate angulariti homologous effective bowdlerize probate rate cease controll roll",
    "ﬁnance ﬂow Ǆemal ǅ ß ẞ ΐ ﬀ İi ıI Σς ǰ",
]


def node_or_skip() -> str:
    node = shutil.which("node")
    if node is None:
        if os.environ.get("CI"):
            pytest.fail("node is required under CI for the stemmer parity test")
        pytest.skip("node is not installed")
    return node


def js_analyze(lines: list[str]) -> list[str]:
    script = ("const t=require(process.argv[1]);const fs=require('fs');"
              "const lines=fs.readFileSync(0,'utf8').split('\\n');"
              "process.stdout.write(lines.map(l=>t.analyze(l).join(' ')).join('\\n'))")
    result = subprocess.run([node_or_skip(), "-e", script, str(STEM_JS)], input="\n".join(lines),
                            capture_output=True, text=True, check=True, encoding="utf-8")
    return result.stdout.split("\n")


def word_list() -> list[str]:
    """Lines of English-ish text: the standard library's sources (comments, docstrings, names)."""
    stdlib = Path(sysconfig.get_paths()["stdlib"])
    lines: list[str] = []
    for path in sorted(stdlib.glob("*.py"))[:400]:
        try:
            lines.extend(path.read_text("utf-8").splitlines())
        except (OSError, UnicodeDecodeError):
            continue
    return lines


def eval_pages() -> list[str]:
    lines: list[str] = []
    for path in sorted(EVAL_DIR.rglob("*.html.gz"))[:40]:
        try:
            text = lxml.html.fromstring(gzip.decompress(path.read_bytes())).text_content()
        except (OSError, ValueError, lxml.etree.ParserError):
            continue
        lines.extend(text.splitlines())
    return lines


def compare(lines: list[str]) -> None:
    lines = [BREAKS.sub(" ", line) for line in lines]
    expected = [" ".join(analyze(line)) for line in lines]
    got = js_analyze(lines)
    assert len(got) == len(lines)
    mismatches = [(line, e, g) for line, e, g in zip(lines, expected, got, strict=True) if e != g]
    assert mismatches == [], mismatches[:10]


def test_fast_python_path_equals_whoosh_analyzer() -> None:
    lines = EDGE_CASES + word_list()[:5000]
    for line in lines:
        assert analyze(line) == analyze_with_whoosh(line), line


def test_edge_cases() -> None:
    compare(EDGE_CASES)


def test_archive_vocabulary(tmp_path: Path) -> None:
    db, _repo, _ids = make_archive(tmp_path / "archive.sqlite")
    from archive.models import Article

    with db.session() as s:
        texts = [f"{a.title}\n{a.description}\n{a.text}\n{' '.join(a.authors)} {' '.join(a.tags)}"
                 for a in s.query(Article)]
    db.close()
    words = sorted({w for t in texts for w in t.split()})
    compare(words + [line for t in texts for line in t.splitlines()])


def test_large_word_list() -> None:
    lines = word_list() + eval_pages()
    words = sorted({w for line in lines for w in re.findall(r"\S+", line)})
    assert len(words) > 20_000
    compare(words + lines)


def test_the_js_stemmer_is_not_trivial() -> None:
    # whoosh's Porter port keeps "runn" (its step 1b double-consonant rule only matches 2-letter stems)
    assert js_analyze(["running generalizations The cats"]) == ["runn gener cat"]
