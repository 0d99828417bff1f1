"""Run the hostile-web, crash-safety, bad-command and fuzz suites, then rewrite the tables of
docs/reliability.md between its BEGIN/END markers with what was tried and what happened.

    .venv/bin/python scripts/reliability_report.py [--examples N] [--no-run DIR]

--no-run DIR re-renders from the results a previous run left in DIR (junit.xml, *.json, log).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "reliability.md"
SUITES = ["tests/test_hostile_crawl.py", "tests/test_crash_safety.py", "tests/test_bad_commands.py",
          "tests/test_fuzz.py"]
BEGIN, END = "<!-- BEGIN GENERATED (scripts/reliability_report.py) -->", "<!-- END GENERATED -->"


def run_suites(out: Path, examples: int) -> float:
    env = dict(os.environ, NEWSARCHIVE_RELIABILITY_OUT=str(out), NEWSARCHIVE_FUZZ_EXAMPLES=str(examples))
    started = time.monotonic()
    with open(out / "pytest.log", "w") as log:
        subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--junitxml",
                        str(out / "junit.xml"), "--hypothesis-show-statistics", *SUITES],
                       cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
    seconds = time.monotonic() - started
    (out / "seconds.txt").write_text(f"{seconds:.0f}")
    return seconds


def outcomes(junit: Path) -> dict[str, str]:
    """test name (with parameters) -> passed / failed / xfail (known bug) / skipped."""
    result: dict[str, str] = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        name = case.get("name", "")
        status = "passed"
        for child in case:
            if child.tag in ("failure", "error"):
                status = "FAILED"
            elif child.tag == "skipped":
                status = "known bug (xfail)" if "xfail" in (child.get("type", "") + child.get("message", "")).lower() \
                    else "skipped"
        result[name] = status
    return result


def fuzz_examples(log: str) -> dict[str, str]:
    """test name -> 'N passing examples' from Hypothesis' statistics."""
    found: dict[str, str] = {}
    current = None
    for line in log.splitlines():
        header = re.match(r"^tests/test_fuzz\.py::(\w+):", line)
        if header:
            current = header.group(1)
            continue
        counts = re.search(r"(\d+) passing(?: examples?)?, (\d+) failing", line)
        if current and counts and current not in found:
            found[current] = f"{counts.group(1)} passing, {counts.group(2)} failing"
    return found


def status_of(tests: dict[str, str], prefix: str) -> str:
    matching = [v for k, v in tests.items() if k == prefix or k.startswith(prefix + "[")]
    if not matching:
        return "not run"
    if "FAILED" in matching:
        return "FAILED"
    if all(v == "passed" for v in matching):
        return "passed"
    return ", ".join(sorted(set(matching)))


