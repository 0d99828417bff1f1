"""Checks shared by the hostile-web tests and scripts/reliability_report.py: what a built site
may contain, and how much memory a process tree used."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import lxml.html

# The only scripts our templates write: external files of our own static folder, no inline code.
OWN_SCRIPT = re.compile(r"^(\.\./)*static/(stem|search)\.js$")
SAFE_NAME = re.compile(r"^[A-Za-z0-9._-]+$")
URL_ATTRS = ("href", "src", "action", "formaction", "data", "poster", "background", "xlink:href", "srcset")
BAD_SCHEME = re.compile(r"^\s*(javascript|data|vbscript)\s*:", re.I)
MAX_NAME = 100


def scan_html(path: Path, rel: str) -> list[str]:
    """Executable content in one built HTML page (empty when clean)."""
    problems: list[str] = []
    raw = path.read_bytes()
    doc = lxml.html.document_fromstring(raw)
    for el in doc.iter():
        if not isinstance(el.tag, str):
            continue
        tag = el.tag.lower()
        if tag == "script":
            src = el.get("src") or ""
            if not OWN_SCRIPT.match(src) or (el.text or "").strip():
                problems.append(f"{rel}: <script src={src!r}> not from our templates")
        if tag in ("iframe", "frame", "frameset", "object", "embed", "applet", "base", "svg", "math"):
            problems.append(f"{rel}: <{tag}> element")
        if tag == "meta" and (el.get("http-equiv") or "").lower() == "refresh":
            problems.append(f"{rel}: meta refresh")
        for name, value in el.attrib.items():
            low = name.lower()
            if low.startswith("on"):
                problems.append(f"{rel}: event handler {low}= on <{tag}>")
            if low in URL_ATTRS and BAD_SCHEME.match(value):
                problems.append(f"{rel}: {low}={value[:40]!r} on <{tag}>")
            if low == "style" and re.search(r"expression\s*\(|javascript:|url\s*\(", value, re.I):
                problems.append(f"{rel}: active CSS in style= on <{tag}>")
        if tag == "style" and re.search(r"expression\s*\(|javascript:", el.text or "", re.I):
            problems.append(f"{rel}: active CSS in <style>")
    csp = [m.get("content") or "" for m in doc.iter("meta")
           if (m.get("http-equiv") or "").lower() == "content-security-policy"]
    if not csp or "script-src 'self'" not in csp[0]:
        problems.append(f"{rel}: no Content-Security-Policy meta allowing only our own scripts")
    return problems


def scan_search_script(path: Path, rel: str) -> list[str]:
    """A search index file must be exactly one `__na(<JSON>, <JSON>);` call: pure data."""
    raw = path.read_text("utf-8")
    if not (raw.startswith("__na(") and raw.endswith(");\n")):
        return [f"{rel}: not a single __na(...) call"]
    try:
        args = json.loads("[" + raw[len("__na("):-len(");\n")] + "]")
    except ValueError as exc:
        return [f"{rel}: arguments are not pure JSON data ({exc})"]
    problems = []
    if len(args) != 2:
        problems.append(f"{rel}: __na called with {len(args)} arguments")
    if re.search(r"</script|<!--|\u2028|\u2029", raw, re.I):
        problems.append(f"{rel}: text that could end an inline script element")
    return problems


def scan_site(site: Path) -> tuple[list[str], dict[str, int]]:
    """Every problem in a built site, and counts of what was scanned."""
    problems: list[str] = []
    counts = {"html": 0, "search_js": 0, "files": 0}
    root = site.resolve()
    for path in sorted(site.rglob("*")):
        rel = path.relative_to(site).as_posix()
        counts["files"] += 1
        for part in rel.split("/"):
            if not SAFE_NAME.match(part) or part in (".", "..") or len(part) > MAX_NAME:
                problems.append(f"unsafe file name {rel[:120]!r}")
            if part.split(".")[0].lower() in {"con", "prn", "aux", "nul"} | {f"com{i}" for i in range(10)} \
                    | {f"lpt{i}" for i in range(10)}:
                problems.append(f"reserved file name {rel!r}")
        if path.is_symlink() or not path.resolve().is_relative_to(root):
            problems.append(f"{rel}: escapes the output folder")
        if path.suffix == ".html" and path.is_file():
            counts["html"] += 1
            problems += scan_html(path, rel)
        elif path.suffix == ".js" and rel.startswith("search/") and path.is_file():
            counts["search_js"] += 1
            problems += scan_search_script(path, rel)
    return problems, counts


# -- memory of a process tree (Linux /proc) ----------------------------------------------------
def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                stat = fh.read()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            out.append(child)
            todo.append(child)
    return out


def peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of one process in MB, 0 when it is gone."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0
