"""The browser search's ranking (templates/static/search.js): picking the first pages without
sorting every match must give exactly the order of a full sort."""

from __future__ import annotations

import json
import random
import re
import subprocess

from test_stemmer_parity import node_or_skip

from publish.env import BUILTIN_TEMPLATES

SEARCH_JS = BUILTIN_TEMPLATES / "static" / "search.js"


def function_source(source: str, name: str) -> str:
    match = re.search(rf"\n  function {name}\(.*?\n  }}\n", source, re.S)
    assert match, name
    return match.group(0)


def test_the_first_pages_are_picked_in_the_order_of_a_full_sort() -> None:
    source = SEARCH_JS.read_text(encoding="utf-8")
    top_pick = int(re.search(r"TOP_PICK = (\d+) \* PAGE", source).group(1)) * int(
        re.search(r"var PAGE = (\d+)", source).group(1))
    rng = random.Random(3)
    cases = []
    for n in (0, 7, top_pick * 4 + 1, 3000):
        docs = rng.sample(range(100_000), n)
        # few distinct scores: many ties, broken by document number (newest first)
        scores = {d: rng.choice([0.5, 1.25, 2.0, 3.75]) for d in docs}
        cases.append({"docs": docs, "scores": scores})
    script = (
        "const TOP_PICK = " + str(top_pick) + ";\n"
        + function_source(source, "ranking") + function_source(source, "pickBest")
        + """
const cases = JSON.parse(require('fs').readFileSync(0, 'utf8'));
const out = cases.map(function (c) {
  const scores = new Map(Object.entries(c.scores).map(function (e) { return [Number(e[0]), e[1]]; }));
  const relevance = function (a, b) { return (scores.get(b) - scores.get(a)) || (b - a); };
  const newest = function (a, b) { return b - a; };
  return [relevance, newest].map(function (before) {
    const full = c.docs.slice().sort(before);
    const ranked = ranking(c.docs.slice(), before);
    const windows = [[0, 10], [10, 20], [40, 50], [0, TOP_PICK], [50, 60], [0, 10]];
    return windows.every(function (w) {
      return JSON.stringify(ranked(w[0], w[1])) === JSON.stringify(full.slice(w[0], w[1]));
    });
  });
});
process.stdout.write(JSON.stringify(out));
""")
    result = subprocess.run([node_or_skip(), "-e", script], input=json.dumps(cases), capture_output=True,
                            text=True, check=True)
    assert json.loads(result.stdout) == [[True, True]] * len(cases)
