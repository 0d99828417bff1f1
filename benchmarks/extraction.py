"""Extraction benchmark: the project's extractor against plain trafilatura, in the same run.

Usage: python benchmarks/extraction.py [DATASET_DIR] [--scorer PATH] [--save-dir DIR] [--worst N]

DATASET_DIR holds html/*.html.gz and ground-truth.json (default /work/shared/eval/extraction-dev).
The metric is the one of the dataset's own scorer (score_extraction.py beside the dataset, or
--scorer), imported from its path so the numbers are exactly the published metric.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.util
import json
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import trafilatura  # noqa: E402

from archive.extract import extract_article, warm_up  # noqa: E402

DEFAULT_DATASET = Path("/work/shared/eval/extraction-dev")


def load_scorer(path: Path) -> ModuleType:
    spec = importlib.util.spec_from_file_location("score_extraction", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load scorer {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def ours(raw: bytes, url: str) -> str:
    ex = extract_article(raw, url)
    return ex.text if ex.ok else ""


def plain_trafilatura(raw: bytes, url: str) -> str:
    return trafilatura.extract(raw) or ""


def run_interleaved(pages: dict[str, bytes], urls: dict[str, str],
                    systems: dict[str, Callable[[bytes, str], str]]
                    ) -> dict[str, tuple[dict[str, dict[str, str]], list[float]]]:
    """Every system on each page in turn, so load changes on the machine hit both alike."""
    out: dict[str, tuple[dict[str, dict[str, str]], list[float]]] = {n: ({}, []) for n in systems}
    for i, (pid, raw) in enumerate(pages.items()):
        order = list(systems.items())
        if i % 2:
            order.reverse()
        for name, fn in order:
            start = time.perf_counter()
            text = fn(raw, urls.get(pid, ""))
            out[name][1].append((time.perf_counter() - start) * 1000)
            out[name][0][pid] = {"articleBody": text}
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("dataset", nargs="?", type=Path, default=DEFAULT_DATASET)
    ap.add_argument("--scorer", type=Path, default=None)
    ap.add_argument("--save-dir", type=Path, default=None, help="write both prediction files here")
    ap.add_argument("--worst", type=int, default=0, help="list the N pages where ours scores worst")
    args = ap.parse_args(argv)
    scorer_path = args.scorer or args.dataset.parent / "score_extraction.py"
    scorer = load_scorer(scorer_path)
    truth, _ = scorer.load(str(args.dataset / "ground-truth.json"))
    pages = {p.name.removesuffix(".html.gz"): gzip.decompress(p.read_bytes())
             for p in sorted((args.dataset / "html").glob("*.html.gz"))}
    pages = {k: v for k, v in pages.items() if k in truth}
    urls = {k: v.get("url", "") for k, v in truth.items()}
    # Warm both up (imports, lazy models) so the first pages are not charged for one-off loading,
    # as in a long-running crawl worker.
    warm_up()
    for pid in list(pages)[:3]:
        ours(pages[pid], urls[pid])
        plain_trafilatura(pages[pid], urls[pid])

    systems = {"newsarchive": ours, "trafilatura (plain)": plain_trafilatura}
    results = {}
    for name, (preds, times) in run_interleaved(pages, urls, systems).items():
        results[name] = (scorer.score(truth, preds), statistics.median(times), preds)
        if args.save_dir:
            args.save_dir.mkdir(parents=True, exist_ok=True)
            slug = name.split()[0]
            (args.save_dir / f"{slug}.json").write_text(json.dumps(preds, ensure_ascii=False))

    print(f"dataset: {args.dataset} ({len(pages)} pages), scorer: {scorer_path}")
    print(f"{'system':<22} {'F1':>6} {'prec':>6} {'recall':>6} {'median ms':>10}")
    for name, (s, ms, _) in results.items():
        print(f"{name:<22} {s['f1']:.4f} {s['precision']:.4f} {s['recall']:.4f} {ms:>10.1f}")
    (ours_s, ours_ms, ours_preds), (ref_s, ref_ms, ref_preds) = results.values()
    print(f"ratio ours/plain: F1 {ours_s['f1'] / ref_s['f1']:.4f}, median time {ours_ms / ref_ms:.2f}x")
    if args.worst:
        rows = []
        for pid in truth:
            t = truth[pid].get("articleBody", "")
            tp, fp, fn = scorer.page_counts(t, ours_preds[pid]["articleBody"])
            rtp, rfp, rfn = scorer.page_counts(t, ref_preds[pid]["articleBody"])
            rows.append((tp, scorer.precision(tp, fp, fn), scorer.recall(tp, fp, fn),
                         scorer.precision(rtp, rfp, rfn), scorer.recall(rtp, rfp, rfn), pid))
        rows.sort()
        print(f"\nworst {args.worst} pages (ours P/R vs plain P/R):")
        for _, p, r, rp, rr, pid in rows[:args.worst]:
            print(f"  {pid[:12]} ours P={p:.3f} R={r:.3f}  plain P={rp:.3f} R={rr:.3f}  {urls[pid][:70]}")


if __name__ == "__main__":
    main()
