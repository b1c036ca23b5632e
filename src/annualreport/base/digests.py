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
    within the same timestamp). Cache blobs never use it: they are hashed whenever they are restored. Beside the
    digests it keeps the imports found in each module's source and values derived from files by content (the
    header rows recognition reads: `remember`/`recall`), so that planning a build reads no unchanged file."""

    RACY_NS = 2_000_000_000

    def __init__(self):
        self.entries: dict[str, list] = {}
        self.imports: dict[str, list[str]] = {}  # "module@digest of its source" -> the modules it imports
        self.derived: dict[str, object] = {}  # "<what>/<digests of the code and the file>" -> a JSON-able value
        self.used: set[str] = set()  # the derived values this build asked for or made: the ones kept
        self.path: Path | None = None
        self.changed = False

    def remember_imports(self, key: str, found: list[str]) -> None:
        self.imports[key] = found
        self.changed = self.path is not None

    def remember(self, key: str, value) -> None:
        """A value computed from files named by their digests in `key` (a file's header rows, by the file's and
        the reading code's digests), kept with the memo: the next build reads it instead of the files."""
        self.derived[key] = value
        self.used.add(key)
        self.changed = self.path is not None

    def recall(self, key: str):
        """A value `remember`ed under `key` (by this build or one before), else None."""
        value = self.derived.get(key)
        if value is not None:
            self.used.add(key)
        return value

    def note(self, name: str, st: os.stat_result, digest: str) -> None:
        if self.path is not None and time.time_ns() - st.st_mtime_ns > self.RACY_NS:
            self.entries[name] = [st.st_size, st.st_mtime_ns, st.st_ino, digest]
            self.changed = True

    def load(self, path: Path) -> None:
        self.path, self.changed = path, False
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            self.entries, imports = dict(data["files"]), dict(data["imports"])
            derived = dict(data.get("derived", {}))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            self.entries, imports, derived = {}, {}, {}
        self.imports.update(imports)
        self.derived.update(derived)

    def save(self) -> None:
        """Write the memo (atomically) and stop remembering."""
        kept = {k: v for k, v in self.derived.items() if k in self.used}  # values of files no longer read: dropped
        if self.path is not None and (self.changed or len(kept) < len(self.derived)):
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".{self.path.name}.{os.getpid()}")
            data = {"files": self.entries, "imports": self.imports, "derived": kept}
            tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
            os.replace(tmp, self.path)
        self.path, self.entries, self.changed = None, {}, False  # imports, derived values: known in this process
        self.used = set()


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
