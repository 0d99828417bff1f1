"""Writes output files only when their content changed, and remembers what each page was made from.

The manifest (`.newsarchive-build.marshal` in the output folder: plain data in Python's marshal
format, quick to read and write for tens of thousands of files) maps every file the build owns to
the key of its inputs and the hash of its content. A page whose input key is unchanged is not
rendered again; a file whose content hash is unchanged is not rewritten (its mtime is kept); a file
the previous build wrote that this build did not produce is deleted.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from newsarchive.errors import UserError

MANIFEST_NAME = ".newsarchive-build.marshal"
LEGACY_MANIFEST_NAME = ".newsarchive-build.json"  # the manifest's name and format up to version 2
MANIFEST_VERSION = 3


class UnsafePathError(UserError):
    """A generated path would escape the output folder (a bug or hostile data; never written)."""


def content_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def input_key(*parts: Any) -> str:
    """A stable hash of the inputs of one page: plain values (str, numbers, datetimes, None) in
    tuples, lists and dicts built in a fixed order (their repr is the same from build to build)."""
    return hashlib.sha1(repr(parts).encode("utf-8", "surrogatepass")).hexdigest()


def check_relative_path(rel: str) -> str:
    """`rel` when it is a safe relative path inside the output folder, else UnsafePathError."""
    if not rel or rel[0] == "/" or "\\" in rel or "\x00" in rel:
        raise UnsafePathError(f"refusing to write unsafe output path {rel[:200]!r}")
    for part in rel.split("/"):
        if part in ("", ".", ".."):
            raise UnsafePathError(f"refusing to write unsafe output path {rel[:200]!r}")
        if len(part) > 50 and len(part.encode("utf-8", "surrogatepass")) > 200:
            raise UnsafePathError(f"refusing to write over-long output path {rel[:200]!r}")
    return rel


@dataclass
class SiteWriter:
    out_dir: Path
    global_key: str = ""
    written: int = 0
    unchanged: int = 0
    skipped_render: int = 0
    deleted: int = 0
    old_files: dict[str, tuple[str, str]] = field(default_factory=dict)  # rel -> (key, hash)
    new_files: dict[str, tuple[str, str]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)
    _made_dirs: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._root = str(self.out_dir) + os.sep  # for quick existence checks

    @classmethod
    def open(cls, out_dir: Path, global_key: str) -> SiteWriter:
        out_dir.mkdir(parents=True, exist_ok=True)
        writer = cls(out_dir=out_dir, global_key=global_key)
        data = _read_manifest(out_dir)
        files = data.get("files")
        if data.get("version") == MANIFEST_VERSION and isinstance(files, dict):
            if data.get("global") == global_key:
                writer.old_files = files
            else:  # templates or settings changed: re-render everything (the hashes still save writes)
                writer.old_files = {rel: ("", entry[1]) for rel, entry in files.items()}
            extra = data.get("extra")
            writer.extra = dict(extra) if isinstance(extra, dict) else {}
        return writer

    @property
    def is_full_build(self) -> bool:
        return not self.old_files

    def up_to_date(self, rel: str, key: str) -> bool:
        """True (and the file is kept) when the page was made from the same inputs and still exists."""
        entry = self.old_files.get(rel)
        if entry is not None and entry[0] == key and os.path.isfile(self._root + rel):
            self.new_files[rel] = entry
            self.skipped_render += 1
            self.unchanged += 1
            return True
        return False

    def has(self, rel: str) -> bool:
        """True when the previous build wrote `rel` (and recorded its content hash)."""
        entry = self.old_files.get(rel)
        return entry is not None and bool(entry[1])

    def keep(self, rel: str) -> bool:
        """Keep a file of the previous build as it is, without looking at it (False if unknown)."""
        entry = self.old_files.get(rel)
        if entry is None or not entry[1]:
            return False
        self.new_files[rel] = entry
        self.unchanged += 1
        return True

    def read(self, rel: str) -> str | None:
        """The content of a file the previous build wrote, or None when it is missing or was changed
        by someone else since (its hash differs from the manifest's)."""
        entry = self.old_files.get(rel)
        if entry is None or not entry[1]:
            return None
        try:
            check_relative_path(rel)
            data = (self.out_dir / rel).read_bytes()
        except (OSError, UnsafePathError):
            return None
        if content_digest(data) != entry[1]:
            return None
        return data.decode("utf-8", "replace")

    def write(self, rel: str, content: str | bytes, key: str = "") -> bool:
        """Write one file if its content changed; returns True when the disk was touched."""
        check_relative_path(rel)
        data = content.encode("utf-8", "replace") if isinstance(content, str) else content
        digest = content_digest(data)
        self.new_files[rel] = (key, digest)
        target = self.out_dir / rel
        old = self.old_files.get(rel)
        old_hash = old[1] if old is not None else None
        if old_hash == digest and target.is_file():
            self.unchanged += 1
            return False
        parent, _, name = rel.rpartition("/")
        if parent not in self._made_dirs:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._made_dirs.add(parent)
        if old_hash is None:  # a new file: created in place, nobody can be reading it yet
            try:
                with open(target, "xb") as fh:
                    fh.write(data)
                self.written += 1
                return True
            except FileExistsError:
                pass  # there after all (a previous build's manifest was lost): replace it atomically
        tmp = target.parent / f".tmp-{name}.{os.getpid()}"
        try:
            with open(tmp, "wb") as fh:
                fh.write(data)
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        self.written += 1
        return True

    def render(self, rel: str, key: str, produce: Callable[[], str | bytes]) -> None:
        """Render (via `produce`) and write one page unless its inputs are unchanged."""
        if not self.up_to_date(rel, key):
            self.write(rel, produce(), key)

    def finish(self) -> None:
        """Delete files the previous build owned and this one did not produce; save the manifest."""
        for rel in self.old_files:
            if rel in self.new_files:
                continue
            try:
                check_relative_path(rel)
            except UnsafePathError:
                continue
            target = self.out_dir / rel
            if target.is_file():
                target.unlink()
                self.deleted += 1
                _remove_empty_parents(target.parent, self.out_dir)
        manifest = {"version": MANIFEST_VERSION, "global": self.global_key,
                    "files": self.new_files, "extra": self.extra}
        tmp = self.out_dir / (MANIFEST_NAME + ".tmp")
        tmp.write_bytes(marshal.dumps(manifest))
        os.replace(tmp, self.out_dir / MANIFEST_NAME)
        (self.out_dir / LEGACY_MANIFEST_NAME).unlink(missing_ok=True)


def _read_manifest(out_dir: Path) -> dict[str, Any]:
    """The previous build's manifest (plain data only: marshal executes nothing), or {}. The JSON
    manifest of earlier versions is read for its file list (which files to delete, which hashes)."""
    try:
        data = marshal.loads((out_dir / MANIFEST_NAME).read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        data = None
    if data is None:
        try:
            legacy = json.loads((out_dir / LEGACY_MANIFEST_NAME).read_text("utf-8"))
            files = {str(rel): (str(v.get("key", "")), str(v.get("hash", "")))
                     for rel, v in legacy.get("files", {}).items() if isinstance(v, dict)}
            data = {"version": MANIFEST_VERSION, "global": legacy.get("global"), "files": files,
                    "extra": legacy.get("extra", {})}
        except (OSError, ValueError, TypeError, AttributeError):
            return {}
    if not isinstance(data, dict) or not isinstance(data.get("files", {}), dict):
        return {}
    files = data.get("files", {})
    if not all(isinstance(v, tuple) and len(v) == 2 for v in files.values()):
        return {}
    return data


def _remove_empty_parents(folder: Path, root: Path) -> None:
    root = root.resolve()
    folder = folder.resolve()
    while folder != root and root in folder.parents:
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent
