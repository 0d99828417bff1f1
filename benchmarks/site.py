"""Static-site benchmark: build speed, incremental rebuild, size, and bytes per cold search query.

    .venv/bin/python benchmarks/site.py 10000 [--workdir /tmp/na-bench] [--queries] [--no-pelican] [--rounds 2]
                                              [--adds 40]

Reports for a synthetic archive of N articles (realistic lengths: 300-900 words):
full build time and pages/s, the rebuild after adding one article (with --adds K: K of them, one
after the other, median and slowest), output size and file count;
the same N articles built by Pelican (Markdown in, default theme) for the ratio; and with
--queries the bytes a browser (Debian's chromium via Playwright) downloads for a cold one-word,
two-word and phrase query, against Pagefind indexing the same built site.

Pelican and Pagefind are not dependencies of the project: install them into a separate venv and
point the benchmark at it, e.g.

    python3 -m venv /tmp/na/refvenv && /tmp/na/refvenv/bin/pip install pelican markdown 'pagefind[extended]'
    NEWSARCHIVE_REF_VENV=/tmp/na/refvenv .venv/bin/python benchmarks/site.py 10000 --queries
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import random
import re
import shutil
import subprocess
import sys
import sysconfig
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from archive.db import Database  # noqa: E402
from archive.extract import Extraction, paragraphs_to_html  # noqa: E402
from archive.repository import Repository  # noqa: E402
from archive.warc import WarcPointer  # noqa: E402
from publish import build_site  # noqa: E402

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


# -- a synthetic archive -------------------------------------------------------------------------

def vocabulary() -> list[str]:
    """English-ish words (from the standard library's sources), most frequent first."""
    counts: dict[str, int] = {}
    for path in sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py")):
        for word in re.findall(r"[a-z]{3,14}", path.read_text("utf-8", "ignore").lower()):
            counts[word] = counts.get(word, 0) + 1
    return sorted(counts, key=lambda w: -counts[w])


class Writer:
    def __init__(self, seed: int = 7) -> None:
        self.rng = random.Random(seed)
        self.words = vocabulary()
        # Zipf-like weights, as in natural text
        self.weights = [1 / (rank + 10) for rank in range(len(self.words))]
        self.cum: list[float] = []
        total = 0.0
        for w in self.weights:
            total += w
            self.cum.append(total)

    def sentence(self, n: int) -> str:
        words = self.rng.choices(self.words, cum_weights=self.cum, k=n)
        return " ".join(words).capitalize() + "."

    def article(self) -> tuple[str, str, str]:
        title = self.sentence(self.rng.randint(6, 12))[:-1]
        dek = self.sentence(self.rng.randint(15, 25))
        paras = []
        remaining = self.rng.randint(300, 900)
        while remaining > 0:
            n = min(remaining, self.rng.randint(30, 90))
            paras.append(" ".join(self.sentence(self.rng.randint(8, 22)) for _ in range(max(1, n // 15))))
            remaining -= n
        return title, dek, "\n".join(paras)


def make_archive(path: Path, n: int) -> Database:
    """The synthetic archive of n articles (kept in the work folder; topped up if a run was cut short)."""
    from sqlalchemy import func, select

    from archive.models import Article

    db = Database(f"sqlite:///{path}")
    with db.session() as s:
        have = s.scalar(select(func.count(Article.id))) or 0
    if have >= n:
        return db
    repo = Repository(db)
    writer = Writer(seed=7 + have)
    rng = writer.rng
    sources = [repo.ensure_source(f"source-{i}", f"Source {i}") for i in range(8)]
    authors = [writer.sentence(2)[:-1].title() for _ in range(300)]
    tags = [writer.sentence(1)[:-1].title() for _ in range(60)]
    start = datetime(2022, 1, 1, tzinfo=UTC)
    t0 = time.perf_counter()
    for i in range(have, n):
        title, dek, text = writer.article()
        ex = Extraction(ok=True, title=title, description=dek, authors=rng.sample(authors, rng.randint(0, 2)),
                        published=start + timedelta(minutes=int(i * 3 * 365 * 24 * 60 / n)), language="en",
                        tags=rng.sample(tags, rng.randint(1, 3)), text=text, html=paragraphs_to_html(text),
                        word_count=len(text.split()))
        repo.store_article(rng.choice(sources), f"https://news{i % 8}.example/{i}/story.html", ex,
                           WarcPointer("bench.warc.gz", 0, 1))
        if i and i % 2000 == 0:
            print(f"  archive: {i}/{n} articles ({time.perf_counter() - t0:.0f} s)", file=sys.stderr)
    return db


def add_one(db: Database, n: int) -> None:
    repo = Repository(db)
    # a new seed every call (two calls within a second made the same article: a duplicate, no change)
    title, dek, text = Writer(seed=time.time_ns()).article()
    ex = Extraction(ok=True, title="Fresh " + title, description=dek, published=datetime.now(UTC), language="en",
                    tags=["Fresh"], text=text, html=paragraphs_to_html(text), word_count=len(text.split()))
    repo.store_article(repo.ensure_source("source-0"), f"https://news0.example/fresh-{time.time()}.html", ex,
                       WarcPointer("bench.warc.gz", 0, 1))


def dir_stats(path: Path) -> tuple[int, int, int]:
    files = [p for p in path.rglob("*") if p.is_file()]
    html = sum(1 for p in files if p.suffix == ".html")
    return len(files), html, sum(p.stat().st_size for p in files)


# -- Pelican --------------------------------------------------------------------------------------

def pelican_build(db: Database, work: Path, ref_venv: Path) -> dict[str, Any] | None:
    pelican = ref_venv / "bin" / "pelican"
    if not pelican.exists():
        print(f"  (no Pelican at {pelican}: skipped)", file=sys.stderr)
        return None
    from sqlalchemy import select

    from archive.models import Article, Source

    content = work / "pelican-content"
    out = work / "pelican-out"
    shutil.rmtree(content, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
    content.mkdir(parents=True)
    with db.session() as s:
        for a, source in s.execute(select(Article, Source.name).join(Source)):
            date = (a.published or a.fetched_at).strftime("%Y-%m-%d %H:%M")
            meta = [f"Title: {a.title}", f"Date: {date}", f"Category: {source}",
                    f"Tags: {', '.join(a.tags or [])}", f"Summary: {a.description}", f"Slug: a{a.id}"]
            if a.authors:
                meta.append(f"Authors: {'; '.join(a.authors)}")
            (content / f"a{a.id}.md").write_text("\n".join(meta) + "\n\n" + a.text.replace("\n", "\n\n") + "\n")
    conf = work / "pelicanconf.py"
    conf.write_text("SITENAME='bench'\nSITEURL=''\nTIMEZONE='UTC'\nDEFAULT_PAGINATION=20\n"
                    "FEED_ALL_ATOM='feeds/all.atom.xml'\nCATEGORY_FEED_ATOM='feeds/{slug}.atom.xml'\n"
                    "LOAD_CONTENT_CACHE=False\n")
    t0 = time.perf_counter()
    subprocess.run([str(pelican), str(content), "-o", str(out), "-s", str(conf), "-q"], check=True)
    seconds = time.perf_counter() - t0
    files, html, size = dir_stats(out)
    return {"seconds": seconds, "html_pages": html, "files": files, "bytes": size}


# -- bytes per cold query -------------------------------------------------------------------------

class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
        pass


class Server(http.server.ThreadingHTTPServer):
    request_queue_size = 128  # the default 5 drops SYNs when a page loads ten files at once (1 s stalls)


def serve(root: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    server = Server(("127.0.0.1", 0), functools.partial(Quiet, directory=str(root)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


PAGEFIND_GLOB = "articles/*/index.html"
PAGEFIND_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>pagefind bench</title></head>
<body><ol id="out"></ol><script type="module">
const pf = await import("./pagefind/pagefind.js");
const q = new URLSearchParams(location.search).get("q");
const t0 = performance.now();
const res = await pf.search(q);
const top = await Promise.all(res.results.slice(0, 10).map(r => r.data()));
for (const d of top) { const li = document.createElement("li"); li.textContent = d.meta.title; out.appendChild(li); }
document.title = "done " + res.results.length + " " + Math.round(performance.now() - t0);
</script></body></html>"""


FIRST_RESULT_PROBE = """
new MutationObserver((changes, observer) => {
  const list = document.getElementById("search-results");
  if (list && list.querySelector("[data-result]")) {
    window.__firstResultMs = Math.round(performance.now());
    observer.disconnect();
  }
}).observe(document, {childList: true, subtree: true});
"""


def query_bytes(site: Path, queries: list[str], *, pagefind: bool) -> list[dict[str, Any]]:
    from playwright.sync_api import sync_playwright

    server, root = serve(site)
    results = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=shutil.which("chromium"), headless=True,
                                         args=CHROMIUM_ARGS)
            for q in queries:
                context = browser.new_context()  # a cold cache per query
                page = context.new_page()
                sizes: dict[str, int] = {}

                def on_response(resp: Any, sizes: dict[str, int] = sizes) -> None:
                    try:
                        sizes[resp.url] = len(resp.body())
                    except Exception:  # noqa: BLE001 - redirects have no body
                        sizes[resp.url] = 0

                page.on("response", on_response)
                # When the first result appears, in ms since the navigation started (the page's clock).
                page.add_init_script(FIRST_RESULT_PROBE)
                t0 = time.perf_counter()
                if pagefind:
                    page.goto(root + "pagefind-bench.html?q=" + q)
                    page.wait_for_function("document.title.startsWith('done')", timeout=60_000)
                    count = int(page.title().split()[1])
                else:
                    page.goto(root + "search/index.html?q=" + q)
                    page.wait_for_function(
                        "document.getElementById('search-status').textContent.length > 0 &&"
                        "(document.querySelectorAll('#search-results li').length > 0 ||"
                        " /No articles/.test(document.getElementById('search-status').textContent))",
                        timeout=60_000)
                    elapsed = time.perf_counter() - t0
                    page.wait_for_load_state("networkidle")
                    count = int((re.findall(r"\d+", page.locator("#search-status").inner_text()) or ["0"])[0])
                first_ms = page.evaluate("window.__firstResultMs ?? null") if not pagefind else None
                if pagefind:
                    elapsed = time.perf_counter() - t0
                page.wait_for_timeout(200)
                index_bytes = sum(v for k, v in sizes.items()
                                  if ("/pagefind/" in k) or ("/search/" in k and not k.split("?")[0].endswith(".html")))
                results.append({"query": q, "results": count, "index_bytes": index_bytes,
                                "total_bytes": sum(sizes.values()), "requests": len(sizes),
                                "seconds": round(elapsed, 3), "first_result_ms": first_ms})
                context.close()
            browser.close()
    finally:
        server.shutdown()
    return results


def pagefind_index(site: Path, ref_venv: Path) -> float | None:
    python = ref_venv / "bin" / "python"
    if not python.exists():
        return None
    shutil.rmtree(site / "pagefind", ignore_errors=True)
    t0 = time.perf_counter()
    # Only the article pages, the documents our own search covers: listing pages repeat the
    # articles' titles and deks, which would inflate Pagefind's index and its hit counts.
    subprocess.run([str(python), "-m", "pagefind", "--site", str(site), "--glob", PAGEFIND_GLOB],
                   check=True, capture_output=True)
    (site / "pagefind-bench.html").write_text(PAGEFIND_PAGE)
    return time.perf_counter() - t0


def report_queries(db: Database, site: Path, ref_venv: Path, *, index_pagefind: bool) -> None:
    """Bytes and time to the first result of three cold queries, ours and (when indexed) Pagefind's."""
    queries = pick_queries(db)
    ours = query_bytes(site, queries, pagefind=False)
    if index_pagefind:
        pf_seconds = pagefind_index(site, ref_venv)
    else:
        pf_seconds = 0.0 if (site / "pagefind").is_dir() else None
    theirs = query_bytes(site, queries, pagefind=True) if pf_seconds is not None else []
    if index_pagefind and pf_seconds is not None:
        print(f"pagefind indexing: {pf_seconds:8.2f} s")
    for i, row in enumerate(ours):
        line = (f"query {row['query']!r:32} newsarchive: {row['results']:5} hits  index {row['index_bytes'] / 1e3:7.1f} kB"
                f"  total {row['total_bytes'] / 1e3:7.1f} kB  {row['requests']:3} requests  {row['seconds']:.2f} s"
                f"  first result at {row['first_result_ms']} ms (target <= 300)")
        if theirs:
            p = theirs[i]
            line += (f" | pagefind: {p['results']:5} hits  index {p['index_bytes'] / 1e3:7.1f} kB  "
                     f"{p['requests']:3} requests  {p['seconds']:.2f} s  ratio {row['index_bytes'] / max(1, p['index_bytes']):.2f}")
        print(line)


def pick_queries(db: Database) -> list[str]:
    """A mid-frequency word, two words, and a phrase taken from one article's text."""
    from sqlalchemy import select

    from archive.models import Article

    with db.session() as s:
        text = s.scalar(select(Article.text).order_by(Article.id).limit(1)) or ""
    words = [w for w in re.findall(r"[a-z]{5,}", text.lower())]
    one = words[len(words) // 2]
    two = f"{words[3]} {words[len(words) // 3]}"
    phrase_words = re.findall(r"[a-z]+", text.lower())[10:13]
    return [one, two, '"' + " ".join(phrase_words) + '"']


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/na-bench"))
    parser.add_argument("--queries", action="store_true", help="measure bytes per cold query (chromium)")
    parser.add_argument("--no-pelican", action="store_true")
    parser.add_argument("--rounds", type=int, default=1, help="alternate our full build and Pelican's R times; "
                        "keep the best of each (and of R one-article rebuilds)")
    parser.add_argument("--adds", type=int, default=1, help="after the first one-article rebuild, add K-1 more "
                        "articles one at a time (a rebuild each) and report the median and the slowest (once the "
                        "search index's recent segment is full, each build also folds part of it into main shards)")
    parser.add_argument("--queries-only", action="store_true", help="only measure the cold queries, on the "
                        "site already built in WORKDIR/N/public (and Pagefind's index there, if any)")
    parser.add_argument("--ref-venv", type=Path, default=Path(os.environ.get("NEWSARCHIVE_REF_VENV", "/tmp/na/refvenv")))
    args = parser.parse_args()
    work = args.workdir / str(args.n)
    work.mkdir(parents=True, exist_ok=True)

    t0 = time.perf_counter()
    db = make_archive(work / "archive.sqlite", args.n)
    print(f"archive of {args.n} articles ready ({time.perf_counter() - t0:.1f} s)")
    site = work / "public"
    if args.queries_only:
        report_queries(db, site, args.ref_venv, index_pagefind=False)
        db.close()
        return
    # The machine may be shared: with --rounds R, our full build and Pelican's alternate R times
    # and the best time of each is kept (so a burst of load hits both alike, or neither).
    fulls, pelicans = [], []
    for _ in range(args.rounds):
        shutil.rmtree(site, ignore_errors=True)
        fulls.append(build_site(db, site))
        if not args.no_pelican:
            pel = pelican_build(db, work, args.ref_venv)
            if pel:
                pelicans.append(pel)
    full = min(fulls, key=lambda r: r.seconds)
    files, html, size = dir_stats(site)
    best = f" (best of {args.rounds}: {', '.join(f'{r.seconds:.1f}' for r in fulls)})" if args.rounds > 1 else ""
    print(f"full build:        {full.seconds:8.2f} s  {html} HTML pages  {html / full.seconds:7.0f} pages/s  "
          f"{files} files  {size / 1e6:.1f} MB{best}")
    again = build_site(db, site)
    print(f"no-change rebuild: {again.seconds:8.2f} s  written {again.pages_written}  "
          f"({100 * again.seconds / full.seconds:.1f}% of the full build)")
    incs = []
    for _ in range(args.rounds):
        add_one(db, args.n)
        incs.append(build_site(db, site))
    inc = min(incs, key=lambda r: r.seconds)
    best = f" (best of {args.rounds}: {', '.join(f'{r.seconds:.2f}' for r in incs)})" if args.rounds > 1 else ""
    print(f"+1 article:        {inc.seconds:8.2f} s  written {inc.pages_written} "
          f"({100 * inc.seconds / full.seconds:.1f}% of the full build; target < 5%){best}")
    print(f"  steps of the full build: {full.phases}")
    print(f"  steps of the +1 build:   {inc.phases}")
    if args.adds > 1:
        more = [inc]
        for _ in range(args.adds - 1):
            add_one(db, args.n)
            more.append(build_site(db, site))
        times = sorted(r.seconds for r in more)
        slowest = max(more, key=lambda r: r.seconds)
        print(f"{len(more)} one-article rebuilds: median {times[len(times) // 2]:.2f} s "
              f"({100 * times[len(times) // 2] / full.seconds:.1f}% of the full build), mean "
              f"{sum(times) / len(times):.2f} s ({100 * sum(times) / len(times) / full.seconds:.1f}%), slowest "
              f"{slowest.seconds:.2f} s ({100 * slowest.seconds / full.seconds:.1f}%), "
              f"search files written: {', '.join(str(r.search.files if r.search else 0) for r in more)}")
        print(f"  steps of the slowest:    {slowest.phases}")
    if pelicans:
        pel = min(pelicans, key=lambda p: p["seconds"])
        rate = pel["html_pages"] / pel["seconds"]
        times = ", ".join(f"{p['seconds']:.1f}" for p in pelicans)
        best = f" (best of {len(pelicans)}: {times})" if len(pelicans) > 1 else ""
        print(f"pelican:           {pel['seconds']:8.2f} s  {pel['html_pages']} HTML pages  {rate:7.0f} pages/s  "
              f"{pel['files']} files  {pel['bytes'] / 1e6:.1f} MB{best}")
        print(f"ratio pages/s newsarchive/pelican: {(html / full.seconds) / rate:.2f} (target >= 3)")
    if args.queries:
        report_queries(db, site, args.ref_venv, index_pagefind=True)
    db.close()


if __name__ == "__main__":
    main()
