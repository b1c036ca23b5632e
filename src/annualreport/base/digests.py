"""Digests of files and values: what every stage's key and the published manifest are made of.

`file_digest` is the sha256 of a file's content, remembered within a process by path, size, mtime and
inode, and across builds by the digest memo (`MEMO`, kept in `build/<id>/digests.json` by the runner), as
git's index does; `content_digest` reads the file whatever is remembered (a cache blob is checked against
its name as it is). `text_digest` is the sha256 of a JSON-able value in canonical form (params slices,
options); `tree_digests` covers every file under a folder. Standard library only.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from functools import lru_cache
from pathlib import Path

_CHUNK = 1 << 20


@lru_cache(maxsize=4096)
def _file_digest(path: str, size: int, mtime_ns: int, inode: int) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()


def file_digest(path: Path) -> str:
    """sha256 of a file's content (memoised within a process by path, size, mtime and inode, and across
    builds by the digest memo: see DigestMemo)."""
    st = os.stat(path)
    name = str(path)
    known = MEMO.entries.get(name)
    if known is not None and known[:3] == [st.st_size, st.st_mtime_ns, st.st_ino]:
        return known[3]
    digest = _file_digest(name, st.st_size, st.st_mtime_ns, st.st_ino)
    MEMO.note(name, st, digest)
    return digest


class DigestMemo:
    """The sha256 of files a build read, by path, size, mtime (ns) and inode, kept in `build/<id>/digests.json`
    between builds, so a build where nothing changed stats its inputs instead of reading them (as git's index
    does). A file written less than two seconds before it was hashed is not remembered (it could change again
    within the same timestamp). Cache blobs never use it: they are hashed whenever they are restored."""

    RACY_NS = 2_000_000_000

    def __init__(self):
        self.entries: dict[str, list] = {}
        self.imports: dict[str, list[str]] = {}  # "module@digest of its source" -> the modules it imports
        self.path: Path | None = None
        self.changed = False

    def remember_imports(self, key: str, found: list[str]) -> None:
        self.imports[key] = found
        self.changed = self.path is not None

    def note(self, name: str, st: os.stat_result, digest: str) -> None:
        if self.path is not None and time.time_ns() - st.st_mtime_ns > self.RACY_NS:
            self.entries[name] = [st.st_size, st.st_mtime_ns, st.st_ino, digest]
            self.changed = True

    def load(self, path: Path) -> None:
        self.path, self.changed = path, False
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            self.entries, imports = dict(data["files"]), dict(data["imports"])
        except (OSError, ValueError, KeyError, TypeError):
            self.entries, imports = {}, {}
        self.imports.update(imports)

    def save(self) -> None:
        """Write the memo (atomically) and stop remembering."""
        if self.path is not None and self.changed:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}")
            data = {"files": self.entries, "imports": self.imports}
            tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
            os.replace(tmp, self.path)
        self.path, self.entries, self.changed = None, {}, False  # the imports stay known in this process


MEMO = DigestMemo()


def text_digest(value) -> str:
    """sha256 of a JSON-able value in canonical form (params slices, options)."""
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode()).hexdigest()


def tree_digests(root: Path, rel: str, label: str | None = None) -> dict[str, str]:
    """{label/relative path: digest} for a file or every file under a folder (missing: empty)."""
    base = root / rel
    label = label or rel
    if base.is_file():
        return {label: file_digest(base)}
    if not base.is_dir():
        return {}
    return {
        f"{label}/{p.relative_to(base).as_posix()}": file_digest(p)
        for p in sorted(base.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def content_digest(path: Path) -> str:
    """sha256 of a file read now (not memoised: a blob is checked against its name as it is)."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            h.update(chunk)
    return h.hexdigest()