def render(out: Path) -> str:
    tests = outcomes(out / "junit.xml")
    log = (out / "pytest.log").read_text(errors="replace")
    seconds = (out / "seconds.txt").read_text() if (out / "seconds.txt").exists() else "?"
    lines = [BEGIN, "", f"Last run: {time.strftime('%Y-%m-%d')}, {seconds} s wall time for the four suites "
             f"({sum(v == 'passed' for v in tests.values())} passed, "
             f"{sum(v == 'FAILED' for v in tests.values())} failed, "
             f"{sum('xfail' in v for v in tests.values())} known bugs (xfail), "
             f"{sum(v == 'skipped' for v in tests.values())} skipped).", ""]

    hostile_file = out / "hostile.json"
    if hostile_file.exists():
        hostile = json.loads(hostile_file.read_text())
        kinds = ", ".join(f"{k} {v}" for k, v in sorted(hostile["errors_by_kind"].items()))
        lines += ["### Hostile site", "",
                  f"One crawl of the whole site took {hostile['seconds']} s, peak memory of any crawl process "
                  f"{hostile['peak_mb']} MB; {hostile['good_archived']}/{hostile['good']} good articles archived, "
                  f"{hostile['new_articles']} articles in all. Failures by kind: {kinds}.", "",
                  "| case | what the site does | expected | requests | outcome |", "| --- | --- | --- | --- | --- |"]
        canary = hostile["canary_hits"]
        for case in hostile["cases"]:
            if case["name"] == "redirect-other-port" and canary:
                outcome = f"FOLLOWED: the other port got {', '.join(canary)} (known bug)"
            elif case["archived"]:
                outcome = "archived (made harmless in the built site)"
            elif case["no_article"]:
                outcome = f"not archived: {case['no_article']}"
            elif case["requests"] and not case["path"].startswith("/a/"):
                outcome = "read as a feed, sitemap or hub page; nothing from it beyond the limits"
            elif case["requests"]:
                outcome = "not archived; counted as a failure by kind"
            else:
                outcome = "not requested"
            lines.append(f"| {case['name']} | {case['what']} | {case['expect']} | {case['requests']} | {outcome} |")
        lines += ["", f"Requests that reached the other 127.0.0.1 port: {', '.join(canary) if canary else 'none'}.", ""]
        lines += ["| property of the crawl and the built site | result |", "| --- | --- |"]
        for name in ("test_crawl_ends_within_bounds", "test_every_failure_is_counted_by_kind",
                     "test_good_articles_are_all_archived", "test_articles_carrying_script_are_archived",
                     "test_charsets_decode_correctly", "test_junk_is_not_archived",
                     "test_huge_feeds_and_link_lists_are_capped", "test_self_referencing_sitemap_index_is_bounded",
                     "test_entities_are_never_expanded_nor_fetched", "test_redirects_never_reach_another_port",
                     "test_story_with_a_javascript_refresh_is_archived",
                     "test_redirect_to_another_domain_is_not_followed", "test_built_site_has_no_executable_content",
                     "test_hostile_text_is_shown_as_text", "test_archive_is_consistent_after_the_hostile_crawl",
                     "test_a_hundred_thousand_links_are_bounded"):
            lines.append(f"| {name.removeprefix('test_').replace('_', ' ')} | {status_of(tests, name)} |")
        lines.append("")

    kills_file = out / "kills.json"
    lines += ["### kill -9 at random points", ""]
    if kills_file.exists():
        kills = json.loads(kills_file.read_text())
        lines += [f"{len(kills)} kills; after each, `newsarchive check` (in process) found no problem and no committed "
                  f"article was lost or changed; at the end crawl, index, build and `newsarchive check` ran to "
                  f"completion: {status_of(tests, 'test_kill_minus_nine_at_random_points')}.", "",
                  "| # | command | killed | after (s) | articles before -> after |", "| --- | --- | --- | --- | --- |"]
        for n, kill in enumerate(kills, 1):
            lines.append(f"| {n} | {kill['command']} | {kill['point']} | {kill['at']:.1f} | "
                         f"{kill['before']} -> {kill['after']} |")
    else:
        lines.append(f"No kill record (test: {status_of(tests, 'test_kill_minus_nine_at_random_points')}).")
    lines.append("")

    lines += ["### Bad commands and environments", "", "| test | result |", "| --- | --- |"]
    for name, status in tests.items():
        if name.startswith("test_") and name.split("[")[0] in _names(ROOT / "tests/test_bad_commands.py") | \
                (_names(ROOT / "tests/test_crash_safety.py") - {"test_kill_minus_nine_at_random_points"}):
            lines.append(f"| {name.removeprefix('test_').replace('_', ' ')} | {status} |")
    lines.append("")

    examples = fuzz_examples(log)
    lines += ["### Fuzzing (Hypothesis)", "", "| target | examples | result |", "| --- | --- | --- |"]
    for name in sorted(_names(ROOT / "tests/test_fuzz.py")):
        lines.append(f"| {name.removeprefix('test_').replace('_', ' ')} | {examples.get(name, '?')} | "
                     f"{status_of(tests, name)} |")
    lines += ["", END]
    return "\n".join(lines)


def _names(path: Path) -> set[str]:
    return set(re.findall(r"^def (test_\w+)", path.read_text(), re.M))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=200, help="Hypothesis examples per fuzz test.")
    parser.add_argument("--no-run", type=Path, default=None, help="Render from a previous run's folder.")
    args = parser.parse_args()
    if args.no_run:
        out = args.no_run
    else:
        out = Path(tempfile.mkdtemp(prefix="reliability-"))
        seconds = run_suites(out, args.examples)
        print(f"suites ran in {seconds:.0f} s; results in {out}", file=sys.stderr)
    table = render(out)
    text = DOC.read_text(encoding="utf-8")
    if BEGIN in text and END in text:
        text = text[:text.index(BEGIN)] + table + text[text.index(END) + len(END):]
    else:
        text = text.rstrip("\n") + "\n\n" + table + "\n"
    DOC.write_text(text, encoding="utf-8")
    print(f"updated {DOC.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    main()
