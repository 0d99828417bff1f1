"""Search benchmark: the project's Whoosh layer side by side with SQLite FTS5, in one run.

    python benchmarks/search.py --n 10000 [--n 100000] [--json out.json]

Corpus: N synthetic articles of 5-15 real paragraphs (../shared/eval/extraction-dev/
ground-truth.json), realistic titles, dates over 10 years, 20 sources; fixed seed. Both engines
index the same articles and answer the same 200 queries (single common words, two-word AND,
phrases, with a date filter, with a source facet), top 10 with highlighted snippets.
Whoosh goes the real path: articles in an archive database (SQLite), `SearchIndex.sync(rebuild=True)`.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import random
import re
import resource
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sqlalchemy import insert  # noqa: E402

from archive.db import Database  # noqa: E402
from archive.models import Article  # noqa: E402
from archive.repository import Repository  # noqa: E402

GROUND_TRUTH = ROOT.parent / "shared" / "eval" / "extraction-dev" / "ground-truth.json"
SEED = 20250501
SOURCES = [f"source-{i:02d}" for i in range(20)]
SECTIONS = ["World", "Politics", "Business", "Technology", "Science", "Sport", "Culture", "Opinion"]
AUTHORS = [f"{first} {last}" for first in ("Ana", "Ben", "Chloe", "David", "Eva", "Farid", "Grace", "Hugo")
           for last in ("Smith", "Garcia", "Nguyen", "Okafor", "Rossi", "Schmidt")]
STOP = {"the", "and", "that", "with", "this", "from", "have", "were", "which", "their", "they", "been",
        "said", "would", "there", "about", "will", "more", "when", "what", "also", "into", "than",
        "some", "other", "could", "after", "over", "them", "only", "most", "like", "just", "your"}
WORD = re.compile(r"[A-Za-z]{3,}")


# -- corpus ----------------------------------------------------------------------------------
def paragraphs() -> list[str]:
    data = json.loads(GROUND_TRUTH.read_text())
    out = []
    for item in data.values():
        for p in re.split(r"\n\s*\n", item.get("articleBody", "")):
            p = p.strip()
            if len(p) >= 80:
                out.append(p)
    return out


def make_corpus(n: int, seed: int = SEED) -> list[dict]:
    rng = random.Random(seed)
    paras = paragraphs()
    start = datetime(2015, 1, 1, tzinfo=UTC)
    span = int(timedelta(days=3652).total_seconds())
    articles = []
    for i in range(n):
        body = rng.sample(paras, rng.randint(5, 15))
        words = WORD.findall(rng.choice(paras))
        k = rng.randint(5, 11)
        j = rng.randint(0, max(0, len(words) - k))
        title = " ".join(words[j:j + k]).capitalize() or f"Article {i}"
        articles.append({
            "i": i,
            "source": SOURCES[rng.randrange(len(SOURCES))],
            "title": title,
            "description": body[0][:200],
            "text": "\n\n".join(body),
            "published": start + timedelta(seconds=rng.randrange(span)),
            "authors": [rng.choice(AUTHORS)],
            "section": rng.choice(SECTIONS),
            "tags": rng.sample(["economy", "elections", "climate", "health", "tech", "sport"], 2),
        })
    return articles


def make_queries(corpus: list[dict], seed: int = SEED) -> list[dict]:
    """200 queries, 40 of each kind."""
    rng = random.Random(seed + 1)
    counts = Counter(w.lower() for a in corpus[:3000] for w in WORD.findall(a["text"]))
    common = [w for w, _ in counts.most_common(400) if w not in STOP and len(w) > 3][:150]
    frequent = [w for w, _ in counts.most_common(3000) if w not in STOP and len(w) > 3]
    queries: list[dict] = []
    for _ in range(40):
        queries.append({"kind": "word", "words": [rng.choice(common)]})
    for _ in range(40):
        queries.append({"kind": "and", "words": rng.sample(frequent, 2)})
    for _ in range(40):
        text = rng.choice(corpus)["text"]
        words = WORD.findall(text)
        j = rng.randrange(max(1, len(words) - 2))
        queries.append({"kind": "phrase", "words": [w.lower() for w in words[j:j + 2]], "phrase": True})
    for _ in range(40):
        queries.append({"kind": "date", "words": [rng.choice(common)],
                        "since": date(rng.randint(2016, 2024), rng.randint(1, 12), 1)})
    for _ in range(40):
        queries.append({"kind": "facet", "words": [rng.choice(frequent)], "source": rng.choice(SOURCES)})
    return queries


# -- the archive database ---------------------------------------------------------------------
def fill_database(url: str, corpus: list[dict], offset: int = 0) -> Repository:
    db = Database(url)
    repo = Repository(db)
    ids = {name: repo.ensure_source(name) for name in SOURCES}
    with db.session() as s:
        for chunk in range(0, len(corpus), 5000):
            rows = [{
                "source_id": ids[a["source"]], "url": f"https://{a['source']}.example/{a['i'] + offset}",
                "canonical_url": f"https://{a['source']}.example/{a['i'] + offset}", "title": a["title"],
                "description": a["description"], "authors": a["authors"], "published": a["published"],
                "language": "en", "section": a["section"], "tags": a["tags"], "text": a["text"],
                "word_count": len(a["text"].split()), "version": 1, "needs_index": True,
            } for a in corpus[chunk:chunk + 5000]]
            s.execute(insert(Article), rows)
    return repo


def dir_size(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


# -- Whoosh (the project's search layer) ------------------------------------------------------
def _whoosh_build(url: str, index_dir: str, queue: mp.Queue) -> None:
    from search.index import SearchIndex

    db = Database(url, migrate=False)
    index = SearchIndex(Path(index_dir))
    started = time.perf_counter()
    report = index.sync(Repository(db), rebuild=True)
    seconds = time.perf_counter() - started
    from search.rebuild import rebuild_processes

    # A rebuild runs in one process per core (search/rebuild.py): count every process's peak, as
    # if they all peaked at the same moment (the children's figure is the largest of them).
    # VmHWM, not RUSAGE_SELF: Linux folds the memory of the process that spawned this one (the
    # benchmark, holding the whole corpus) into ru_maxrss at exec; VmHWM is this process's own.
    own = _vm_hwm_mb()
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    processes = rebuild_processes(report.added)
    queue.put({"seconds": seconds, "docs": report.added, "processes": processes,
               "peak_mb": own + children * (processes - 1), "peak_own_mb": own, "peak_child_mb": children})


def _vm_hwm_mb() -> float:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def whoosh_query_text(q: dict) -> str:
    if q.get("phrase"):
        return '"' + " ".join(q["words"]) + '"'
    return " ".join(q["words"])


def run_whoosh(url: str, workdir: Path, corpus_extra: list[dict], queries: list[dict]) -> dict:
    from search.index import SearchIndex

    index_dir = workdir / "index"
    ctx = mp.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_whoosh_build, args=(url, str(index_dir), queue))
    proc.start()
    build = queue.get()
    proc.join()
    index = SearchIndex(index_dir)
    gen = index.store.current_path()
    started = time.perf_counter()
    index.searcher()
    open_s = time.perf_counter() - started

    def one(q: dict) -> float:
        t = time.perf_counter()
        index.search(whoosh_query_text(q), limit=10, since=q.get("since"),
                     source=q.get("source") if q["kind"] == "facet" else None,
                     facets=q["kind"] == "facet")
        return time.perf_counter() - t

    cold = [one(q) for q in queries]
    warm = [one(q) for q in queries]
    # incremental: 100 new articles into the full index, through the archive
    repo = fill_database(url, corpus_extra, offset=10_000_000)
    t = time.perf_counter()
    report = index.sync(repo)
    incremental = time.perf_counter() - t
    t = time.perf_counter()
    index.sync(repo)
    noop = time.perf_counter() - t
    index.close()
    return {"build_s": build["seconds"], "docs_per_s": build["docs"] / build["seconds"],
            "peak_mb": build["peak_mb"], "processes": build["processes"], "peak_own_mb": build["peak_own_mb"],
            "peak_child_mb": build["peak_child_mb"], "size_mb": dir_size(gen) / 1e6, "open_s": open_s,
            "latency": latencies(queries, warm), "latency_cold": latencies(queries, cold),
            "incremental_100_s": incremental, "incremental_added": report.added, "noop_sync_s": noop}


# -- SQLite FTS5 (the reference) -------------------------------------------------------------
def run_fts5(workdir: Path, corpus: list[dict], queries: list[dict]) -> dict:
    path = workdir / "fts5.sqlite"
    con = sqlite3.connect(path)
    con.execute("CREATE VIRTUAL TABLE docs USING fts5(title, body, source UNINDEXED, "
                "published UNINDEXED, tokenize='porter')")
    t = time.perf_counter()
    with con:
        con.executemany("INSERT INTO docs(rowid, title, body, source, published) VALUES (?,?,?,?,?)",
                        ((a["i"] + 1, a["title"], a["text"], a["source"], a["published"].isoformat())
                         for a in corpus))
    build_s = time.perf_counter() - t
    size = path.stat().st_size

    def one(q: dict) -> float:
        match = ('"' + " ".join(q["words"]) + '"') if q.get("phrase") else " ".join(q["words"])
        sql = ("SELECT rowid, title, source, published, snippet(docs, 1, '<mark>', '</mark>', '…', 24) "
               "FROM docs WHERE docs MATCH ?")
        args: list = [match]
        if q.get("since"):
            sql += " AND published >= ?"
            args.append(q["since"].isoformat())
        if q["kind"] == "facet":
            sql += " AND source = ?"
            args.append(q["source"])
        sql += " ORDER BY bm25(docs, 2.0, 1.0) LIMIT 10"
        t = time.perf_counter()
        con.execute(sql, args).fetchall()
        if q["kind"] == "facet":
            con.execute("SELECT source, count(*) FROM docs WHERE docs MATCH ? GROUP BY source",
                        [match]).fetchall()
        return time.perf_counter() - t

    cold = [one(q) for q in queries]
    warm = [one(q) for q in queries]
    con.close()
    return {"build_s": build_s, "docs_per_s": len(corpus) / build_s, "size_mb": size / 1e6,
            "latency": latencies(queries, warm), "latency_cold": latencies(queries, cold)}


# -- reporting --------------------------------------------------------------------------------
def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))] * 1000


def latencies(queries: list[dict], times: list[float]) -> dict:
    out = {"all": {"p50": pct(times, 50), "p95": pct(times, 95)}}
    for kind in ("word", "and", "phrase", "date", "facet"):
        ts = [t for q, t in zip(queries, times, strict=True) if q["kind"] == kind]
        out[kind] = {"p50": pct(ts, 50), "p95": pct(ts, 95)}
    return out


def report(n: int, w: dict, f: dict) -> str:
    lines = [f"N = {n:,}", f"{'':28}{'Whoosh':>12}{'FTS5':>12}{'ratio':>9}"]

    def row(label: str, a: float, b: float, fmt: str = "{:.1f}") -> None:
        ratio = a / b if b else float("inf")
        lines.append(f"{label:28}{fmt.format(a):>12}{fmt.format(b):>12}{ratio:>8.2f}x")

    row("build docs/s", w["docs_per_s"], f["docs_per_s"], "{:.0f}")
    row("index size MB", w["size_mb"], f["size_mb"])
    for kind in ("all", "word", "and", "phrase", "date", "facet"):
        row(f"query p50 ms ({kind})", w["latency"][kind]["p50"], f["latency"][kind]["p50"])
        row(f"query p95 ms ({kind})", w["latency"][kind]["p95"], f["latency"][kind]["p95"])
    row("first pass p95 ms (all)", w["latency_cold"]["all"]["p95"], f["latency_cold"]["all"]["p95"])
    lines.append(f"Whoosh: build {w['build_s']:.1f} s in {w['processes']} processes, peak {w['peak_mb']:.0f} MB "
                 f"(builder {w['peak_own_mb']:.0f} MB + {w['processes'] - 1} x {w['peak_child_mb']:.0f} MB), searcher open "
                 f"{w['open_s']:.2f} s, incremental sync of 100 new articles {w['incremental_100_s']:.2f} s "
                 f"(added {w['incremental_added']}), sync with nothing to do {w['noop_sync_s']:.2f} s")
    return "\n".join(lines)


def run(n: int, workdir: Path) -> dict:
    corpus = make_corpus(n + 100)
    corpus, extra = corpus[:n], corpus[n:]
    queries = make_queries(corpus)
    url = f"sqlite:///{workdir}/archive.sqlite"
    t = time.perf_counter()
    fill_database(url, corpus).db.close()
    print(f"[N={n:,}] archive database filled in {time.perf_counter() - t:.1f} s", file=sys.stderr)
    f = run_fts5(workdir, corpus, queries)
    w = run_whoosh(url, workdir, extra, queries)
    import whoosh

    return {"n": n, "whoosh_version": whoosh.versionstring(), "python": sys.version.split()[0],
            "whoosh": w, "fts5": f}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    parser.add_argument("--n", type=int, action="append", help="corpus sizes (default 10000)")
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--workdir", type=Path, help="where to build (default: a temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the archive and indexes in WORKDIR/N "
                        "(for profiling) instead of a temporary folder")
    args = parser.parse_args()
    results = []
    for n in args.n or [10_000]:
        if args.keep:
            kept = (args.workdir or Path(tempfile.gettempdir())) / f"search-bench-{n}"
            shutil.rmtree(kept, ignore_errors=True)
            kept.mkdir(parents=True)
            result = run(n, kept)
        else:
            with tempfile.TemporaryDirectory(dir=args.workdir) as tmp:
                result = run(n, Path(tmp))
        results.append(result)
        print(f"whoosh {result['whoosh_version']} on Python {result['python']}, {os.cpu_count()} CPUs")
        print(report(n, result["whoosh"], result["fts5"]), flush=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
